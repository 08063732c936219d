import { describe, expect, it } from 'vitest'
import {
  EXACT_MANN_WHITNEY_MAX,
  estimateNetSpeedup,
  estimateSpeedup,
  logRatios,
  lookLevel,
  lookPlan,
  median,
  normalCdf,
  sequentialCoverage,
  sequentialOneSidedError,
  shiftInterval,
  signTestInterval,
} from '../../../src/analysis/statistics.js'
import type { RoundSample } from '../../../src/types.js'

/** A round whose serial arm took 100 ms and whose parallel arm was `speedup` times faster. */
function round(speedup: number): RoundSample {
  return { order: 'serial-first', serialMs: 100, parallelMs: 100 / speedup, serialBusyMs: 100, parallelBusyMs: 100 }
}

describe('logRatios', () => {
  it('is log(serial / parallel) per round', () => {
    const rounds: RoundSample[] = [
      { order: 'serial-first', serialMs: 200, parallelMs: 100, serialBusyMs: 0, parallelBusyMs: 0 },
      { order: 'parallel-first', serialMs: 90, parallelMs: 90, serialBusyMs: 0, parallelBusyMs: 0 },
      { order: 'serial-first', serialMs: 50, parallelMs: 100, serialBusyMs: 0, parallelBusyMs: 0 },
    ]
    expect(logRatios(rounds)).toEqual([Math.LN2, 0, -Math.LN2])
  })

  it('rejects a round with a zero or non-finite time, naming the round', () => {
    const bad: RoundSample = { order: 'serial-first', serialMs: 100, parallelMs: 0, serialBusyMs: 0, parallelBusyMs: 0 }
    expect(() => logRatios([round(2), bad])).toThrow(/round 2/)
    expect(() => logRatios([{ ...bad, parallelMs: Number.NaN }])).toThrow(RangeError)
  })
})

describe('median', () => {
  it('is the middle value of an odd count', () => {
    expect(median([5, 1, 3])).toBe(3)
  })

  it('is the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })

  it('throws a RangeError on an empty list', () => {
    expect(() => median([])).toThrow(RangeError)
  })
})

describe('signTestInterval', () => {
  const ten = [7, 3, 10, 1, 9, 2, 8, 4, 6, 5]

  it('uses the 2nd and 9th smallest of 10 values at 95% (achieved 97.85%)', () => {
    // 1 - 2·P(Bin(10, 1/2) ≤ 1) = 1 - 2·11/1024
    expect(signTestInterval(ten, 0.95)).toEqual({ low: 2, high: 9, confidence: 1 - 22 / 1024 })
  })

  it('narrows to the 3rd and 8th smallest of 10 values at 89% (achieved 89.06%)', () => {
    // 1 - 2·P(Bin(10, 1/2) ≤ 2) = 1 - 2·56/1024
    expect(signTestInterval(ten, 0.89)).toEqual({ low: 3, high: 8, confidence: 1 - 112 / 1024 })
  })

  it('uses the 6th and 15th smallest of 20 values at 95%', () => {
    // P(Bin(20, 1/2) ≤ 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20 = 21700 / 2^20
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i)
    expect(signTestInterval(twenty, 0.95)).toEqual({ low: 6, high: 15, confidence: 1 - 43400 / 2 ** 20 })
  })

  it('falls back to min and max when only they reach the confidence', () => {
    // 6 values: [min, max] covers 1 - 2/64 = 96.9% ≥ 95%
    expect(signTestInterval([4, 2, 6, 1, 5, 3], 0.95)).toEqual({ low: 1, high: 6, confidence: 1 - 2 / 64 })
  })

  it('is the whole line, with coverage 1, when even [min, max] falls short', () => {
    // 5 values: [min, max] covers only 1 - 2/32 = 93.75% < 95%
    expect(signTestInterval([1, 2, 3, 4, 5], 0.95)).toEqual({
      low: Number.NEGATIVE_INFINITY,
      high: Number.POSITIVE_INFINITY,
      confidence: 1,
    })
  })

  it('rejects a confidence outside (0, 1)', () => {
    expect(() => signTestInterval(ten, 1)).toThrow(RangeError)
    expect(() => signTestInterval(ten, 0)).toThrow(RangeError)
    expect(() => signTestInterval(ten, Number.NaN)).toThrow(RangeError)
  })

  it('rejects an empty list', () => {
    expect(() => signTestInterval([], 0.95)).toThrow(RangeError)
  })
})

describe('estimateSpeedup', () => {
  const speedups = [2.2, 1.5, 2, 1.95, 2.05, 2, 1.8, 2.1, 1.9, 2]

  it('is exp of the median log-ratio, with the sign-test interval mapped back by exp', () => {
    const estimate = estimateSpeedup(speedups.map(round), 2, 0.95)
    // sorted: 1.5 1.8 1.9 1.95 2 2 2 2.05 2.1 2.2 → median 2, 2nd 1.8, 9th 2.1
    expect(estimate.speedup).toBeCloseTo(2, 12)
    expect(estimate.low).toBeCloseTo(1.8, 12)
    expect(estimate.high).toBeCloseTo(2.1, 12)
    expect(estimate.confidence).toBe(1 - 22 / 1024)
  })

  it('reports efficiency as speedup / workers', () => {
    expect(estimateSpeedup(speedups.map(round), 4, 0.95).efficiency).toBeCloseTo(0.5, 12)
  })

  it('takes the geometric mean of the middle pair, so swapping arms inverts the speedup exactly', () => {
    const estimate = estimateSpeedup([1, 4].map(round), 1, 0.5)
    expect(estimate.speedup).toBeCloseTo(2, 12)
  })

  it('gives the undecidable interval [0, ∞) when there are too few rounds', () => {
    const estimate = estimateSpeedup([2, 2, 2].map(round), 2, 0.95)
    expect(estimate.low).toBe(0)
    expect(estimate.high).toBe(Number.POSITIVE_INFINITY)
    expect(estimate.confidence).toBe(1)
  })

  it('rejects a pool size below 1', () => {
    expect(() => estimateSpeedup(speedups.map(round), 0, 0.95)).toThrow(/`workers`/)
  })
})

describe('lookPlan', () => {
  const perLook = (confidence: number, minRounds: number, maxRounds: number): number =>
    lookPlan(confidence, minRounds, maxRounds).perLook

  it('needs no correction for a single look', () => {
    expect(perLook(0.95, 10, 10)).toBe(0.95)
  })

  it('is the sign-test level of rank 9 at 30 rounds for looks 10…40 at 95%', () => {
    // 1 - 2·P(Bin(30, 1/2) ≤ 8); Σ C(30, i), i = 0…8 = 8656937
    expect(perLook(0.95, 10, 40)).toBeCloseTo(1 - (2 * 8656937) / 2 ** 30, 14)
  })

  it('keeps the simultaneous coverage over all looks at or above the requested confidence', () => {
    for (const minRounds of [6, 7, 10]) {
      const plan = lookPlan(0.95, minRounds, 40)
      expect(sequentialCoverage(plan)).toBeGreaterThanOrEqual(0.95)
      expect(sequentialOneSidedError(plan)).toBeLessThanOrEqual(0.025)
    }
  })

  it('is the smallest such level: the next lower achievable level covers less than 95%', () => {
    // The achievable level just below is rank 13 at 40 rounds (98.34%); it lets the
    // 40th look use a narrower interval, and then the looks together miss too often.
    const forty = Array.from({ length: 40 }, (_, i) => i + 1)
    const lower = signTestInterval(forty, 0.98)
    expect(lower.low).toBe(13)
    expect(lower.confidence).toBeLessThan(perLook(0.95, 10, 40))
    expect(sequentialCoverage({ ...lookPlan(0.95, 10, 40), perLook: lower.confidence })).toBeLessThan(0.95)
  })

  it('is less conservative than a Bonferroni split over the 31 looks', () => {
    const bonferroni = 1 - 0.05 / 31
    expect(perLook(0.95, 10, 40)).toBeLessThan(bonferroni)
  })

  it('asks for more per look when there are more looks', () => {
    expect(perLook(0.95, 10, 20)).toBeLessThanOrEqual(perLook(0.95, 10, 40))
    expect(perLook(0.95, 10, 40)).toBeLessThanOrEqual(perLook(0.95, 10, 200))
  })

  it('starts early: a look before the per-look level is reachable decides on every round one side', () => {
    const plan = lookPlan(0.95, 7, 40)
    // 7 rounds cover at most 1 − 2/128 = 98.44%, below the per-look level: that look uses [min, max].
    expect(plan.perLook).toBeGreaterThan(1 - 2 / 128)
    expect(lookLevel(plan, 7)).toBe(1 - 2 / 128)
    expect(signTestInterval([1, 2, 3, 4, 5, 6, 7], lookLevel(plan, 7)).low).toBe(1)
    // Later looks use the plan's level; a look whose widest interval misses the confidence never decides.
    expect(lookLevel(plan, 30)).toBe(plan.perLook)
    expect(lookLevel(lookPlan(0.95, 3, 40), 5)).toBe(lookPlan(0.95, 3, 40).perLook)
    // Charging the early look in full makes the later ones stricter than with a late start.
    expect(plan.perLook).toBeGreaterThan(perLook(0.95, 8, 40))
  })

  it('matches brute force over every sign sequence of 12 rounds with looks 6…12', () => {
    // Under a budget equal to the true median, each round falls below or above it
    // with probability 1/2; enumerate all 2^12 orders and count those where some look misses.
    const plan = lookPlan(0.9, 6, 12)
    let misses = 0
    for (let pattern = 0; pattern < 2 ** 12; pattern++) {
      const values = Array.from({ length: 12 }, (_, i) => ((pattern >> i) & 1 ? 1 : -1) * (i + 1))
      for (let n = 6; n <= 12; n++) {
        const { low, high } = signTestInterval(values.slice(0, n), lookLevel(plan, n))
        if (low > 0 || high < 0) {
          misses++
          break
        }
      }
    }
    expect(sequentialCoverage(plan)).toBeCloseTo(1 - misses / 2 ** 12, 12)
    expect(1 - misses / 2 ** 12).toBeGreaterThanOrEqual(0.9)
  })

  it('rejects looks that do not form a range of rounds ≥ 1', () => {
    expect(() => lookPlan(0.95, 0, 40)).toThrow(/`minRounds`/)
    expect(() => lookPlan(0.95, 10, 9)).toThrow(/`maxRounds`/)
    expect(() => lookPlan(0.95, 10.5, 40)).toThrow(RangeError)
  })

  it('rejects a confidence outside (0, 1)', () => {
    expect(() => lookPlan(1, 10, 40)).toThrow(/`confidence`/)
  })
})

describe('estimateNetSpeedup', () => {
  /** A round whose serial arm spent `inlineMs` inside fn, and whose parallel batch took `parallelMs`. */
  const paired = (inlineMs: number, parallelMs: number): RoundSample => ({
    order: 'serial-first',
    serialMs: inlineMs * 1.1,
    parallelMs,
    serialBusyMs: inlineMs,
    parallelBusyMs: inlineMs,
  })

  it("is the serial arm's time inside fn over the parallel batch, paired per round", () => {
    // Unequal rounds: the inline cost moves with the parallel time, so the ratio holds at 2x.
    const rounds = [
      paired(100, 50),
      paired(200, 100),
      paired(120, 60),
      paired(80, 40),
      paired(300, 150),
      paired(90, 45),
      paired(110, 55),
    ]
    const net = estimateNetSpeedup(rounds, 0.95)
    expect(net?.speedup).toBeCloseTo(2, 12)
    expect(net?.low).toBeCloseTo(2, 12)
    expect(net?.high).toBeCloseTo(2, 12)
  })

  it('gives the sign-test interval of the per-round ratios', () => {
    const ratios = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7]
    const net = estimateNetSpeedup(
      ratios.map((r) => paired(100 * r, 100)),
      0.95,
    )
    const expected = signTestInterval(ratios.map(Math.log), 0.95)
    expect(net?.low).toBeCloseTo(Math.exp(expected.low), 12)
    expect(net?.high).toBeCloseTo(Math.exp(expected.high), 12)
    expect(net?.confidence).toBe(expected.confidence)
  })

  it('is undefined without busy time to go on', () => {
    expect(estimateNetSpeedup([], 0.95)).toBeUndefined()
    expect(estimateNetSpeedup([paired(0, 10)], 0.95)).toBeUndefined()
  })
})

describe('shiftInterval', () => {
  it('is the Hodges–Lehmann shift with the exact Mann–Whitney interval (n = m = 5 at 95%: the 3rd and 23rd differences)', () => {
    // Differences a_i − b_j run 6..14; P(U ≤ 2) = 4/252 for 5 and 5 (U = 0, 1, 2, 2), so k = 3.
    const result = shiftInterval([11, 12, 13, 14, 15], [1, 2, 3, 4, 5], 0.95)
    expect(result.shift).toBe(10)
    expect(result.low).toBe(7)
    expect(result.high).toBe(13)
    expect(result.confidence).toBeCloseTo(1 - 2 * (4 / 252), 12)
  })

  it('is unbounded when the samples are too small for the confidence', () => {
    expect(shiftInterval([1, 2], [3], 0.95)).toMatchObject({ low: -Infinity, high: Infinity, confidence: 1 })
  })

  it('straddles 0 for samples from the same place, and excludes it for clearly shifted ones', () => {
    const same = shiftInterval([1, 3, 5, 7, 9, 11], [2, 4, 6, 8, 10, 12], 0.95)
    expect(same.low).toBeLessThan(0)
    expect(same.high).toBeGreaterThan(0)
    const shifted = shiftInterval([101, 103, 105, 107, 109, 111], [2, 4, 6, 8, 10, 12], 0.95)
    expect(shifted.low).toBeGreaterThan(0)
  })
})

describe('shiftInterval, by hand and for large samples', () => {
  it('uses the exact null distribution for unequal sizes (3 and 2 at 80%: [min, max] of the differences)', () => {
    // The 10 orderings of 3 and 2 give U = 0..6 with counts 1,1,2,2,2,1,1: P(U ≤ 0) = 0.1, so k = 1.
    // Differences a − b: 8, 9, 18, 19, 28, 29; Hodges–Lehmann = (18 + 19) / 2.
    expect(shiftInterval([10, 20, 30], [1, 2], 0.8)).toEqual({ shift: 18.5, low: 8, high: 29, confidence: 0.8 })
  })

  it(`switches to the normal approximation of U above ${EXACT_MANN_WHITNEY_MAX} per sample, agreeing with the exact ranks at the switch`, () => {
    const sample = (n: number, offset: number) => Array.from({ length: n }, (_, i) => i + offset)
    const exact = shiftInterval(sample(EXACT_MANN_WHITNEY_MAX, 0), sample(EXACT_MANN_WHITNEY_MAX, 0.5), 0.95)
    const approximate = shiftInterval(
      sample(EXACT_MANN_WHITNEY_MAX + 1, 0),
      sample(EXACT_MANN_WHITNEY_MAX + 1, 0.5),
      0.95,
    )
    expect(approximate.low).toBe(exact.low)
    expect(approximate.high).toBe(exact.high)
    expect(approximate.confidence).toBeGreaterThanOrEqual(0.95)
    expect(approximate.confidence).toBeCloseTo(exact.confidence, 3)
  })

  it('has Φ from erfc to 1e-7', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7)
    expect(normalCdf(-1.644853627)).toBeCloseTo(0.05, 7)
  })
})
