// CPU time of the current thread (worker thread) or process (child process),
// used to tell a starved parallel arm from a slow one.
import { readFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

type CpuUsage = () => { user: number; system: number }

// process.threadCpuUsage exists from Node 23.9 / 22.19 on; older Nodes read /proc.
const threadCpuUsage = (process as { threadCpuUsage?: CpuUsage }).threadCpuUsage

/** Clock ticks per second of /proc's utime/stime on Linux (USER_HZ, fixed at 100). */
const USER_HZ = 100

function procThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1')
    // Fields after the command name "(...)": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ
  } catch {
    return undefined
  }
}

/** CPU time consumed so far by this worker, ms; undefined when the platform cannot tell. */
export function cpuTimeMs(): number | undefined {
  if (isMainThread) {
    const { user, system } = process.cpuUsage()
    return (user + system) / 1000
  }
  if (threadCpuUsage !== undefined) {
    const { user, system } = threadCpuUsage()
    return (user + system) / 1000
  }
  return procThreadCpuMs()
}
