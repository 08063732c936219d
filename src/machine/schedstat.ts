// What the scheduler says about the calling thread (Linux /proc/thread-self/schedstat): the time
// it ran on a CPU and the time it sat runnable, waiting for one (the run-queue delay). The delay
// is what other load takes from us, measured on our own threads in ns, so a round can be
// corrected for it (analysis/load-correction.ts) instead of excused.
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs'

export interface ThreadSchedstat {
  /** Time on a CPU, ms. */
  cpuMs: number
  /** Time runnable but waiting for a CPU (run-queue delay), ms. */
  delayMs: number
}

/** The first two fields of a schedstat line (`<on-cpu ns> <run-delay ns> <timeslices>`), in ms. */
export function parseSchedstat(text: string): ThreadSchedstat | undefined {
  const [onCpu, delay] = text.trim().split(/\s+/).map(Number)
  if (onCpu === undefined || delay === undefined || !Number.isFinite(onCpu) || !Number.isFinite(delay)) {
    return undefined
  }
  return { cpuMs: onCpu / 1e6, delayMs: delay / 1e6 }
}

const buffer = Buffer.allocUnsafe(128)
/** False once a read failed: not Linux, or a kernel without schedstat; never tried again. */
let available = true

/** An open /proc file's text, read from offset 0 into the reused buffer (the kernel renders it anew). */
function readFromStart(fd: number): string {
  return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0))
}

/**
 * The calling thread's schedstat file, kept open and read from offset 0 (the kernel renders it
 * anew). Opening it per read cost 10–30 µs just after a call, twice per task: 0.1–0.2 ms per task
 * on a process pool's path, 6% of the speedup of 1.6 ms tasks (bench/load.ts `small`). A kept
 * descriptor reads in 1–10 µs.
 * Each thread has its own copy of this module, so its own descriptor, and a worker thread's is
 * closed by Node when the thread ends (Worker's `trackUnmanagedFds`, on by default).
 */
let ownFd: number | undefined

function readOwnSchedstat(): string | undefined {
  try {
    ownFd ??= openSync('/proc/thread-self/schedstat', 'r')
    return readFromStart(ownFd)
  } catch {
    return undefined
  }
}

/**
 * The calling thread's schedstat, or undefined where the platform has none. Exact to ~0.02 ms,
 * where /proc/<pid>/stat counts 10 ms ticks. `cpuBroughtUpToDate`: the caller has just called
 * process.cpuUsage(), so the thread's CPU time need not be brought up to date again.
 */
export function threadSchedstat(cpuBroughtUpToDate = false): ThreadSchedstat | undefined {
  if (!available) return undefined
  // The kernel brings a running thread's CPU time up to date only at a tick or a switch, so a read
  // lags up to a tick (a 1.5 ms call read 0.8–1 ms short here). getrusage, under process.cpuUsage,
  // brings the calling thread's up to date first (within 0.02 ms): ~1 µs.
  if (!cpuBroughtUpToDate) process.cpuUsage()
  const text = readOwnSchedstat()
  const parsed = text === undefined ? undefined : parseSchedstat(text)
  if (parsed === undefined) available = false
  return parsed
}

let ownKey: string | null | undefined
/**
 * The calling thread's key in threadSchedstats (`pid/tid`), read once per thread (a worker thread
 * has its own copy of this module); undefined where /proc has no thread-self.
 */
export function threadKey(): string | undefined {
  if (ownKey === undefined) {
    try {
      // `<pid>/task/<tid>`; the pid as threadSchedstats names it (process.pid), whatever /proc's namespace.
      const tid = readlinkSync('/proc/thread-self').split('/')[2]
      ownKey = tid !== undefined ? `${process.pid}/${tid}` : null
    } catch {
      ownKey = null
    }
  }
  return ownKey ?? undefined
}

/** Reads one small /proc file with a reused buffer: ~4x cheaper than readFileSync. */
function readSmall(path: string): string | undefined {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    return readFromStart(fd)
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Schedstat so far per thread (`pid/tid`) of a set of processes. */
export type ThreadSchedstats = Map<string, ThreadSchedstat>

/**
 * The schedstat of every thread of `pids` now (Linux): for the threads that fn's work uses off the
 * calling thread (libuv's pool, helper threads, the processes fn starts), and for the CPU our own
 * threads spend beside the calling threads. Undefined where /proc cannot be listed.
 */
export function threadSchedstats(pids: Iterable<number>): ThreadSchedstats | undefined {
  const stats: ThreadSchedstats = new Map()
  for (const pid of pids) {
    let tids: string[]
    try {
      tids = readdirSync(`/proc/${pid}/task`)
    } catch {
      continue
    }
    for (const tid of tids) {
      const text = readSmall(`/proc/${pid}/task/${tid}/schedstat`)
      const parsed = text === undefined ? undefined : parseSchedstat(text)
      if (parsed !== undefined) stats.set(`${pid}/${tid}`, parsed)
    }
  }
  return stats.size === 0 ? undefined : stats
}

/** The process of a thread key (`pid/tid`). */
export function pidOf(thread: string): number {
  return Number(thread.slice(0, thread.indexOf('/')))
}

/** What one thread (`thread`, read `now`) accrued since `before`: all of it if it started in between. */
export function accruedSince(
  before: ThreadSchedstats,
  thread: string,
  now: ThreadSchedstat,
  field: keyof ThreadSchedstat,
): number {
  return Math.max(0, now[field] - (before.get(thread)?.[field] ?? 0))
}

/**
 * What threads accrued between two readings (`field`: CPU or delay), of those `counted` (all by
 * default): the difference for threads in both, all of it for threads that started in between.
 * Threads that ended in between took theirs with them (Linux keeps no total for exited threads), so
 * this can only under-count.
 */
export function accruedBetween(
  before: ThreadSchedstats,
  after: ThreadSchedstats,
  field: keyof ThreadSchedstat,
  counted: (thread: string) => boolean = () => true,
): number {
  let sum = 0
  for (const [thread, stat] of after) if (counted(thread)) sum += accruedSince(before, thread, stat, field)
  return sum
}
