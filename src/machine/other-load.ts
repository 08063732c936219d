// How much CPU other processes took while the parallel arm ran: the machine's
// busy time on the CPUs we may use (/proc/stat) minus our own (this Vitest worker
// with all its threads, every pool child and what they waited for, and the
// Vitest main process that forked this worker: the run's own orchestration).
// Work that fn does elsewhere in our tree (libuv's pool, helper threads) is ours,
// not "other load", so it can no longer pass for starvation.
import { cpuCapacity, type FileReader, parseCpusAllowed, readSystemFile } from './effective-cores.js'
import { statFieldsAfterName } from './process-tree.js'

/** Linux's USER_HZ: /proc times are in 1/100 s. */
const TICK_MS = 10
export interface CpuSample {
  /** Busy time of the CPUs we may use, ms. */
  machineMs: number
  /** CPU time of our own process tree, ms. */
  ownMs: number
  atMs: number
}

/** Busy ticks (user, nice, system, irq, softirq, steal) of the `cpuN` lines in `cpus`, or of all CPUs. */
export function parseProcStatBusy(stat: string, cpus: readonly number[] | undefined): number | undefined {
  let busy = 0
  let found = 0
  for (const line of stat.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line)
    if (match === null) continue
    const id = match[1] === '' ? undefined : Number(match[1])
    if (cpus === undefined ? id !== undefined : id === undefined || !cpus.includes(id)) continue
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (match[2] ?? '')
      .trim()
      .split(/\s+/)
      .map(Number)
    busy += user + nice + system + irq + softirq + steal
    found++
  }
  return found === 0 || !Number.isFinite(busy) ? undefined : busy
}

/** utime + stime + cutime + cstime of a /proc/<pid>/stat line, in ticks (the name may hold spaces and parentheses). */
export function parsePidStatTicks(stat: string): number | undefined {
  const fields = statFieldsAfterName(stat)
  // Fields after the name start at state (3rd field): utime is the 14th field overall.
  const ticks = [11, 12, 13, 14].map((index) => Number(fields[index]))
  return ticks.every(Number.isFinite) ? ticks.reduce((a, b) => a + b, 0) : undefined
}

/** Per reader: the system's is read once per process (affinity and quotas do not change mid-run). */
const allowedByReader = new WeakMap<FileReader, readonly number[] | undefined | null>()

/** The CPUs we may use (undefined: all), or null when a CPU quota is narrower than they are. */
function allowedCpus(read: FileReader): readonly number[] | undefined | null {
  if (allowedByReader.has(read)) return allowedByReader.get(read) as readonly number[] | undefined | null
  const status = read('/proc/self/status')
  const allowed = status === undefined ? undefined : parseCpusAllowed(status)
  const result = allowed !== undefined && cpuCapacity(read) < allowed.length ? null : allowed
  allowedByReader.set(read, result)
  return result
}

/**
 * A sample, or undefined where other load cannot be told apart: not Linux, or a CPU quota
 * narrower than the CPUs we see (in such a container, /proc/stat shows other tenants' work).
 */
export function sampleCpu(childPids: readonly number[], read: FileReader = readSystemFile): CpuSample | undefined {
  const cpus = allowedCpus(read)
  if (cpus === null) return undefined
  const allowed = cpus
  const stat = read('/proc/stat')
  const machineTicks = stat === undefined ? undefined : parseProcStatBusy(stat, allowed)
  if (machineTicks === undefined) return undefined
  const usage = process.cpuUsage()
  let ownMs = (usage.user + usage.system) / 1000
  // The parent: Vitest's main process (reporting, RPC, the module server), part of this run.
  for (const pid of [...childPids, process.ppid]) {
    const childStat = read(`/proc/${pid}/stat`)
    const ticks = childStat === undefined ? undefined : parsePidStatTicks(childStat)
    if (ticks !== undefined) ownMs += ticks * TICK_MS
  }
  return { machineMs: machineTicks * TICK_MS, ownMs, atMs: performance.now() }
}

/**
 * CPU time that processes outside our tree used between two samples, ms. Tick-grained (10 ms) and
 * unclamped, so that many short windows can be summed without a bias (contention does).
 */
export function otherCpuMs(before: CpuSample, after: CpuSample): number {
  return after.machineMs - before.machineMs - (after.ownMs - before.ownMs)
}
