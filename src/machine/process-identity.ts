// Who a process is, from /proc/<pid>/stat: its parent and its start time (which,
// with the pid, names one process for good: a pid can be reused, the pair cannot).
// The module server checks a child's claim with it before it would ever kill it.
import { type FileReader, readSystemFile } from './effective-cores.js'
import { parseParentPid, statFieldsAfterName } from './process-tree.js'

export interface ProcessIdentity {
  pid: number
  ppid: number
  /** Field 3: R, S, D, Z (a zombie: dead, not yet collected by its parent), … */
  state: string
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot. */
  startTime: string
}

/** The identity of a live process; undefined where /proc is missing or the process is gone. */
export function processIdentity(pid: number, read: FileReader = readSystemFile): ProcessIdentity | undefined {
  const stat = read(`/proc/${pid}/stat`)
  if (stat === undefined) return undefined
  const ppid = parseParentPid(stat)
  // Fields after the name start at field 3 (state): field 22 is at index 19.
  const fields = statFieldsAfterName(stat)
  const [state] = fields
  const startTime = fields[19]
  return ppid === undefined || state === undefined || startTime === undefined
    ? undefined
    : { pid, ppid, state, startTime }
}

/** Whether `pid` is `ancestor` or below it (walking parents up to init). */
export function descendsFrom(pid: number, ancestor: number, read: FileReader = readSystemFile): boolean {
  let current = pid
  for (let depth = 0; depth < 64 && current > 1; depth++) {
    if (current === ancestor) return true
    const identity = processIdentity(current, read)
    if (identity === undefined) return false
    current = identity.ppid
  }
  return current === ancestor
}

/** Whether the process that `identity` names still runs (the same pid and start time, not a zombie). */
export function isRunning(identity: ProcessIdentity, read: FileReader = readSystemFile): boolean {
  const now = processIdentity(identity.pid, read)
  return now !== undefined && now.startTime === identity.startTime && now.state !== 'Z'
}
