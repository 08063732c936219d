// Pure statistics over paired rounds: log-ratios, the median, the sign-test
// interval for the median and the per-look confidence for sequential stopping.
// No normality anywhere: timings are skewed, so everything rests on order
// statistics and the Binomial(n, 1/2) distribution of signs around the median.

import type { RoundSample, SpeedupEstimate } from '../types.js'

export interface MedianInterval {
  low: number
  high: number
  /** Achieved coverage of [low, high] (≥ the requested confidence). */
  confidence: number
}

/** log(serialMs / parallelMs) per round; the speedup of that round on a log scale. */
export function logRatios(rounds: RoundSample[]): number[] {
  return rounds.map((round, index) => {
    const { serialMs, parallelMs } = round
    if (!(serialMs > 0 && Number.isFinite(serialMs) && parallelMs > 0 && Number.isFinite(parallelMs))) {
      throw new RangeError(
        `round ${index + 1}: \`serialMs\` and \`parallelMs\` must be finite numbers > 0, got ${serialMs} and ${parallelMs}`,
      )
    }
    return Math.log(serialMs / parallelMs)
  })
}

/** The median; the mean of the two middle values when the count is even. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list is undefined')
  const sorted = sortedCopy(values)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? at(sorted, mid) : (at(sorted, mid - 1) + at(sorted, mid)) / 2
}

/**
 * Distribution-free confidence interval for the median: [x(k), x(n+1-k)] of the
 * sorted values, with the largest k whose coverage 1 - 2·P(Binomial(n, 1/2) ≤ k-1)
 * is still ≥ `confidence` (10 values at 95% → 2nd and 9th smallest, 97.85%).
 *
 * When even [min, max] (coverage 1 - 2·0.5^n) falls short, the only honest
 * interval is the whole line: low = -Infinity, high = +Infinity, and its
 * coverage is 1 (it always contains the median), so `confidence` is 1.
 */
export function signTestInterval(values: readonly number[], confidence: number): MedianInterval {
  assertConfidence(confidence)
  if (values.length === 0) throw new RangeError('sign-test interval of an empty list is undefined')
  const { rank, coverage } = signTestRank(values.length, confidence)
  if (rank === 0) return { low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, confidence: 1 }
  const sorted = sortedCopy(values)
  return { low: at(sorted, rank - 1), high: at(sorted, sorted.length - rank), confidence: coverage }
}

/**
 * speedup = exp(median log-ratio), interval = exp(sign-test interval), so the
 * interval is for the median round's speedup and is invariant to which arm is
 * called "serial" (log-ratios are symmetric). An undecidable interval becomes [0, ∞).
 */
export function estimateSpeedup(rounds: RoundSample[], workers: number, confidence: number): SpeedupEstimate {
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new RangeError(`\`workers\` must be an integer ≥ 1, got ${workers}`)
  }
  const ratio = ratioEstimate(logRatios(rounds), confidence)
  return { ...ratio, efficiency: ratio.speedup / workers }
}

/** A ratio from per-round log-ratios: exp(median), with exp of their sign-test interval. */
function ratioEstimate(logs: readonly number[], confidence: number): MedianInterval & { speedup: number } {
  const interval = signTestInterval(logs, confidence)
  return {
    speedup: Math.exp(median(logs)),
    low: Math.exp(interval.low),
    high: Math.exp(interval.high),
    confidence: interval.confidence,
  }
}

/** Coverage of the widest sign-test interval of n rounds, their smallest to largest: 1 − 2·0.5^n. */
export function widestCoverage(rounds: number): number {
  return 1 - 2 * 0.5 ** rounds
}

/**
 * Net speedup vs calling fn inline: per round, the serial arm's time inside fn (every input, no
 * messaging: the inline cost of the whole batch, measured in the same round; for tiny tasks the
 * batch timed as one loop, `inlineMs`) over the parallel arm's wall time; exp(median) with the
 * sign-test interval, as for the speedup. Undefined when a round has no busy time to go on.
 */
export function estimateNetSpeedup(
  rounds: RoundSample[],
  confidence: number,
): (MedianInterval & { speedup: number }) | undefined {
  const inline = (r: RoundSample): number => r.inlineMs ?? r.serialBusyMs
  if (rounds.length === 0 || rounds.some((r) => !(inline(r) > 0 && r.parallelMs > 0))) return undefined
  return ratioEstimate(
    rounds.map((r) => Math.log(inline(r) / r.parallelMs)),
    confidence,
  )
}

/** How a measurement looks at its rounds: after every round from `minRounds` to `maxRounds`. */
export interface LookPlan {
  /** The coverage asked for, simultaneously over every look (e.g. 0.95). */
  confidence: number
  minRounds: number
  maxRounds: number
  /** The calibrated level of each look's interval (see `lookPlan`); `lookLevel` gives the level at a round. */
  perLook: number
}

/**
 * The plan for sequential stopping: compute the interval after every round from `minRounds` to
 * `maxRounds` at the level `lookLevel` gives, decide with it, and report that same interval.
 *
 * Method: an exact, discrete calibration of a constant per-look level (a Pocock-style boundary)
 * with an early start. When the budget equals the true median, the signs of the rounds around
 * it are fair coin flips whatever the timing distribution, so the chance that *any* look's
 * interval excludes the truth is an exact random-walk probability, computed here by dynamic
 * programming over Binomial(n, 1/2) counts. The sign-test interval only takes a few distinct
 * ranks per n, so the search runs over those achievable levels and returns the smallest one
 * whose simultaneous miss probability over all looks is ≤ 1 - `confidence`. The intervals then
 * form a confidence sequence: coverage holds at whatever round the procedure stops, so a budget
 * exactly at the truth is called PASS ≤ ~2.5% and FAIL ≤ ~2.5% of the time at 0.95.
 *
 * Early start: at a round too early for the per-look level (7 rounds cover at most 98.4%), the
 * look still decides when every round falls on one side (the widest interval, [min, max]), as
 * long as that alone covers the nominal `confidence`. The exact calibration charges those looks
 * in full, so the later looks get what is left: a clear case stops at 7 rounds, at the price of
 * a slightly stricter level afterwards.
 *
 * Why not Bonferroni (1 - α/looks per look): it ignores that consecutive looks share almost all
 * their data, so it overshoots (looks 10…40 at 0.95: 99.84% per look and 99.44% simultaneous
 * coverage, where the exact calibration needs 98.39% per look for 95.26%) and slows every
 * verdict. A mixture confidence sequence would be valid forever, but we never look past
 * `maxRounds`, and paying for unlimited looks buys nothing here. Looking fewer times (the
 * `time` budget ran out) only lowers the error.
 */
export function lookPlan(confidence: number, minRounds: number, maxRounds: number): LookPlan {
  assertConfidence(confidence)
  assertLooks(minRounds, maxRounds)
  const key = `${confidence}:${minRounds}:${maxRounds}`
  const cached = lookPlanCache.get(key)
  if (cached !== undefined) return cached

  const alpha = 1 - confidence
  // Every achievable level at or above the nominal one; the miss probability
  // only changes at these values, so the answer is one of them.
  const levels = new Set<number>([confidence])
  for (let n = minRounds; n <= maxRounds; n++) {
    for (const coverage of signTestCoverages(n)) if (coverage >= confidence) levels.add(coverage)
  }
  const sorted = [...levels].sort((a, b) => a - b)
  const plan = (perLook: number): LookPlan => ({ confidence, minRounds, maxRounds, perLook })
  // The miss probability falls as the level rises, so bisect for the first level that is low enough.
  let lo = 0
  let hi = sorted.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (crossingProbability(plan(at(sorted, mid)), true) <= alpha) hi = mid
    else lo = mid + 1
  }
  const result = plan(at(sorted, lo))
  lookPlanCache.set(key, result)
  return result
}

/**
 * The level of the look after `rounds` rounds: the plan's per-look level, or, while that is out
 * of reach, the widest interval's coverage once it reaches the nominal confidence (early start).
 */
export function lookLevel(plan: LookPlan, rounds: number): number {
  const widest = signTestCoverages(rounds)[0] ?? 0
  return widest < plan.perLook && widest >= plan.confidence ? widest : plan.perLook
}

/**
 * Exact simultaneous coverage of the plan's intervals over all its looks: 1 - P(some look's
 * interval misses the true median). This is the coverage of the interval reported when the
 * procedure stops, whenever it stops.
 */
export function sequentialCoverage(plan: LookPlan): number {
  return 1 - crossingProbability(plan, true)
}

/**
 * Exact probability that a look wrongly excludes the truth on the low side
 * alone (= a PASS when the budget equals the true speedup; FAIL is symmetric).
 */
export function sequentialOneSidedError(plan: LookPlan): number {
  return crossingProbability(plan, false)
}

const lookPlanCache = new Map<string, LookPlan>()

/**
 * Random walk of B = number of rounds below the true median, B_n ~ Binomial(n, 1/2).
 * The interval's low end is above the truth iff B_n ≤ k_n - 1, its high end below
 * iff n - B_n ≤ k_n - 1. Mass that crosses is absorbed, so the sum is P(any look misses).
 */
function crossingProbability(plan: LookPlan, bothSides: boolean): number {
  const { minRounds, maxRounds } = plan
  let alive = [1] // alive[b] = P(no miss so far, B_n = b)
  let crossed = 0
  for (let n = 1; n <= maxRounds; n++) {
    const next = new Array<number>(n + 1).fill(0)
    for (let b = 0; b < alive.length; b++) {
      const p = at(alive, b) / 2
      next[b] = at(next, b) + p
      next[b + 1] = at(next, b + 1) + p
    }
    alive = next
    if (n < minRounds) continue
    const { rank } = signTestRank(n, lookLevel(plan, n))
    for (let b = 0; b < rank; b++) {
      crossed += at(alive, b)
      alive[b] = 0
      if (bothSides) {
        crossed += at(alive, n - b)
        alive[n - b] = 0
      }
    }
  }
  return crossed
}

/** Largest rank k (0 = none) with coverage 1 - 2·P(Bin(n, 1/2) ≤ k-1) ≥ confidence. */
function signTestRank(n: number, confidence: number): { rank: number; coverage: number } {
  let rank = 0
  let coverage = 1
  const coverages = signTestCoverages(n)
  for (let k = 1; k <= coverages.length; k++) {
    const c = at(coverages, k - 1)
    if (c < confidence) break
    rank = k
    coverage = c
  }
  return { rank, coverage }
}

const coverageCache = new Map<number, number[]>()

/** coverages[k-1] = 1 - 2·P(Bin(n, 1/2) ≤ k-1) for k = 1 … ⌊n/2⌋ (decreasing in k). */
function signTestCoverages(n: number): number[] {
  const cached = coverageCache.get(n)
  if (cached !== undefined) return cached
  const coverages: number[] = []
  // Log-space pmf so n in the thousands does not underflow 0.5^n.
  let logChoose = 0
  let cdf = 0
  for (let k = 1; k <= Math.floor(n / 2); k++) {
    const i = k - 1
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i)
    cdf += Math.exp(logChoose - n * Math.LN2)
    coverages.push(1 - 2 * cdf)
  }
  coverageCache.set(n, coverages)
  return coverages
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`\`confidence\` must be a number between 0 and 1 (exclusive), got ${confidence}`)
  }
}

function assertLooks(minRounds: number, maxRounds: number): void {
  if (!(Number.isInteger(minRounds) && minRounds >= 1)) {
    throw new RangeError(`\`minRounds\` must be an integer ≥ 1, got ${minRounds}`)
  }
  if (!(Number.isInteger(maxRounds) && maxRounds >= minRounds)) {
    throw new RangeError(`\`maxRounds\` must be an integer ≥ \`minRounds\` (${minRounds}), got ${maxRounds}`)
  }
}

function sortedCopy(values: readonly number[]): number[] {
  for (const value of values) {
    if (Number.isNaN(value)) throw new RangeError('values must not contain NaN')
  }
  return [...values].sort((a, b) => a - b)
}

/** Index into an array the caller has bounds-checked (noUncheckedIndexedAccess). */
function at(values: readonly number[], index: number): number {
  return values[index] as number
}

/** A shift between two samples with its interval. */
export interface ShiftInterval {
  /** Hodges–Lehmann estimate: the median of all pairwise differences a_i − b_j. */
  shift: number
  low: number
  high: number
  /** Achieved coverage of [low, high] (≥ the requested confidence), 1 when unbounded. */
  confidence: number
}

/**
 * P(U ≤ u) for u = 0..n·m, U the Mann–Whitney statistic of samples of sizes n and m with no
 * difference between them (every ordering equally likely); exact, by the recursion
 * p(n, m, u) = n/(n+m)·p(n−1, m, u−m) + m/(n+m)·p(n, m−1, u).
 */
function mannWhitneyCdf(n: number, m: number): number[] {
  // rows[j] holds the distribution for (i, j) while i advances; each is a probability vector.
  let rows: number[][] = Array.from({ length: m + 1 }, () => [1])
  for (let i = 1; i <= n; i++) {
    const next: number[][] = [[1]]
    for (let j = 1; j <= m; j++) {
      const size = i * j + 1
      const dist = new Array<number>(size).fill(0)
      const fromI = rows[j] as number[] // (i−1, j): U counts j for the new largest a
      const fromJ = next[j - 1] as number[] // (i, j−1)
      const wi = i / (i + j)
      const wj = j / (i + j)
      for (let u = 0; u < size; u++) {
        dist[u] = wi * (u - j >= 0 ? (fromI[u - j] ?? 0) : 0) + wj * (fromJ[u] ?? 0)
      }
      next.push(dist)
    }
    rows = next
  }
  const pmf = rows[m] as number[]
  const cdf: number[] = []
  let sum = 0
  for (const p of pmf) {
    sum += p
    cdf.push(sum)
  }
  return cdf
}

/**
 * Hodges–Lehmann shift of sample `a` against sample `b` with its distribution-free (Mann–Whitney)
 * interval: the order statistics of the n·m pairwise differences, at ranks from the exact null
 * distribution of U. Assumes only that the two samples differ by a shift; no normality. For
 * runtimes, pass logarithms: the shift is then a log-ratio.
 */
export function shiftInterval(a: readonly number[], b: readonly number[], confidence: number): ShiftInterval {
  assertConfidence(confidence)
  if (a.length === 0 || b.length === 0) throw new RangeError('a shift between two samples needs both to be non-empty')
  const differences: number[] = []
  for (const x of a) for (const y of b) differences.push(x - y)
  differences.sort((p, q) => p - q)
  const shift = median(differences)
  const alpha = 1 - confidence
  const { rank: k, tail } = mannWhitneyRank(a.length, b.length, alpha / 2)
  if (k === 0) return { shift, low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY, confidence: 1 }
  const total = differences.length
  return {
    shift,
    low: differences[k - 1] as number,
    high: differences[total - k] as number,
    confidence: 1 - 2 * tail,
  }
}

/**
 * Samples up to this size get the exact null distribution of U; larger ones its normal
 * approximation, as R's wilcox.test does from 50. The exact recursion costs O(n·m·n·m):
 * 34 ms for 40 and 40 rounds, 1.4 s for 120 and 120, hours for `maxRounds` 1000.
 */
export const EXACT_MANN_WHITNEY_MAX = 49

/**
 * The largest k with P(U ≤ k − 1) ≤ `tailProbability` (0 when none), and that probability:
 * the interval is then [d_k, d_(nm+1−k)] (1-based) of the sorted pairwise differences.
 */
function mannWhitneyRank(n: number, m: number, tailProbability: number): { rank: number; tail: number } {
  let cdf: (u: number) => number
  if (n <= EXACT_MANN_WHITNEY_MAX && m <= EXACT_MANN_WHITNEY_MAX) {
    const exact = mannWhitneyCdf(n, m)
    cdf = (u) => exact[u] ?? 1
  } else {
    // Mean n·m/2, variance n·m·(n+m+1)/12, with a continuity correction.
    const sd = Math.sqrt((n * m * (n + m + 1)) / 12)
    cdf = (u) => normalCdf((u + 0.5 - (n * m) / 2) / sd)
  }
  let k = 0
  while (k <= n * m && cdf(k) <= tailProbability + 1e-12) k++
  return { rank: k, tail: k === 0 ? 0 : cdf(k - 1) }
}

/** Chebyshev coefficients of erfc (Numerical Recipes' erfcc), highest power of t last. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
]

/** Φ(z), the standard normal CDF, from erfc with |error| < 1.2e-7 (Numerical Recipes' erfcc). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.5 * x)
  let poly = 0
  for (let i = ERFC_COEFFICIENTS.length - 1; i >= 0; i--) poly = poly * t + (ERFC_COEFFICIENTS[i] ?? 0)
  const erfc = t * Math.exp(-x * x + poly)
  return z >= 0 ? 1 - erfc / 2 : erfc / 2
}
