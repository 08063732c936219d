// One row of the report from one measurement: its verdict, the warnings that explain it, and its
// comparison with the stored run. Decisions come from analysis/; this only assembles them.

import { budgetOption, budgetTarget } from '../analysis/budget.js'
import type { RegressionRow } from '../analysis/regression.js'
import { rowVerdict } from '../analysis/row-verdict.js'
import { type Contention, contention, parallelSlowdown } from '../analysis/verdict.js'
import { dispatchOrder, granularity, taskBalance } from '../analysis/workload.js'
import type { Diagnostic, SkipFact } from '../contracts/facts.js'
import type { ResolvedOptions } from '../contracts/options.js'
import type { Model, ModelResult, Regression, Verdict } from '../types.js'
import type { Measurement } from './measure.js'

/** Hypervisor steal above this share of the run is worth saying: it slows both arms uncorrected. */
const STEAL_WARNING = 0.05

export interface RowToJudge {
  model: Model
  workers: number
  measurement: Measurement
  options: ResolvedOptions
  /** Warnings of the whole bench (an overridden level), repeated on each row. */
  warnings: readonly Diagnostic[]
  /** Set when this machine cannot reach the budget at this pool size: the row is SKIPPED. */
  skip: SkipFact | undefined
  /** Compares the row with the stored run; undefined without one. */
  compare: ((row: RegressionRow) => Regression) | undefined
  effectiveCores: number
}

/** A row of the report: the measurement with its verdict and the warnings that explain it. */
export function judgeRow(row: RowToJudge): ModelResult {
  const { model, workers, measurement, options, warnings, skip, compare, effectiveCores } = row
  const budget = budgetTarget(options, workers)
  const { load, onCpuGot, bound } = measurement.evidence
  // /proc/stat minus our tree only where the run-queue delay is not measured (DESIGN §4).
  const starvation: Pick<Contention, 'starved' | 'finding'> =
    load === undefined
      ? contention(measurement.rounds, workers, effectiveCores, measurement.otherLoad)
      : { starved: false, finding: { kind: 'contention-unchecked', basis: 'run-queue-delay' } }
  const grain = granularity(measurement.callMs, measurement.roundTripMs, model)
  const verdict: Verdict =
    skip === undefined
      ? rowVerdict({
          measured: measurement.estimate,
          evidence: measurement.evidence,
          target: budget,
          option: budgetOption(options, workers),
          workers,
          starvedByFallback: starvation.starved,
        })
      : { status: 'SKIPPED', why: skip, target: budget }
  const own: Diagnostic[] = [...warnings]
  // Beside material other load the round trip also waited for CPUs: the warning says so.
  if (grain.warning !== undefined)
    own.push(load?.material === true ? { ...grain.warning, besideLoad: true } : grain.warning)
  const balance = taskBalance(measurement.rounds, workers)
  if (balance !== undefined) own.push(balance)
  const order = dispatchOrder(measurement.rounds, workers)
  if (order !== undefined) own.push(order)
  if (load?.material === true && onCpuGot !== undefined) {
    const { speedup, low, high } = onCpuGot
    const { parallelShare, serialShare } = load
    own.push({
      kind: 'load',
      measured: measurement.estimate.speedup,
      onCpuGot: { speedup, low, high },
      parallelShare,
      serialShare,
    })
  }
  if (load === undefined && budget !== undefined && skip === undefined) own.push({ kind: 'load-unmeasured' })
  if (measurement.stealShare !== undefined && measurement.stealShare >= STEAL_WARNING) {
    own.push({ kind: 'steal', share: measurement.stealShare })
  }
  if (starvation.finding.kind === 'starved') own.push(starvation.finding)
  // For tasks too small for their overhead, per-call times mostly time the clock: no stretch to read.
  // Under async concurrency a call's time includes its wait behind the others: stretch is the model.
  else if (grain.warning === undefined && model !== 'async') {
    const slowdown = parallelSlowdown(measurement.rounds)
    if (slowdown !== undefined) own.push(slowdown)
  }
  if (measurement.synchronous) own.push({ kind: 'synchronous-fn', speedup: measurement.estimate.speedup })
  if (measurement.stoppedBecause === 'time' && verdict.status === 'INCONCLUSIVE') {
    own.push({ kind: 'time-budget', timeMs: options.time, rounds: measurement.rounds.length })
  }
  const regression = compare?.({
    model,
    workers,
    workersSetByUser: options.workersSetByUser,
    serialArm: options.baseline,
    rounds: measurement.rounds,
    speedup: measurement.estimate.speedup,
    effectiveCores,
    // A regression under load too heavy to correct is not the code's: the gate waits, as the budget does.
    starved: starvation.starved || (load?.material === true && !load.credible),
  })
  return {
    model,
    workers,
    tasks: options.tasks,
    rounds: measurement.rounds,
    startupMs: measurement.startupMs,
    roundTripMs: measurement.roundTripMs,
    callMs: measurement.callMs,
    memoryBytes: measurement.memoryBytes,
    estimate: measurement.estimate,
    ...(onCpuGot === undefined ? {} : { onCpuGot }),
    ...(load === undefined
      ? {}
      : { runQueueDelay: { serialShare: load.serialShare, parallelShare: load.parallelShare } }),
    ...(bound === undefined ? {} : { structuralBound: bound }),
    netSpeedup: measurement.net?.speedup,
    netInterval: measurement.net === undefined ? undefined : { low: measurement.net.low, high: measurement.net.high },
    verdict,
    ...(regression === undefined ? {} : { regression }),
    diagnostics: own,
  }
}
