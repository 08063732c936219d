// Pure verdict logic: what the budget asks for, whether it can be reached at
// all, whether the workers were starved, and PASS / FAIL / INCONCLUSIVE with
// one plain sentence of why. Numbers in, data out; no I/O.

import { formatConfidence } from '../report/format.js'
import type { Model, ModelRanking, ModelResult, RoundSample, SpeedupEstimate, Verdict } from '../types.js'
import { type LookPlan, lookLevel, median, sequentialCoverage, signTestInterval } from './statistics.js'

export type BudgetOption = 'minSpeedup' | 'minEfficiency'

export type Feasibility = { kind: 'ok' } | { kind: 'skip'; reason: string } | { kind: 'impossible'; message: string }

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
   * min(tasks, workers) is a hard cap. @default true
   */
  equalTasks?: boolean | undefined
}

export interface Contention {
  starvedRounds: number
  starved: boolean
  /** One plain sentence for the reader. */
  detail: string
}

export interface Granularity {
  /** roundTrip / (roundTrip + callMs): the share of each task's cost that is messaging. */
  overheadShare: number | undefined
  warning: string | undefined
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
  const { target, option, tasks, workers, tasksSetByUser, workersSetByUser, effectiveCores } = input
  if (target === undefined) return { kind: 'ok' }
  const equalTasks = input.equalTasks ?? true
  const above = (cap: number): boolean => target > cap * (1 + EPSILON)
  const asked = askedFor(option, target, workers)

  // Machine-independent caps, from the settings the user chose.
  // minEfficiency with defaulted workers scales with the machine, so it is never a settings mistake.
  const workersFixed = workersSetByUser
  if (workersFixed || (tasksSetByUser && option === 'minSpeedup')) {
    const cap = workersFixed ? speedupCap(tasks, workers, equalTasks) : tasks
    if (above(cap)) {
      const cause = capCause(tasks, workers, workersFixed, equalTasks, cap)
      return {
        kind: 'impossible',
        message: `${asked} can never be reached: ${cause.who} ${cause.singular ? 'caps' : 'cap'} the speedup at ${formatSpeedup(cap)} (${cause.setting})`,
      }
    }
  }

  // This machine's caps.
  if (above(effectiveCores)) {
    const needed = coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks)
    return {
      kind: 'skip',
      reason: `${asked} needs ≥ ${needed} ${plural(needed, 'core')}, this machine has ${formatNumber(effectiveCores)} effective ${plural(effectiveCores, 'core')}`,
    }
  }
  if (!workersSetByUser) {
    const cap = speedupCap(tasks, workers, equalTasks)
    if (above(cap)) {
      // minEfficiency scales with the defaulted pool, so more cores would not help it.
      const needed =
        option === 'minSpeedup' ? coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks) : undefined
      const need = needed === undefined ? 'is out of reach here' : `needs ≥ ${needed} ${plural(needed, 'core')}`
      return {
        kind: 'skip',
        reason: `${asked} ${need}: ${tasks} ${plural(tasks, 'task')} on ${workers} ${plural(workers, 'worker')} (defaulted from this machine's ${formatNumber(effectiveCores)} effective ${plural(effectiveCores, 'core')}) cap the speedup at ${formatSpeedup(cap)}`,
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
        detail: `contention not checked: parallel arms under ${MIN_OTHER_LOAD_WINDOW_MS} ms and a run under ${MIN_WHOLE_RUN_MS} ms are too short for the kernel's 10 ms CPU accounting`,
      }
    }
    const load = cores(wholeRun.cpuMs, wholeRun.wallMs)
    const starved = starvedBy(load)
    return {
      starvedRounds: starved ? measured.length : 0,
      starved,
      detail: starved
        ? `workers were starved of CPU: other processes took ${formatNumber(load)} cores over the whole run while the pool needed ${formatNumber(needed)} of this machine's ${formatNumber(effectiveCores)}`
        : `no sign of contention: other processes took ${formatNumber(load)} cores over the whole run`,
    }
  }
  const loads = long.map((round) => cores(round.parallelOtherMs ?? 0, round.parallelMs))
  const starvedLoads = loads.filter(starvedBy)
  const starvedRounds = starvedLoads.length
  const starved = starvedRounds > 0 && starvedRounds >= loads.length * STARVED_ROUND_SHARE
  const detail = starved
    ? `workers were starved of CPU in ${starvedRounds} of ${loads.length} rounds: other processes took a median ${formatNumber(median(starvedLoads))} cores while the pool needed ${formatNumber(needed)} of this machine's ${formatNumber(effectiveCores)}`
    : `no sign of contention: other processes took a median ${formatNumber(median(loads))} cores during the parallel arm`
  return { starvedRounds, starved, detail }
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
  const stretch = busyStretch(rounds, false)
  const stretchNote =
    stretch !== undefined && stretch >= STRETCH_WARNING
      ? `; calls took ${formatNumber(stretch)}x longer inside fn in the parallel arm`
      : ''
  let detail: string
  if (measured === 0) {
    detail = `contention not checked: no round reported CPU time for ≥ ${MIN_CPU_SAMPLE_MS} ms of work${stretchNote}`
  } else if (starved) {
    detail = `workers were starved of CPU in ${starvedRounds} of ${rounds.length} rounds (CPU time a median ${formatPercent(median(shares))} of the time inside fn), probably other load on the machine${stretchNote}`
  } else {
    detail = `no sign of contention: ${starvedRounds} of ${rounds.length} rounds starved of CPU${stretchNote}`
  }
  return { starvedRounds, starved, detail }
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
  onCpuGot?: { measured: number; parallelShare: number; serialShare: number } | undefined
}): Verdict {
  const { estimate, target, starved, option, onCpuGot } = input
  // `speedup 1.92x (95% CI 1.85–1.97x) on the CPU it got`, and the measured figure at the end.
  const where = onCpuGot === undefined ? '' : ' on the CPU it got'
  const after =
    onCpuGot === undefined
      ? ''
      : ` (${measured(onCpuGot.measured)}x measured; run-queue delay ${formatPercent(onCpuGot.parallelShare)} of the parallel arm, ${formatPercent(onCpuGot.serialShare)} of the serial arm)`
  if (target === undefined) {
    return { status: 'MEASURED', reason: `Speedup ${describeSpeedup(estimate)}${where}${after}; no budget set.` }
  }
  const subject = `${capitalize(describe(estimate, option))}${where}`
  const budget = describeBudget(estimate, target, option)
  if (estimate.low >= target) {
    return { status: 'PASS', reason: `${subject} reaches ${budget}${after}.`, target }
  }
  if (estimate.high < target) {
    if (starved) {
      return {
        status: 'INCONCLUSIVE',
        reason: `${subject} is below ${budget}, but the workers were starved of CPU by other load, so the machine may be to blame.`,
        target,
      }
    }
    return { status: 'FAIL', reason: `${subject} is below ${budget}${after}.`, target }
  }
  return {
    status: 'INCONCLUSIVE',
    reason: `${subject} straddles ${budget}${after}: more rounds or a quieter machine would decide it.`,
    target,
  }
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
 * The message of a failed test, DESIGN §2:
 * `threads speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x — 2 workers on 2 cores`.
 */
export function failureMessage(
  model: Model,
  result: Pick<ModelResult, 'estimate' | 'workers' | 'onCpuGot' | 'structuralBound'> & {
    verdict?: Pick<ModelResult['verdict'], 'basis'> | undefined
  },
  target: number,
  option: BudgetOption,
  effectiveCores: number,
): string {
  const { workers, onCpuGot, verdict } = result
  // The estimate the verdict rests on: on the CPU the pool got, when other load made that material.
  const estimate =
    verdict?.basis === 'on-cpu-got' && onCpuGot !== undefined
      ? { ...onCpuGot, efficiency: onCpuGot.speedup / workers }
      : result.estimate
  const where = verdict?.basis === 'on-cpu-got' && onCpuGot !== undefined ? ' on the CPU it got' : ''
  const missed =
    option === 'minEfficiency'
      ? `efficiency ${describeEfficiency(estimate, workers)}${where} is below minEfficiency ${formatNumber(target / workers)}`
      : `speedup ${describeSpeedup(estimate)}${where} is below minSpeedup ${formatSpeedup(target)}`
  const bound =
    verdict?.basis === 'bound' && result.structuralBound !== undefined
      ? `; no pool of ${workers} ${plural(workers, 'worker')} can run this batch more than ${measured(result.structuralBound)}x faster, whatever the load`
      : ''
  return `${model} ${missed} — ${workers} ${plural(workers, 'worker')} on ${formatNumber(effectiveCores)} ${plural(effectiveCores, 'core')}${bound}`
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
  const advice =
    roundTrip > PAYLOAD_ROUND_TRIP_MS
      ? 'the round trip is the data crossing over, not dispatch: transfer inputs (`transfer: true` for ArrayBuffers), return less, or load the data in the worker'
      : batch === undefined
        ? 'batch more work into each task'
        : `batch about ${batch.toLocaleString('en-US')} calls into each task to bring it under ${formatPercent(MAX_OVERHEAD_SHARE)}`
  return {
    overheadShare,
    warning: `tasks are too small for their overhead: messaging is ${formatPercent(overheadShare)} of each task (round trip ${formatMs(roundTrip)} vs ${formatMs(callMs)} inside fn); ${advice}`,
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
export function taskBalance(rounds: readonly RoundSample[], workers: number): string | undefined {
  const caps = rounds
    .filter((r) => r.serialLongestMs !== undefined && r.serialLongestMs > 0 && r.serialBusyMs > 0)
    .map((r) => r.serialBusyMs / (r.serialLongestMs as number))
  if (caps.length === 0 || workers < 2) return undefined
  const cap = median(caps)
  if (cap >= workers * BALANCE_SHARE) return undefined
  return `one task dominates the batch: the longest is ${formatPercent(1 / cap)} of the time inside fn, so no pool can run this batch more than ${formatNumber(cap)}x faster than inline; split the long tasks or even out their work, and dispatch the longest first`
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
export function dispatchOrder(rounds: readonly RoundSample[], workers: number): string | undefined {
  const costs = typicalTaskMs(rounds)
  if (costs === undefined || workers < 2) return undefined
  const asGiven = listScheduleMs(costs, workers)
  const longestFirst = listScheduleMs(
    [...costs].sort((a, b) => b - a),
    workers,
  )
  if (!(longestFirst > 0) || asGiven < longestFirst * ORDER_PENALTY) return undefined
  return `the dispatch order costs time: task costs range ${formatMs(Math.min(...costs))}–${formatMs(Math.max(...costs))}, and in this order the busiest of ${workers} workers needs ${formatMs(asGiven)} inside fn against ${formatMs(longestFirst)} with the longest tasks first; order the inputs by cost, longest first`
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

/** `0.93x [0.90–0.96] (95% CI)`: a ranking's ratio with its interval. */
export function rankingText(ranking: ModelRanking): string {
  const two = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : x > 0 ? '∞' : '0')
  return `${two(ranking.ratio)}x [${two(ranking.low)}–${two(ranking.high)}] (${formatConfidence(ranking.confidence)} CI)`
}

// ── formatting ────────────────────────────────────────────────────────────

/** 1.21x, 1.5x, 1x; ∞ for an undecidable bound. */
function formatSpeedup(value: number): string {
  return `${formatNumber(value)}x`
}

/** Up to two decimals, trailing zeros dropped. */
function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '∞'
  return String(Number(value.toFixed(2)))
}

function formatPercent(share: number): string {
  return `${String(Math.round(share * 1000) / 10)}%`
}

function formatMs(ms: number): string {
  return `${String(Number(ms.toPrecision(2)))} ms`
}

/** `1.21x (95% CI 1.15–1.27x)` */
/** A measured value as the report's table prints it: two decimals, so a sentence and its row agree. */
function measured(value: number): string {
  return value === Number.POSITIVE_INFINITY ? '∞' : value.toFixed(2)
}

function describeSpeedup(estimate: SpeedupEstimate): string {
  return `${measured(estimate.speedup)}x (${formatConfidence(estimate.confidence)} CI ${measured(estimate.low)}–${measured(estimate.high)}x)`
}

/** `0.61 (95% CI 0.58–0.64)` */
function describeEfficiency(estimate: SpeedupEstimate, workers: number): string {
  return `${measured(estimate.speedup / workers)} (${formatConfidence(estimate.confidence)} CI ${measured(estimate.low / workers)}–${measured(estimate.high / workers)})`
}

function describe(estimate: SpeedupEstimate, option: BudgetOption): string {
  return option === 'minEfficiency'
    ? `efficiency ${describeEfficiency(estimate, workersOf(estimate))}`
    : `speedup ${describeSpeedup(estimate)}`
}

function describeBudget(estimate: SpeedupEstimate, target: number, option: BudgetOption): string {
  return option === 'minEfficiency'
    ? `minEfficiency ${formatNumber(target / workersOf(estimate))}`
    : `minSpeedup ${formatSpeedup(target)}`
}

/** `minSpeedup 1.9` or `minEfficiency 0.8 (1.6x on 2 workers)`. */
function askedFor(option: BudgetOption, target: number, workers: number): string {
  return option === 'minEfficiency'
    ? `\`minEfficiency\` ${formatNumber(target / workers)} (${formatSpeedup(target)} on ${workers} ${plural(workers, 'worker')})`
    : `\`minSpeedup\` ${formatNumber(target)}`
}

/** The estimate carries efficiency = speedup / workers, so the pool size is recoverable. */
function workersOf(estimate: SpeedupEstimate): number {
  return Math.max(1, Math.round(estimate.speedup / estimate.efficiency))
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
): { who: string; singular: boolean; setting: string } {
  const byTasks = { who: `${tasks} ${plural(tasks, 'task')}`, singular: tasks === 1, setting: `\`tasks\`: ${tasks}` }
  if (!workersFixed || (tasks <= workers && cap === tasks)) return byTasks
  const byWorkers = {
    who: `${workers} ${plural(workers, 'worker')}`,
    singular: workers === 1,
    setting: `\`workers\`: ${workers}`,
  }
  if (cap === workers || !equalTasks) return byWorkers
  return {
    who: `${byTasks.who} on ${byWorkers.who}`,
    singular: false,
    setting: `${byTasks.setting}, ${byWorkers.setting}`,
  }
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * Calls that take much longer inside fn in the parallel arm than in the serial arm while the
 * workers had their CPU: they compete for something else (memory bandwidth, caches, a lock,
 * I/O). Never a verdict (see contention), but the reader must know that more rounds will not
 * change the result: the code, not the pool or the machine's load, limits the speedup.
 * Where the run-queue delay is measured, it is taken out of both arms first: calls that only
 * waited for a CPU (other load) are said to have waited, with the number, never blamed on the code.
 */
export function parallelSlowdown(rounds: RoundSample[]): string | undefined {
  const stretch = busyStretch(rounds, false)
  if (stretch === undefined || stretch < STRETCH_WARNING) return undefined
  const onCpu = busyStretch(rounds, true)
  if (onCpu !== undefined && onCpu < STRETCH_WARNING) {
    const waited = median(rounds.map((r) => (r.parallelDelayMs ?? 0) / r.parallelBusyMs))
    return `calls took ${formatNumber(stretch)}x longer inside fn in the parallel arm than in the serial arm because the workers waited for a CPU: other load kept them in the run queue ${formatPercent(waited)} of their time inside fn; on the CPU they got, calls took ${formatNumber(onCpu)}x as long`
  }
  return `calls took ${formatNumber(onCpu ?? stretch)}x longer inside fn in the parallel arm than in the serial arm${onCpu === undefined ? '' : ' on the CPU they got'}: the workers compete for something other than CPU time (memory bandwidth, caches, a lock, I/O); more rounds will not change that`
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
