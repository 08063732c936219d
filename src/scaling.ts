// Scaling-curve metrics: Amdahl's serial fraction fitted to measured speedups,
// and the Karp–Flatt experimentally determined serial fraction. Pure functions.

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
