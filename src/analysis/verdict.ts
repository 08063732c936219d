// Pure verdict logic: whether the workers were starved, PASS / FAIL / INCONCLUSIVE with the facts
// of why, when the rounds may stop, and calls slowed down in parallel. Numbers in, facts out; no
// I/O, no words (report/summary/). Budgets: budget.ts; the workload's shape: workload.ts.

import type { BudgetOption, ContentionFinding, Diagnostic, OnCpuGot, VerdictReason } from '../contracts/facts.js'
import type { RoundSample, SpeedupEstimate, Verdict } from '../types.js'
import { median } from './statistics.js'

export interface Contention {
  starvedRounds: number
  starved: boolean
  /** What the check saw; a `starved` finding is also the row's warning. */
  finding: ContentionFinding
}

/**
 * A round is starved when the parallel arm's CPU time is below this share of
 * the time its workers spent inside `fn`: runnable but not running.
 */
export const STARVED_CPU_SHARE = 0.75
/** Parallel arms shorter than this are not judged one by one: /proc's 10 ms ticks say little about one of them. */
export const MIN_OTHER_LOAD_WINDOW_MS = 200
/** A whole run shorter than this is not judged either. */
export const MIN_WHOLE_RUN_MS = 1000
/** Other load may take this much of a core from what the pool needs before a round counts as starved. */
export const OTHER_LOAD_SLACK = 0.25
/** Starved overall when at least this share of all rounds is starved. */
export const STARVED_ROUND_SHARE = 1 / 3
/** Below this much time inside `fn` per round, CPU accounting is too coarse to judge. */
export const MIN_CPU_SAMPLE_MS = 20
/** Without a budget, stop when the interval is within ×/÷ this factor of the estimate (±~5%). */
export const MEASURED_PRECISION = 1.05
/** Calls this much slower inside fn in the parallel arm than in the serial arm are worth a warning. */
export const STRETCH_WARNING = 1.25
/**
 * Were the workers starved of CPU by other load?
 *
 * Where the machine tells (Linux, no CPU quota narrower than the CPUs we see), by other load
 * measured directly: the CPU that processes outside our own tree took during the parallel arm
 * (other-load.ts). A round is starved when that leaves the pool less than it needs (its workers,
 * or this machine's effective cores if fewer) minus a quarter of a core; starved overall when
 * ≥ 1/3 of all rounds are. Work fn does on libuv's pool, in helper threads or in children of
 * ours is our own, so async or multi-threaded functions no longer read as starved, and a budget
 * on them can fail.
 *
 * Elsewhere, the fallback: the parallel arm's CPU time against the time its workers spent
 * inside `fn` (below 0.75 the round is starved). It cannot tell work done outside the calling
 * thread from starvation, so it is used only where the direct measure is missing.
 *
 * Not used as a signal: the stretch parallelBusyMs / serialBusyMs. Calls also get slower in
 * parallel for reasons that belong to the code and the hardware (shared caches and memory
 * bandwidth, SMT siblings, lower all-core turbo); excusing those would turn genuine scaling
 * failures into INCONCLUSIVE (parallelSlowdown says so instead).
 */
export function contention(
  rounds: RoundSample[],
  workers: number,
  effectiveCores = workers,
  wholeRun?: { cpuMs: number; wallMs: number },
): Contention {
  const measured = rounds.filter((round) => round.parallelOtherMs !== undefined && round.parallelMs > 0)
  if (measured.length === 0) return cpuShareContention(rounds)
  const needed = Math.min(workers, effectiveCores)
  const starvedBy = (cores: number): boolean => effectiveCores - cores < needed - OTHER_LOAD_SLACK
  const cores = (ms: number, wallMs: number): number => Math.max(0, ms) / wallMs
  const long = measured.filter((round) => round.parallelMs >= MIN_OTHER_LOAD_WINDOW_MS)
  if (long.length < measured.length * STARVED_ROUND_SHARE) {
    // Arms too short for /proc's 10 ms ticks one by one: judge the whole run at once, if it was long enough.
    if (wholeRun === undefined || wholeRun.wallMs < MIN_WHOLE_RUN_MS) {
      return {
        starvedRounds: 0,
        starved: false,
        finding: {
          kind: 'contention-unchecked',
          basis: 'short-run',
          windowMs: MIN_OTHER_LOAD_WINDOW_MS,
          wholeRunMs: MIN_WHOLE_RUN_MS,
        },
      }
    }
    const load = cores(wholeRun.cpuMs, wholeRun.wallMs)
    const starved = starvedBy(load)
    return {
      starvedRounds: starved ? measured.length : 0,
      starved,
      finding: starved
        ? { kind: 'starved', basis: 'whole-run', otherCores: load, needed, effectiveCores }
        : { kind: 'not-starved', basis: 'whole-run', otherCores: load },
    }
  }
  const loads = long.map((round) => cores(round.parallelOtherMs ?? 0, round.parallelMs))
  const starvedLoads = loads.filter(starvedBy)
  const starvedRounds = starvedLoads.length
  const starved = starvedRounds > 0 && starvedRounds >= loads.length * STARVED_ROUND_SHARE
  const finding: ContentionFinding = starved
    ? {
        kind: 'starved',
        basis: 'rounds',
        rounds: starvedRounds,
        of: loads.length,
        otherCores: median(starvedLoads),
        needed,
        effectiveCores,
      }
    : { kind: 'not-starved', basis: 'rounds', otherCores: median(loads) }
  return { starvedRounds, starved, finding }
}

/** The fallback: CPU time against time inside fn (see contention). */
function cpuShareContention(rounds: RoundSample[]): Contention {
  let measured = 0
  let starvedRounds = 0
  const shares: number[] = []
  for (const round of rounds) {
    const cpu = round.parallelCpuMs
    if (cpu === undefined || !(round.parallelBusyMs >= MIN_CPU_SAMPLE_MS)) continue
    measured++
    const share = cpu / round.parallelBusyMs
    shares.push(share)
    if (share < STARVED_CPU_SHARE) starvedRounds++
  }
  const starved = starvedRounds > 0 && starvedRounds >= rounds.length * STARVED_ROUND_SHARE
  const busy = busyStretch(rounds, false)
  const stretch = busy !== undefined && busy >= STRETCH_WARNING ? busy : undefined
  const of = rounds.length
  let finding: ContentionFinding
  if (measured === 0) {
    finding = { kind: 'contention-unchecked', basis: 'no-cpu-sample', sampleMs: MIN_CPU_SAMPLE_MS, stretch }
  } else if (starved) {
    finding = { kind: 'starved', basis: 'cpu-share', rounds: starvedRounds, of, cpuShare: median(shares), stretch }
  } else {
    finding = { kind: 'not-starved', basis: 'cpu-share', rounds: starvedRounds, of, stretch }
  }
  return { starvedRounds, starved, finding }
}

/**
 * PASS when the interval's lower bound reaches the target, FAIL when its upper
 * bound is below it, INCONCLUSIVE otherwise; starved workers turn a FAIL into
 * INCONCLUSIVE (the machine, not the code, may be at fault). No target → MEASURED.
 */
export function decideVerdict(input: {
  estimate: SpeedupEstimate
  target: number | undefined
  starved: boolean
  option: BudgetOption
  /** The estimate is the speedup on the CPU the pool got: what was measured and what the load cost. */
  onCpuGot?: OnCpuGot | undefined
}): Verdict {
  const { estimate, target, starved, option } = input
  const onCpuGot = input.onCpuGot === undefined ? {} : { onCpuGot: input.onCpuGot }
  if (target === undefined) return { status: 'MEASURED', why: { kind: 'no-budget', ...onCpuGot } }
  if (estimate.low >= target) return { status: 'PASS', why: { kind: 'reaches', option, target, ...onCpuGot }, target }
  if (estimate.high < target) {
    const why: VerdictReason = { kind: 'below', option, target, starved, ...onCpuGot }
    // Starved workers: the machine, not the code, may be to blame.
    return { status: starved ? 'INCONCLUSIVE' : 'FAIL', why, target }
  }
  return { status: 'INCONCLUSIVE', why: { kind: 'straddles', option, target, ...onCpuGot }, target }
}

/**
 * Sequential stopping rule. With a target: decided once the interval lies
 * wholly on one side of it. Without one: decided once the interval is within
 * ×/÷ 1.05 of the estimate (about ±5%, measured on the log scale the interval
 * lives on), precise enough to report. Stopping on either rule keeps the
 * coverage, because the per-look intervals form a confidence sequence.
 */
export function isDecided(estimate: SpeedupEstimate, target: number | undefined): boolean {
  if (target !== undefined) return estimate.low >= target || estimate.high < target
  if (!(estimate.low > 0 && Number.isFinite(estimate.high))) return false
  return estimate.high / estimate.speedup <= MEASURED_PRECISION && estimate.speedup / estimate.low <= MEASURED_PRECISION
}

/**
 * Calls that take much longer inside fn in the parallel arm than in the serial arm while the
 * workers had their CPU: they compete for something else (memory bandwidth, caches, a lock,
 * I/O). Never a verdict (see contention), but the reader must know that more rounds will not
 * change the result: the code, not the pool or the machine's load, limits the speedup.
 * Where the run-queue delay is measured, it is taken out of both arms first: calls that only
 * waited for a CPU (other load) are said to have waited, with the number, never blamed on the code.
 */
export function parallelSlowdown(
  rounds: RoundSample[],
): Extract<Diagnostic, { kind: 'parallel-slowdown' }> | undefined {
  const stretch = busyStretch(rounds, false)
  if (stretch === undefined || stretch < STRETCH_WARNING) return undefined
  const onCpu = busyStretch(rounds, true)
  if (onCpu !== undefined && onCpu < STRETCH_WARNING) {
    const waitedShare = median(rounds.map((r) => (r.parallelDelayMs ?? 0) / r.parallelBusyMs))
    return { kind: 'parallel-slowdown', cause: 'cpu-wait', stretch, waitedShare, onCpuStretch: onCpu }
  }
  return { kind: 'parallel-slowdown', cause: 'code', stretch: onCpu ?? stretch, onCpu: onCpu !== undefined }
}

/** Median over rounds of the parallel arm's time inside fn over the serial arm's; `onCpu`: with the run-queue delay taken out of both. */
function busyStretch(rounds: RoundSample[], onCpu: boolean): number | undefined {
  const ratios: number[] = []
  for (const round of rounds) {
    const serialDelay = onCpu ? round.serialDelayMs : 0
    const parallelDelay = onCpu ? round.parallelDelayMs : 0
    if (serialDelay === undefined || parallelDelay === undefined) return undefined
    const serial = round.serialBusyMs - serialDelay
    const parallel = round.parallelBusyMs - parallelDelay
    if (serial > 0 && parallel > 0) ratios.push(parallel / serial)
  }
  return ratios.length === 0 ? undefined : median(ratios)
}
