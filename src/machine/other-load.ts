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
  /** Time the hypervisor ran something else on the CPUs we may use (steal), and all their time, ms. */
  stealMs?: number | undefined
  totalMs?: number | undefined
  atMs: number
}

/**
 * The first eight time columns (user nice system idle iowait irq softirq steal; guest time is
 * already inside user) of the `cpuN` lines in `cpus`, or of the `cpu` line of all CPUs, summed
 * column by column; undefined when none matched.
 */
function procStatColumns(stat: string, cpus: readonly number[] | undefined): number[] | undefined {
  const sums = new Array<number>(8).fill(0)
  let found = 0
  for (const line of stat.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line)
    if (match === null) continue
    const id = match[1] === '' ? undefined : Number(match[1])
    if (cpus === undefined ? id !== undefined : id === undefined || !cpus.includes(id)) continue
    const columns = (match[2] ?? '').trim().split(/\s+/).map(Number)
    for (let c = 0; c < sums.length; c++) sums[c] = (sums[c] ?? 0) + (columns[c] ?? 0)
    found++
  }
  return found === 0 || !sums.every(Number.isFinite) ? undefined : sums
}

/** Busy ticks (user, nice, system, irq, softirq, steal) of the `cpuN` lines in `cpus`, or of all CPUs. */
export function parseProcStatBusy(stat: string, cpus: readonly number[] | undefined): number | undefined {
  const columns = procStatColumns(stat, cpus)
  if (columns === undefined) return undefined
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = columns
  return user + nice + system + irq + softirq + steal
}

/** Steal and total ticks of the same CPUs: the share of their time a hypervisor took. */
export function parseProcStatSteal(
  stat: string,
  cpus: readonly number[] | undefined,
): { steal: number; total: number } | undefined {
  const columns = procStatColumns(stat, cpus)
  return columns === undefined ? undefined : { steal: columns[7] ?? 0, total: columns.reduce((a, b) => a + b, 0) }
}

/**
 * utime + stime of a /proc/<pid>/stat line, in ticks (the name may hold spaces and parentheses),
 * with `waitedChildren`, + cutime + cstime: the CPU of its children that ended and were waited for.
 */
export function parsePidStatTicks(stat: string, waitedChildren = true): number | undefined {
  const fields = statFieldsAfterName(stat)
  // Fields after the name start at state (3rd field): utime is the 14th field overall.
  const ticks = (waitedChildren ? [11, 12, 13, 14] : [11, 12]).map((index) => Number(fields[index]))
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
  // The parent: Vitest's main process (reporting, RPC, the module server), part of this run; its
  // own CPU only, since a child it reaps meanwhile (another test file's worker; for an orphan, init)
  // adds that child's whole lifetime at once.
  for (const pid of [...childPids, process.ppid]) {
    const childStat = read(`/proc/${pid}/stat`)
    const ticks = childStat === undefined ? undefined : parsePidStatTicks(childStat, pid !== process.ppid)
    if (ticks !== undefined) ownMs += ticks * TICK_MS
  }
  const steal = stat === undefined ? undefined : parseProcStatSteal(stat, allowed)
  return {
    machineMs: machineTicks * TICK_MS,
    ownMs,
    stealMs: steal === undefined ? undefined : steal.steal * TICK_MS,
    totalMs: steal === undefined ? undefined : steal.total * TICK_MS,
    atMs: performance.now(),
  }
}

/**
 * CPU time that processes outside our tree used between two samples, ms. Tick-grained (10 ms) and
 * unclamped, so that many short windows can be summed without a bias (contention does).
 */
export function otherCpuMs(before: CpuSample, after: CpuSample): number {
  return after.machineMs - before.machineMs - (after.ownMs - before.ownMs)
}

/** The share of the CPUs' time the hypervisor took between two samples (steal); undefined where unknown. */
export function stealShare(before: CpuSample, after: CpuSample): number | undefined {
  if (before.stealMs === undefined || after.stealMs === undefined) return undefined
  const total = (after.totalMs ?? 0) - (before.totalMs ?? 0)
  return total > 0 ? (after.stealMs - before.stealMs) / total : undefined
}
