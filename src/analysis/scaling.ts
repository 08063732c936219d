// Scaling-curve metrics: Amdahl's serial fraction fitted to measured speedups,
// the Karp–Flatt experimentally determined serial fraction, pool-size advice and
// the speedup Amdahl's law predicts on larger machines. Pure functions.
import type { ModelResult, PredictedSpeedup, ScalingSummary } from '../types.js'
import { verdictEstimate } from './row-verdict.js'

export interface ScalingPoint {
  workers: number
  speedup: number
}

/** Amdahl's law: the speedup on `workers` of a job whose serial fraction is `f`. */
export function amdahlSpeedup(serialFraction: number, workers: number): number {
  return 1 / (serialFraction + (1 - serialFraction) / workers)
}

function sumOfSquares(points: readonly ScalingPoint[], f: number): number {
  let sum = 0
  for (const { workers, speedup } of points) {
    const residual = speedup - amdahlSpeedup(f, workers)
    sum += residual * residual
  }
  return sum
}

const GRID_STEPS = 1000
const GOLDEN = (Math.sqrt(5) - 1) / 2

/**
 * The serial fraction `f` of Amdahl's law, S(p) = 1 / (f + (1 − f) / p), fitted by least
 * squares on the speedups, clamped to [0, 1]. The point p = 1, S = 1 is implied (the model
 * passes through it for every f), so one measured point with p > 1 is enough; with none,
 * there is nothing to fit and the result is `undefined`.
 */
export function amdahlSerialFraction(points: readonly ScalingPoint[]): number | undefined {
  const usable = points.filter(
    (p) => Number.isFinite(p.workers) && p.workers >= 1 && Number.isFinite(p.speedup) && p.speedup > 0,
  )
  if (!usable.some((p) => p.workers > 1)) return undefined
  // The objective is smooth on [0, 1] but not guaranteed unimodal for arbitrary data:
  // a coarse grid finds the best basin, golden-section search then refines it.
  let best = 0
  let bestValue = sumOfSquares(usable, 0)
  for (let i = 1; i <= GRID_STEPS; i++) {
    const f = i / GRID_STEPS
    const value = sumOfSquares(usable, f)
    if (value < bestValue) {
      best = f
      bestValue = value
    }
  }
  let low = Math.max(0, best - 1 / GRID_STEPS)
  let high = Math.min(1, best + 1 / GRID_STEPS)
  let a = high - GOLDEN * (high - low)
  let b = low + GOLDEN * (high - low)
  let fa = sumOfSquares(usable, a)
  let fb = sumOfSquares(usable, b)
  while (high - low > 1e-12) {
    if (fa <= fb) {
      high = b
      b = a
      fb = fa
      a = high - GOLDEN * (high - low)
      fa = sumOfSquares(usable, a)
    } else {
      low = a
      a = b
      fa = fb
      b = low + GOLDEN * (high - low)
      fb = sumOfSquares(usable, b)
    }
  }
  const refined = (low + high) / 2
  const result = sumOfSquares(usable, refined) <= bestValue ? refined : best
  return Math.min(1, Math.max(0, result))
}

/**
 * The Karp–Flatt metric: the experimentally determined serial fraction
 * e = (1/S − 1/p) / (1 − 1/p). Growing with p means overhead grows with the pool (not
 * just a fixed serial part). `undefined` for p ≤ 1 or a speedup that is not a positive number.
 */
export function karpFlatt(speedup: number, workers: number): number | undefined {
  if (!Number.isFinite(workers) || workers <= 1) return undefined
  if (!Number.isFinite(speedup) || speedup <= 0) return undefined
  return (1 / speedup - 1 / workers) / (1 - 1 / workers)
}

/** Pool sizes a prediction is made for, beyond the largest one measured and up to the batch's tasks. */
const PREDICT_AT = [4, 8, 16, 32] as const

/** The smallest pool whose speedup reaches this share of the best measured one is the advice. */
export const ENOUGH_SHARE = 0.9

/** The most a batch of `tasks` equal tasks can gain on `workers`: tasks / ⌈tasks / workers⌉. */
export function batchCap(tasks: number, workers: number): number {
  return tasks / Math.ceil(tasks / workers)
}

/**
 * Advice and prediction for one model's rows (any number of pool sizes, one is enough to fit).
 * The prediction's range comes from fitting the intervals' bounds as well as the estimates: it
 * carries the measurement's uncertainty, not the model's (Amdahl assumes a fixed serial part and
 * ignores memory bandwidth and overhead that grow with the pool).
 */
export function scalingSummary(rows: readonly ModelResult[]): ScalingSummary | undefined {
  // Each row's estimate as its verdict has it: under corrected load, on the CPU the pool got (a fit
  // to the measured speedups would put the other load's share into the serial fraction).
  const sorted = [...rows]
    .sort((a, b) => a.workers - b.workers)
    .map((row) => ({ ...row, estimate: verdictEstimate(row) }))
  const first = sorted[0]
  if (first === undefined) return undefined
  const fitted = (pick: (row: ModelResult) => number): number | undefined =>
    amdahlSerialFraction(sorted.map((row) => ({ workers: row.workers, speedup: pick(row) })))
  const value = fitted((row) => row.estimate.speedup)
  if (value === undefined) return undefined
  // An unbounded bound fits nothing: then it allows anything from no serial part to all of it.
  const optimistic = fitted((row) => row.estimate.high) ?? 0
  const pessimistic = fitted((row) => row.estimate.low) ?? 1
  const best = sorted.reduce((a, b) => (b.estimate.speedup > a.estimate.speedup ? b : a))
  const enough = sorted.find((row) => row.estimate.speedup >= ENOUGH_SHARE * best.estimate.speedup) ?? best
  const largest = sorted[sorted.length - 1]?.workers ?? first.workers
  const tasks = first.tasks
  const predict = (workers: number): PredictedSpeedup => {
    const at = (f: number): number => Math.min(amdahlSpeedup(f, workers), batchCap(tasks, workers))
    return { workers, speedup: at(value), low: at(Math.max(value, pessimistic)), high: at(Math.min(value, optimistic)) }
  }
  return {
    model: first.model,
    serialFraction: { value, low: Math.min(value, optimistic), high: Math.max(value, pessimistic) },
    advice: {
      workers: enough.workers,
      speedup: enough.estimate.speedup,
      memoryBytes: enough.memoryBytes === undefined ? undefined : enough.memoryBytes * enough.workers,
    },
    // More workers than tasks would only idle.
    predictions: PREDICT_AT.filter((workers) => workers > largest && workers <= tasks).map(predict),
  }
}
