// Regression gate: one row of this run against the same row of a stored run (`compareWith`).
// Pure: rounds in, a Regression out. Two samples, distribution-free: the Hodges–Lehmann shift
// between the two runs' per-round log-ratios with its exact Mann–Whitney interval, so the
// change (now / baseline speedup) has an interval, and only an interval wholly below
// 1 − maxRegression fails.

import type { BaselineRow } from '../contracts/baseline.js'
import type { RegressionNote } from '../contracts/facts.js'
import type { Baseline, Model, Regression, RoundSample } from '../types.js'
import { logRatios, shiftInterval } from './statistics.js'
import { OTHER_LOAD_SLACK } from './verdict.js'

/** The row of this run, as the comparison needs it. */
export interface RegressionRow {
  model: Model
  workers: number
  workersSetByUser: boolean
  serialArm: Baseline
  rounds: RoundSample[]
  /** This run's speedup estimate (exp of the median log-ratio). */
  speedup: number
  effectiveCores: number
  /** This run's workers were starved of CPU by other load. */
  starved: boolean
}

export interface RegressionSettings {
  /** Share of the speedup that may be lost, in [0, 1). */
  maxRegression: number
  /** Confidence of the change's interval: the row's (the test's confidence split over its rows). */
  confidence: number
}

/**
 * The stored row to compare with: the same model and pool size; or, when the pool size defaulted
 * to the effective cores in both runs, the stored run's default row, whatever its size (so a
 * run on another machine still finds its baseline; efficiency is then compared).
 */
export function baselineRowFor(
  rows: readonly BaselineRow[] | undefined,
  row: Pick<RegressionRow, 'model' | 'workers' | 'workersSetByUser'>,
): BaselineRow | undefined {
  const same = rows?.filter((r) => r.model === row.model) ?? []
  return (
    same.find((r) => r.workers === row.workers) ??
    (row.workersSetByUser ? undefined : same.find((r) => !r.workersSetByUser))
  )
}

type LoadSample = Pick<RoundSample, 'parallelMs' | 'parallelOtherMs' | 'parallelCpuMs'>

/** Sum of `part` over sum of parallel wall time, over the rounds that measured `part`: cores, on average. */
function coresDuringParallelArms(rounds: readonly LoadSample[], part: (round: LoadSample) => number | undefined) {
  let partMs = 0
  let wallMs = 0
  for (const round of rounds) {
    const value = part(round)
    if (value === undefined || !(round.parallelMs > 0)) continue
    partMs += Math.max(0, value)
    wallMs += round.parallelMs
  }
  return wallMs > 0 ? partMs / wallMs : undefined
}

/**
 * Cores other processes took on average during the parallel arms: total other CPU over total
 * parallel wall time (a ratio of sums, as /proc's 10 ms ticks say little about one short arm).
 * Undefined where the platform could not tell.
 */
export function otherLoadCores(rounds: readonly LoadSample[]): number | undefined {
  return coresDuringParallelArms(rounds, (round) => round.parallelOtherMs)
}

/** Cores the pool itself used during the parallel arms (its workers' CPU time over wall time). */
export function poolCpuCores(rounds: readonly LoadSample[]): number | undefined {
  return coresDuringParallelArms(rounds, (round) => round.parallelCpuMs)
}

/**
 * Whether other load may explain a drop, so a FAIL is only INCONCLUSIVE: the machine was busier
 * than when the baseline was measured (by more than a budget's slack) and what that load left was
 * less than the CPU the pool used then. Two runs beside the same steady neighbour, or a pool that
 * needs little CPU (fn waits), still compare like for like. Where other load is not measured,
 * starved workers excuse the drop, as they do a missed budget.
 */
export function machineToBlame(now: RegressionRow, baseline: BaselineRow): boolean {
  const nowLoad = otherLoadCores(now.rounds)
  if (nowLoad === undefined || baseline.otherCores === undefined) return now.starved
  const needed = Math.min(
    baseline.cpuCores ?? capacity(baseline.workers, baseline.effectiveCores),
    capacity(now.workers, now.effectiveCores),
  )
  const busier = nowLoad > baseline.otherCores + OTHER_LOAD_SLACK
  return busier && now.effectiveCores - nowLoad < needed - OTHER_LOAD_SLACK
}

/** What caps the speedup of a row: its pool size, or the cores it could actually use. */
function capacity(workers: number, effectiveCores: number): number {
  return Math.min(workers, effectiveCores)
}

/**
 * Compares a row with its baseline row. The change is exp(Hodges–Lehmann shift) of this run's
 * per-round log-ratios against the baseline's, with their Mann–Whitney interval at the row's
 * confidence: FAIL when its upper bound is below 1 − maxRegression, PASS when its lower bound
 * reaches it (IMPROVED above 1), INCONCLUSIVE otherwise. A FAIL that other load may explain
 * (`machineToBlame`) is INCONCLUSIVE, as a starved budget's is.
 *
 * When the two rows could use different numbers of cores (min(workers, effective cores) differs,
 * e.g. 4 → 2 effective cores), the speedups are not comparable but the efficiencies are:
 * each log-ratio is divided by its run's capacity, which shifts the change by capacity then /
 * capacity now.
 */
export function compareWithBaseline(
  now: RegressionRow,
  baseline: BaselineRow | undefined,
  settings: RegressionSettings,
): Regression {
  const { maxRegression, confidence } = settings
  if (baseline === undefined) return { status: 'NEW', why: { kind: 'no-baseline' }, maxRegression }
  if (baseline.serialArm !== now.serialArm) {
    const why = { kind: 'other-serial-arm', baseline: baseline.serialArm, now: now.serialArm } as const
    return { status: 'NEW', why, maxRegression }
  }
  const capacityThen = capacity(baseline.workers, baseline.effectiveCores)
  const capacityNow = capacity(now.workers, now.effectiveCores)
  const metric = capacityThen === capacityNow ? 'speedup' : 'efficiency'
  // On the log scale, efficiency is the log-ratio minus log(capacity).
  const nowLogs = logRatios(now.rounds).map((x) => x - Math.log(capacityNow))
  const thenLogs = baseline.logRatios.map((x) => x - Math.log(capacityThen))
  const interval = shiftInterval(nowLogs, thenLogs, confidence)
  const change = Math.exp(interval.shift)
  const low = Math.exp(interval.low)
  const high = Math.exp(interval.high)
  const floor = 1 - maxRegression

  const notes: RegressionNote[] = []
  let status: Exclude<Regression['status'], 'NEW'>
  const excused = high < floor && machineToBlame(now, baseline)
  if (high < floor) {
    status = excused ? 'INCONCLUSIVE' : 'FAIL'
  } else if (low >= floor) {
    status = low > 1 ? 'IMPROVED' : 'PASS'
  } else {
    status = 'INCONCLUSIVE'
  }
  if (metric === 'efficiency') {
    notes.push({
      kind: 'efficiency-compared',
      capacityThen,
      capacityNow,
      coresThen: baseline.effectiveCores,
      coresNow: now.effectiveCores,
    })
  }
  const nowLoad = otherLoadCores(now.rounds)
  const load =
    nowLoad === undefined || baseline.otherCores === undefined
      ? undefined
      : { baseline: baseline.otherCores, now: nowLoad }
  if (excused) {
    notes.push({ kind: 'machine-to-blame', load })
  } else if ((now.starved || baseline.starved) && load !== undefined) {
    notes.push({ kind: 'like-for-like', load })
  } else if (baseline.starved) {
    notes.push({ kind: 'baseline-starved' })
  }

  return {
    status,
    notes,
    maxRegression,
    metric,
    baseline: {
      speedup: baseline.speedup,
      workers: baseline.workers,
      effectiveCores: baseline.effectiveCores,
      rounds: baseline.logRatios.length,
    },
    now: { speedup: now.speedup, effectiveCores: now.effectiveCores },
    change,
    low,
    high,
    confidence: interval.confidence,
  }
}
