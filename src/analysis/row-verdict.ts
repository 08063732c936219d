// The verdict of one row under whatever else the machine runs (DESIGN §4, revised 2026-12-05):
// a budget above what the batch's own tasks allow FAILs under any load; otherwise the interval
// decides, on the speedup on the CPU the pool got when the run-queue delay was material; load
// excuses a miss (INCONCLUSIVE) only when it is too heavy for the correction to be trusted.
// Pure: rounds in, a verdict (facts, no words) and the estimates it rests on out.

import type { BudgetOption } from '../contracts/facts.js'
import type { ModelResult, RoundSample, SpeedupEstimate, Verdict } from '../types.js'
import { estimateOnCpuGot, type LoadEffect, loadEffect, MAX_CORRECTABLE_DELAY_SHARE } from './load-correction.js'
import { median } from './statistics.js'
import { decideVerdict, isDecided } from './verdict.js'
import { listScheduleMs, typicalTaskMs } from './workload.js'

/** Tasks within this share of their median cost count as equal, so that noise cannot lower their bound. */
export const EQUAL_TASK_SPREAD = 0.1
/** A budget more than this share above the structural bound FAILs on the bound alone (task costs are measured, not exact). */
export const BOUND_TOLERANCE = 0.02

/**
 * The most any pool of `workers` can speed this batch up, from the batch's own measured task costs
 * (the serial arm's time inside fn per task with its run-queue delay taken out, median over
 * rounds): equal tasks (`equalTasks`: every task got the same input; or costs within 10% of their
 * median), tasks / ⌈tasks / workers⌉; unequal ones, their total over a longest-first schedule's
 * makespan (so never more than the total over the longest task). Undefined without per-task costs.
 */
export function structuralBound(
  rounds: readonly RoundSample[],
  workers: number,
  equalTasks = false,
): number | undefined {
  const costs = typicalTaskMs(rounds.map(onCpuTaskCosts))
  if (costs === undefined || costs.length === 0 || workers < 1) return undefined
  const typical = median(costs)
  if (!(typical > 0)) return undefined
  if (equalTasks || costs.every((cost) => Math.abs(cost - typical) <= typical * EQUAL_TASK_SPREAD)) {
    return costs.length / Math.ceil(costs.length / workers)
  }
  const total = costs.reduce((sum, cost) => sum + cost, 0)
  const longestFirst = listScheduleMs(
    [...costs].sort((a, b) => b - a),
    workers,
  )
  return longestFirst > 0 ? total / longestFirst : undefined
}

/** The serial arm's per-task times with each task's run-queue delay taken out, where it was measured. */
function onCpuTaskCosts(round: RoundSample): RoundSample {
  const { serialTaskMs, serialTaskDelayMs } = round
  if (serialTaskMs === undefined || serialTaskDelayMs?.length !== serialTaskMs.length) return round
  return { ...round, serialTaskMs: serialTaskMs.map((ms, i) => Math.max(0, ms - (serialTaskDelayMs[i] ?? 0))) }
}

/** True when a budget asks for more than the batch allows (see structuralBound). */
export function aboveBound(target: number | undefined, bound: number | undefined): boolean {
  return target !== undefined && bound !== undefined && target > bound * (1 + BOUND_TOLERANCE)
}

export interface RowEvidence {
  /** The speedup on the CPU the pool got, when the delay was material; the verdict is drawn on it. */
  onCpuGot: SpeedupEstimate | undefined
  /** What the load cost, where the run-queue delay was measured. */
  load: LoadEffect | undefined
  /** The batch's structural bound (structuralBound). */
  bound: number | undefined
}

/** The corrected estimate (when material), the load and the bound of some rounds, at an interval level. */
export function rowEvidence(
  rounds: readonly RoundSample[],
  workers: number,
  level: number,
  equalTasks = false,
): RowEvidence {
  const load = loadEffect(rounds)
  return {
    onCpuGot: load?.material === true ? estimateOnCpuGot(rounds, workers, level) : undefined,
    load,
    bound: structuralBound(rounds, workers, equalTasks),
  }
}

/**
 * Sequential stopping under load: decided once the bound rules the budget out, or once the
 * estimate the verdict will rest on (corrected when the delay is material) is decided; never
 * while the load is too heavy to correct (it may pass: keep measuring until `time` / maxRounds).
 */
export function isDecidedUnderLoad(
  measured: SpeedupEstimate,
  evidence: RowEvidence,
  target: number | undefined,
): boolean {
  if (aboveBound(target, evidence.bound)) return true
  if (evidence.load?.material === true && !evidence.load.credible) return false
  return isDecided(evidence.onCpuGot ?? measured, target)
}

export interface RowVerdictInput {
  measured: SpeedupEstimate
  evidence: RowEvidence
  target: number | undefined
  option: BudgetOption
  workers: number
  /** Where the run-queue delay is not measured: the /proc/stat fallback's word on starvation. */
  starvedByFallback: boolean
}

/** PASS / FAIL / INCONCLUSIVE / MEASURED of one row, with its reason and the estimate it rests on. */
export function rowVerdict(input: RowVerdictInput): Verdict {
  const { measured, evidence, target, option, workers } = input
  const { load, bound, onCpuGot } = evidence
  if (target !== undefined && bound !== undefined && aboveBound(target, bound)) {
    return { status: 'FAIL', why: { kind: 'above-bound', option, target, workers, bound }, target, basis: 'bound' }
  }
  if (load?.material === true && !load.credible) {
    return {
      status: target === undefined ? 'MEASURED' : 'INCONCLUSIVE',
      why: {
        kind: 'too-loaded',
        measured: measured.speedup,
        parallelShare: load.parallelShare,
        serialShare: load.serialShare,
        maxShare: MAX_CORRECTABLE_DELAY_SHARE,
        budget: target !== undefined,
      },
      ...(target === undefined ? {} : { target }),
      basis: 'measured',
    }
  }
  if (onCpuGot !== undefined && load !== undefined) {
    const verdict = decideVerdict({
      estimate: onCpuGot,
      target,
      starved: false,
      option,
      onCpuGot: { measured: measured.speedup, parallelShare: load.parallelShare, serialShare: load.serialShare },
    })
    return { ...verdict, basis: 'on-cpu-got' }
  }
  const starved = load === undefined && input.starvedByFallback
  return { ...decideVerdict({ estimate: measured, target, starved, option }), basis: 'measured' }
}

/** A row whose verdict rests on the speedup on the CPU the pool got (other load was corrected). */
interface JudgedRow {
  verdict?: Pick<Verdict, 'basis'> | undefined
  estimate: SpeedupEstimate
  workers: number
  onCpuGot?: ModelResult['onCpuGot']
}

/** Whether the row's verdict rests on the speedup on the CPU the pool got rather than the measured one. */
export function restsOnCpuGot(
  result: JudgedRow,
): result is JudgedRow & { onCpuGot: NonNullable<ModelResult['onCpuGot']> } {
  return result.verdict?.basis === 'on-cpu-got' && result.onCpuGot !== undefined
}

/**
 * The estimate a row's verdict rests on: on the CPU the pool got when the verdict says so, else as
 * measured. Every view that judges or extrapolates a row (its reason, the advice, the Amdahl fit)
 * uses this one, so none contradicts the verdict.
 */
export function verdictEstimate(result: JudgedRow): SpeedupEstimate {
  return restsOnCpuGot(result)
    ? { ...result.onCpuGot, efficiency: result.onCpuGot.speedup / result.workers }
    : result.estimate
}
