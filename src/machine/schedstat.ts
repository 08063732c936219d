// What the scheduler says about the calling thread (Linux /proc/thread-self/schedstat): the time
// it ran on a CPU and the time it sat runnable, waiting for one (the run-queue delay). The delay
// is what other load takes from us, measured on our own threads in ns, so a round can be
// corrected for it (analysis/load-correction.ts) instead of excused.
import { closeSync, openSync, readSync } from 'node:fs'

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

/**
 * The calling thread's schedstat, or undefined where the platform has none. Opened per read
 * (~8 µs): a kept descriptor would outlive the worker thread that opened it. Up to date at every
 * scheduler tick and at every switch, so within a few ms, where /proc/<pid>/stat counts 10 ms ticks.
 */
export function threadSchedstat(): ThreadSchedstat | undefined {
  if (!available) return undefined
  let fd: number | undefined
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r')
    const parsed = parseSchedstat(buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0)))
    if (parsed === undefined) available = false
    return parsed
  } catch {
    available = false
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
