// CPU time and run-queue delay of the thread calling fn (a worker thread, a child process's main
// thread, or the host for the inline baseline), read around each task.
import { readFileSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'
import { threadSchedstat } from '../machine/schedstat.js'

/** Clock ticks per second of /proc's utime/stime on Linux (USER_HZ, fixed at 100). */
const USER_HZ = 100

type CpuUsage = () => { user: number; system: number }
// process.threadCpuUsage exists from Node 23.9 / 22.19 on; older Nodes read /proc.
const threadCpuUsage = (process as { threadCpuUsage?: CpuUsage }).threadCpuUsage

export interface ThreadTimes {
  /** CPU time of this thread so far, ms; undefined where the platform cannot tell. */
  cpuMs: number | undefined
  /** Run-queue delay of this thread so far, ms (Linux schedstat); undefined elsewhere. */
  delayMs: number | undefined
  /** This thread's own time on a CPU so far, ms (Linux schedstat); undefined elsewhere. */
  threadCpuMs: number | undefined
}

/** utime + stime from /proc/thread-self/stat (10 ms ticks), where schedstat is missing. */
function statMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1')
    // Fields after the command name "(...)": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ
  } catch {
    return undefined
  }
}

function usageMs(usage: { user: number; system: number }): number {
  return (usage.user + usage.system) / 1000
}

/**
 * A child process's CPU is its whole process (fn's work on libuv's pool included), as before; a
 * worker thread's is its own. The delay is always the calling thread's: the one that runs fn.
 */
export function threadTimes(): ThreadTimes {
  if (isMainThread) {
    // process.cpuUsage() also brings this thread's schedstat up to date: one call serves both.
    const cpuMs = usageMs(process.cpuUsage())
    const sched = threadSchedstat(true)
    return { cpuMs, delayMs: sched?.delayMs, threadCpuMs: sched?.cpuMs }
  }
  const sched = threadSchedstat()
  const cpuMs = threadCpuUsage !== undefined ? usageMs(threadCpuUsage()) : (sched?.cpuMs ?? statMs())
  return { cpuMs, delayMs: sched?.delayMs, threadCpuMs: sched?.cpuMs }
}
