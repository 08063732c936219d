// Pure verdict logic: what the budget asks for, whether it can be reached at
// all, whether the workers were starved, and PASS / FAIL / INCONCLUSIVE with
// the facts of why. Numbers in, data out; no I/O, no words (report/summary.ts).

import type {
  BudgetOption,
  ContentionFinding,
  Diagnostic,
  SkipFact,
  UnreachableFact,
  VerdictReason,
} from '../contracts/facts.js'
import type { ModelRanking, ModelResult, RoundSample, SpeedupEstimate, Verdict } from '../types.js'
import { type LookPlan, lookLevel, median, sequentialCoverage, signTestInterval } from './statistics.js'

export type { BudgetOption } from '../contracts/facts.js'

export type Feasibility = { kind: 'ok' } | SkipFact | UnreachableFact

export interface FeasibilityInput {
  /** The speedup the budget asks for (`budgetTarget`). */
  target: number | undefined
  option: BudgetOption
  tasks: number
  workers: number
  tasksSetByUser: boolean
  workersSetByUser: boolean
  /** Effective cores of this machine; a fractional CPU quota (e.g. 1.5) is the most precise input. */
  effectiveCores: number
  /**
   * Whether every task does the same work (a fixed `input`, or none). Only then
   * do `tasks` on `workers` cap the speedup at tasks / ⌈tasks / workers⌉; with
   * unequal tasks (sizes 2, 1, 1 on 2 workers) 2x is reachable, so only
   * min(tasks, workers) is a hard cap.
   */
  equalTasks: boolean
}

export interface Contention {
  starvedRounds: number
  starved: boolean
  /** What the check saw; a `starved` finding is also the row's warning. */
  finding: ContentionFinding
}

export interface Granularity {
  /** roundTrip / (roundTrip + callMs): the share of each task's cost that is messaging. */
  overheadShare: number | undefined
  warning: Extract<Diagnostic, { kind: 'granularity' }> | undefined
}

/** Relative slack so 0.7 × 3 = 2.0999999999999996 is not "above 2.1". */
const EPSILON = 1e-9

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
/** Warn when messaging is more than this share of a task's cost. */
export const MAX_OVERHEAD_SHARE = 0.1
/**
 * A round trip above this is dominated by copying the task's data: an empty one costs 30–50 µs
 * (bench/overhead.ts), so batching calls would not help; moving less data would.
 */
export const PAYLOAD_ROUND_TRIP_MS = 1

/**
 * Which option a row's budget is judged and reported against: the one asking for more at this
 * pool size (with `minSpeedup: 1.8, minEfficiency: 0.5`, minSpeedup at 2 workers, minEfficiency at 4).
 */
export function budgetOption(
  budget: { minSpeedup?: number | undefined; minEfficiency?: number | undefined },
  workers: number,
): BudgetOption {
  const speedupTarget = budget.minSpeedup ?? 0
  const efficiencyTarget = (budget.minEfficiency ?? 0) * workers
  return budget.minEfficiency !== undefined && efficiencyTarget > speedupTarget + EPSILON
    ? 'minEfficiency'
    : 'minSpeedup'
}

/** The speedup a budget asks for: the larger of minSpeedup and minEfficiency × workers. */
export function budgetTarget(
  budget: { minSpeedup?: number | undefined; minEfficiency?: number | undefined },
  workers: number,
): number | undefined {
  const targets: number[] = []
  if (budget.minSpeedup !== undefined) targets.push(budget.minSpeedup)
  if (budget.minEfficiency !== undefined) targets.push(budget.minEfficiency * workers)
  return targets.length === 0 ? undefined : Math.max(...targets)
}

/**
 * Can this budget be reached? DESIGN §4:
 * - above what the user's own `tasks` / `workers` allow on any machine → `impossible`
 *   (a configuration mistake, reported before anything runs);
 * - above what this machine allows (its effective cores, or the `workers` /
 *   `tasks` that defaulted from them) → `skip`, never a false FAIL.
 */
export function budgetFeasibility(input: FeasibilityInput): Feasibility {
  const { target, option, tasks, workers, tasksSetByUser, workersSetByUser, effectiveCores, equalTasks } = input
  if (target === undefined) return { kind: 'ok' }
  const above = (cap: number): boolean => target > cap * (1 + EPSILON)

  // Machine-independent caps, from the settings the user chose.
  // minEfficiency with defaulted workers scales with the machine, so it is never a settings mistake.
  const workersFixed = workersSetByUser
  if (workersFixed || (tasksSetByUser && option === 'minSpeedup')) {
    const cap = workersFixed ? speedupCap(tasks, workers, equalTasks) : tasks
    if (above(cap)) {
      const cappedBy = capCause(tasks, workers, workersFixed, equalTasks, cap)
      return { kind: 'impossible', option, target, workers, tasks, cappedBy, cap }
    }
  }

  // This machine's caps.
  if (above(effectiveCores)) {
    const needed = coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks)
    return { kind: 'skip', option, target, workers, coresNeeded: needed, effectiveCores }
  }
  if (!workersSetByUser) {
    const cap = speedupCap(tasks, workers, equalTasks)
    if (above(cap)) {
      // minEfficiency scales with the defaulted pool, so more cores would not help it.
      const needed =
        option === 'minSpeedup' ? coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks) : undefined
      return {
        kind: 'skip',
        option,
        target,
        workers,
        coresNeeded: needed,
        effectiveCores,
        cap: { tasks, speedup: cap },
      }
    }
  }
  return { kind: 'ok' }
}

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
  const busy = busyStretch(rounds)
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
}): Verdict {
  const { estimate, target, starved, option } = input
  if (target === undefined) return { status: 'MEASURED', why: { kind: 'no-budget' } }
  if (estimate.low >= target) return { status: 'PASS', why: { kind: 'reaches', option, target }, target }
  if (estimate.high < target) {
    const why: VerdictReason = { kind: 'below', option, target, starved }
    // Starved workers: the machine, not the code, may be to blame.
    return { status: starved ? 'INCONCLUSIVE' : 'FAIL', why, target }
  }
  return { status: 'INCONCLUSIVE', why: { kind: 'straddles', option, target }, target }
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
 * How much of each task is messaging. Above 10% the task is too small for its
 * overhead: even with perfect scaling, more than a tenth of the pool's time goes
 * to moving messages, and the speedup stops reflecting the function (the
 * "square four numbers" task is > 99% overhead). A warning, never a failure.
 */
export function granularity(callMs: number | undefined, roundTripMs: number): Granularity {
  if (callMs === undefined || !(callMs >= 0) || !Number.isFinite(roundTripMs)) {
    return { overheadShare: undefined, warning: undefined }
  }
  const roundTrip = Math.max(0, roundTripMs)
  const total = roundTrip + callMs
  const overheadShare = total > 0 ? roundTrip / total : 0
  if (overheadShare <= MAX_OVERHEAD_SHARE) return { overheadShare, warning: undefined }
  // Calls per task that bring the share to 10% (b·call ≥ 9·roundTrip), to two significant digits: advice, not a measurement.
  const batch =
    callMs > 0
      ? Number(Math.ceil((roundTrip * (1 - MAX_OVERHEAD_SHARE)) / MAX_OVERHEAD_SHARE / callMs).toPrecision(2))
      : undefined
  return {
    overheadShare,
    warning: {
      kind: 'granularity',
      overheadShare,
      roundTripMs: roundTrip,
      callMs,
      batch,
      maxShare: MAX_OVERHEAD_SHARE,
      payload: roundTrip > PAYLOAD_ROUND_TRIP_MS,
    },
  }
}

/** Warn when the longest task caps the speedup below this share of the pool size. */
export const BALANCE_SHARE = 0.9

/**
 * Unequal tasks: no pool finishes a batch sooner than its longest task, so the speedup over
 * inline is capped at (time inside fn for the batch) / (longest task). When that cap is well
 * below the pool size, the batch, not the pool, limits the speedup, and dispatch order matters
 * (a long task started last leaves the other workers idle).
 */
export function taskBalance(
  rounds: readonly RoundSample[],
  workers: number,
): Extract<Diagnostic, { kind: 'task-balance' }> | undefined {
  const caps = rounds
    .filter((r) => r.serialLongestMs !== undefined && r.serialLongestMs > 0 && r.serialBusyMs > 0)
    .map((r) => r.serialBusyMs / (r.serialLongestMs as number))
  if (caps.length === 0 || workers < 2) return undefined
  const cap = median(caps)
  if (cap >= workers * BALANCE_SHARE) return undefined
  return { kind: 'task-balance', longestShare: 1 / cap, cap }
}

/** Per task (in dispatch order), the median over rounds of its time inside fn in the serial arm. */
export function typicalTaskMs(rounds: readonly RoundSample[]): number[] | undefined {
  const rows = rounds.map((r) => r.serialTaskMs).filter((t): t is number[] => t !== undefined && t.length > 0)
  const count = rows[0]?.length ?? 0
  if (count === 0 || rows.some((t) => t.length !== count)) return undefined
  return Array.from({ length: count }, (_, i) => median(rows.map((t) => t[i] ?? 0)))
}

/** The batch's makespan when each task, in the order given, goes to the first worker to be free (as the pool dispatches). */
export function listScheduleMs(taskMs: readonly number[], workers: number): number {
  const free = new Array<number>(Math.max(1, workers)).fill(0)
  for (const cost of taskMs) {
    let first = 0
    for (let w = 1; w < free.length; w++) if ((free[w] ?? 0) < (free[first] ?? 0)) first = w
    free[first] = (free[first] ?? 0) + cost
  }
  return Math.max(...free)
}

/** Warn when dispatching in this order leaves the batch this much slower than longest-first. */
export const ORDER_PENALTY = 1.1

/**
 * Unequal tasks in an unlucky order: with the typical task costs, the batch dispatched as given
 * (each task to the first free worker) against the same tasks longest first (LPT). A long task
 * started last leaves the other workers idle; sorting the inputs fixes that for free.
 */
export function dispatchOrder(
  rounds: readonly RoundSample[],
  workers: number,
): Extract<Diagnostic, { kind: 'dispatch-order' }> | undefined {
  const costs = typicalTaskMs(rounds)
  if (costs === undefined || workers < 2) return undefined
  const asGiven = listScheduleMs(costs, workers)
  const longestFirst = listScheduleMs(
    [...costs].sort((a, b) => b - a),
    workers,
  )
  if (!(longestFirst > 0) || asGiven < longestFirst * ORDER_PENALTY) return undefined
  return {
    kind: 'dispatch-order',
    shortestMs: Math.min(...costs),
    longestMs: Math.max(...costs),
    workers,
    asGivenMs: asGiven,
    longestFirstMs: longestFirst,
  }
}

/**
 * Ranks threads against processes by what a user waits for, the parallel batch time, at the
 * largest pool size both were measured at. Both ran in the same rounds, so their batch times pair
 * up round by round: the ratio is exp(median of the per-round log-ratios), with the sign-test
 * interval at the plan's level (a confidence sequence, so it holds wherever the rounds stopped).
 * A model is faster only when the interval says so.
 */
export function rankModels(results: readonly ModelResult[], plan: LookPlan): ModelRanking | undefined {
  const workers = Math.max(...results.map((r) => r.workers))
  const threads = results.find((r) => r.model === 'threads' && r.workers === workers)
  const processes = results.find((r) => r.model === 'processes' && r.workers === workers)
  if (threads === undefined || processes === undefined) return undefined
  const logs: number[] = []
  for (let i = 0; i < Math.min(threads.rounds.length, processes.rounds.length); i++) {
    const a = threads.rounds[i]?.parallelMs ?? 0
    const b = processes.rounds[i]?.parallelMs ?? 0
    if (a > 0 && b > 0) logs.push(Math.log(a / b))
  }
  if (logs.length === 0) return undefined
  const interval = signTestInterval(logs, lookLevel(plan, logs.length))
  const low = Math.exp(interval.low)
  const high = Math.exp(interval.high)
  return {
    faster: high < 1 ? 'threads' : low > 1 ? 'processes' : undefined,
    ratio: Math.exp(median(logs)),
    low,
    high,
    confidence: Math.min(interval.confidence, sequentialCoverage(plan)),
    workers,
  }
}

// ── caps ──────────────────────────────────────────────────────────────────

/** Best possible speedup of `tasks` tasks on `workers` workers over one worker. */
function speedupCap(tasks: number, workers: number, equalTasks: boolean): number {
  return equalTasks ? tasks / Math.ceil(tasks / workers) : Math.min(tasks, workers)
}

/** Smallest core count whose cap reaches the target; defaulted tasks (4 × workers) grow with the cores. */
function coresNeeded(target: number, tasks: number | undefined, equalTasks: boolean): number {
  let cores = Math.max(1, Math.ceil(target * (1 - EPSILON)))
  if (tasks === undefined) return cores
  while (cores < tasks && target > speedupCap(tasks, cores, equalTasks) * (1 + EPSILON)) cores++
  return cores
}

/** Which of the user's settings caps the speedup: `tasks`, `workers`, or both together. */
function capCause(
  tasks: number,
  workers: number,
  workersFixed: boolean,
  equalTasks: boolean,
  cap: number,
): UnreachableFact['cappedBy'] {
  if (!workersFixed || (tasks <= workers && cap === tasks)) return 'tasks'
  if (cap === workers || !equalTasks) return 'workers'
  return 'both'
}

/**
 * Calls that take much longer inside fn in the parallel arm than in the serial arm while the
 * workers had their CPU: they compete for something else (memory bandwidth, caches, a lock,
 * I/O). Never a verdict (see contention), but the reader must know that more rounds will not
 * change the result: the code, not the pool or the machine's load, limits the speedup.
 */
export function parallelSlowdown(
  rounds: RoundSample[],
): Extract<Diagnostic, { kind: 'parallel-slowdown' }> | undefined {
  const stretch = busyStretch(rounds)
  if (stretch === undefined || stretch < STRETCH_WARNING) return undefined
  return { kind: 'parallel-slowdown', stretch }
}

function busyStretch(rounds: RoundSample[]): number | undefined {
  const ratios = rounds
    .filter((round) => round.serialBusyMs > 0 && round.parallelBusyMs > 0)
    .map((round) => round.parallelBusyMs / round.serialBusyMs)
  return ratios.length === 0 ? undefined : median(ratios)
}
