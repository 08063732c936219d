import { describe, expect, it } from 'vitest'
import {
  baselineRowFor,
  compareWithBaseline as comparisonFact,
  machineToBlame,
  otherLoadCores,
  poolCpuCores,
  type RegressionRow,
} from '../../../src/analysis/regression.js'
import type { BaselineRow } from '../../../src/contracts/baseline.js'
import { regressionText } from '../../../src/report/summary/facts.js'
import type { Regression, RegressionComparison, RoundSample } from '../../../src/types.js'
import { seededRandom } from '../../support/prng.js'

type Worded<T> = T extends unknown ? T & { reason: string } : never

/** The comparison's facts, with the line every view prints for them (report/summary.ts). */
function compareWithBaseline(...args: Parameters<typeof comparisonFact>): Worded<Regression> {
  const regression = comparisonFact(...args)
  return { ...regression, reason: regressionText(regression) } as Worded<Regression>
}

// Per-round log-ratios log(speedup) + k·ε for k = −2..2: both samples share the pattern, so the
// 25 pairwise differences are shift + (i − j)·ε. Sorted, with multiplicities 1,2,3,4,5,4,3,2,1
// for −4ε..4ε, the 3rd and 23rd (the exact Mann–Whitney ranks of 5 and 5 at 95%, P(U ≤ 2) = 4/252)
// are shift − 3ε and shift + 3ε, and the Hodges–Lehmann shift is the shift itself.
const EPSILON = 0.01
const OFFSETS = [-2, -1, 0, 1, 2].map((k) => k * EPSILON)
const COVERAGE = 1 - 2 * (4 / 252)

function logs(speedup: number): number[] {
  return OFFSETS.map((offset) => Math.log(speedup) + offset)
}

/** Rounds whose log(serialMs / parallelMs) are `values`. */
function roundsWith(values: readonly number[]): RoundSample[] {
  return values.map((value, index) => ({
    order: index % 2 === 0 ? 'serial-first' : 'parallel-first',
    serialMs: 100 * Math.exp(value),
    parallelMs: 100,
    serialBusyMs: 100 * Math.exp(value),
    parallelBusyMs: 100 * Math.exp(value),
  }))
}

/** The same rounds with other processes taking `otherCores` and the pool `poolCores` during each parallel arm. */
function withLoad(rounds: RoundSample[], otherCores: number, poolCores: number): RoundSample[] {
  return rounds.map((round) => ({
    ...round,
    parallelOtherMs: round.parallelMs * otherCores,
    parallelCpuMs: round.parallelMs * poolCores,
  }))
}

function baseline(overrides: Partial<BaselineRow> = {}): BaselineRow {
  const logRatios = overrides.logRatios ?? logs(2)
  return {
    model: 'threads',
    workers: 2,
    workersSetByUser: true,
    serialArm: 'worker',
    logRatios,
    speedup: 2,
    effectiveCores: 2,
    starved: false,
    ...overrides,
  }
}

function now(speedup: number, overrides: Partial<RegressionRow> = {}): RegressionRow {
  return {
    model: 'threads',
    workers: 2,
    workersSetByUser: true,
    serialArm: 'worker',
    rounds: roundsWith(logs(speedup)),
    speedup,
    effectiveCores: 2,
    starved: false,
    ...overrides,
  }
}

const settings = { maxRegression: 0.1, confidence: 0.95 }

function comparison(regression: Worded<Regression>): Worded<RegressionComparison> {
  if (regression.status === 'NEW') throw new Error(`expected a comparison, got NEW: ${regression.reason}`)
  return regression
}

describe('compareWithBaseline', () => {
  it('FAILs when the whole interval of the change is below 1 − maxRegression (2x → 1.2x: −40% [−42%, −38%])', () => {
    const result = comparison(compareWithBaseline(now(1.2), baseline(), settings))
    expect(result.status).toBe('FAIL')
    expect(result.metric).toBe('speedup')
    expect(result.change).toBeCloseTo(0.6, 12)
    expect(result.low).toBeCloseTo(0.6 * Math.exp(-3 * EPSILON), 12)
    expect(result.high).toBeCloseTo(0.6 * Math.exp(3 * EPSILON), 12)
    expect(result.confidence).toBeCloseTo(COVERAGE, 12)
    expect(result.baseline).toEqual({ speedup: 2, workers: 2, effectiveCores: 2, rounds: 5 })
    expect(result.now).toEqual({ speedup: 1.2, effectiveCores: 2 })
    expect(result.reason).toBe(
      'baseline 2.00x → now 1.20x, change −40% [−42%, −38%] FAIL (maxRegression 10%, 96.8% CI)',
    )
  })

  it('PASSes when the lower bound reaches 1 − maxRegression (a 5% drop, 10% allowed)', () => {
    const result = comparison(compareWithBaseline(now(1.9), baseline(), settings))
    expect(result.low).toBeCloseTo(0.95 * Math.exp(-3 * EPSILON), 12)
    expect(result.low).toBeGreaterThanOrEqual(0.9)
    expect(result.status).toBe('PASS')
  })

  it('reports IMPROVED when the lower bound is above 1', () => {
    const result = comparison(compareWithBaseline(now(2.2), baseline(), settings))
    expect(result.low).toBeGreaterThan(1)
    expect(result.status).toBe('IMPROVED')
    expect(result.reason).toMatch(/change \+10% \[\+7%, \+13%\] IMPROVED/)
  })

  it('is INCONCLUSIVE when the interval straddles 1 − maxRegression', () => {
    const result = comparison(compareWithBaseline(now(1.8), baseline(), settings))
    expect(result.low).toBeLessThan(0.9)
    expect(result.high).toBeGreaterThan(0.9)
    expect(result.status).toBe('INCONCLUSIVE')
  })

  it('applies maxRegression: the same −40% passes when 50% may be lost', () => {
    expect(compareWithBaseline(now(1.2), baseline(), { ...settings, maxRegression: 0.5 }).status).toBe('PASS')
  })

  it('does not FAIL when a busier machine left the pool less CPU than it used for the baseline', () => {
    // Then: 0.1 cores of other load, the pool used 2; now 1 core of other load leaves 1 of 2.
    const busy = now(1.2, { starved: true, rounds: withLoad(roundsWith(logs(1.2)), 1, 2) })
    const result = compareWithBaseline(busy, baseline({ otherCores: 0.1, cpuCores: 2 }), settings)
    expect(machineToBlame(busy, baseline({ otherCores: 0.1, cpuCores: 2 }))).toBe(true)
    expect(result.status).toBe('INCONCLUSIVE')
    expect(result.reason).toMatch(
      /the machine was busier than for the baseline and left the pool less CPU than it used then \(other processes took 0\.10 cores then, 1\.00 cores now\), so the machine may be to blame$/,
    )
    // Where other load was not measured, starved workers excuse the drop, as they do a missed budget.
    const unmeasured = compareWithBaseline(now(1.2, { starved: true }), baseline(), settings)
    expect(unmeasured.status).toBe('INCONCLUSIVE')
    expect(unmeasured.reason).toMatch(/starved of CPU by other load, so the machine may be to blame$/)
  })

  it('still FAILs beside the same steady neighbour in both runs: like for like', () => {
    const busy = now(1.2, { starved: true, rounds: withLoad(roundsWith(logs(1.2)), 0.9, 1) })
    const then = baseline({ starved: true, otherCores: 0.8, cpuCores: 1.2 })
    expect(machineToBlame(busy, then)).toBe(false)
    const result = compareWithBaseline(busy, then, settings)
    expect(result.status).toBe('FAIL')
    expect(result.reason).toMatch(
      /other processes took 0\.80 cores then, 0\.90 cores now, not enough more to take CPU the pool needed: the runs compare like for like$/,
    )
  })

  it('still FAILs a pool that needs little CPU (fn waits), however busy the machine got', () => {
    const busy = now(1.2, { starved: true, rounds: withLoad(roundsWith(logs(1.2)), 1.5, 0.05) })
    const then = baseline({ otherCores: 0, cpuCores: 0.05 })
    expect(machineToBlame(busy, then)).toBe(false)
    expect(compareWithBaseline(busy, then, settings).status).toBe('FAIL')
  })

  it("says when the baseline's own workers were starved", () => {
    const result = compareWithBaseline(now(2), baseline({ starved: true }), settings)
    expect(result.reason).toMatch(/the baseline's workers were starved of CPU, so it may understate the speedup/)
  })

  it('compares efficiency = speedup / min(workers, effective cores) when the cores differ, and says so', () => {
    // 3.6x on 4 workers of 4 cores then, 1.8x on 2 of 2 now: both 90% efficient.
    const then = baseline({
      workers: 4,
      effectiveCores: 4,
      workersSetByUser: false,
      logRatios: logs(3.6),
      speedup: 3.6,
    })
    const result = comparison(
      compareWithBaseline(now(1.8, { workersSetByUser: false }), then, { ...settings, maxRegression: 0.05 }),
    )
    expect(result.metric).toBe('efficiency')
    expect(result.change).toBeCloseTo(1, 12)
    expect(result.status).toBe('PASS')
    expect(result.reason).toMatch(
      /^baseline 3\.60x → now 1\.80x, efficiency change 0% \[−3%, \+3%\] PASS .*efficiency compared, speedup \/ min\(workers, effective cores\): 4 then, 2 now \(4 → 2 effective cores\)/,
    )
  })

  it('compares speedup when only the cores beyond the pool differ (2 workers on 4 cores, then on 2)', () => {
    const result = comparison(compareWithBaseline(now(1.2), baseline({ effectiveCores: 4 }), settings))
    expect(result.metric).toBe('speedup')
    expect(result.change).toBeCloseTo(0.6, 12)
  })

  it('has an unbounded interval, and so no FAIL, with too few rounds for the confidence', () => {
    const result = comparison(
      compareWithBaseline(
        now(0.5, { rounds: roundsWith([Math.log(0.5), Math.log(0.5)]) }),
        baseline({ logRatios: [Math.log(2)] }),
        settings,
      ),
    )
    expect(result.low).toBe(0)
    expect(result.high).toBe(Number.POSITIVE_INFINITY)
    expect(result.status).toBe('INCONCLUSIVE')
    expect(result.reason).toMatch(/change −75% \[−100%, \+∞%\] INCONCLUSIVE \(maxRegression 10%, 100% CI\)/)
  })

  it('is NEW without a baseline row, or when the serial arm changed', () => {
    expect(compareWithBaseline(now(1.2), undefined, settings)).toEqual({
      status: 'NEW',
      why: { kind: 'no-baseline' },
      reason: 'new, no baseline',
      maxRegression: 0.1,
    })
    const inline = compareWithBaseline(now(1.2, { serialArm: 'inline' }), baseline(), settings)
    expect(inline.status).toBe('NEW')
    expect(inline.reason).toBe("no comparable baseline: its serial arm was 'worker', now 'inline' (`baseline` option)")
  })
})

describe('baselineRowFor', () => {
  const rows = [
    baseline({ workers: 1 }),
    baseline({ workers: 4, workersSetByUser: false }),
    baseline({ model: 'processes', workers: 2 }),
  ]

  it('matches the same model and pool size', () => {
    expect(baselineRowFor(rows, { model: 'processes', workers: 2, workersSetByUser: true })).toBe(rows[2])
    expect(baselineRowFor(rows, { model: 'threads', workers: 1, workersSetByUser: true })).toBe(rows[0])
  })

  it('matches a defaulted pool with the stored default pool, whatever its size', () => {
    expect(baselineRowFor(rows, { model: 'threads', workers: 2, workersSetByUser: false })).toBe(rows[1])
  })

  it('finds nothing for a pool size set by the user that the baseline did not measure', () => {
    expect(baselineRowFor(rows, { model: 'threads', workers: 2, workersSetByUser: true })).toBeUndefined()
    expect(baselineRowFor(undefined, { model: 'threads', workers: 2, workersSetByUser: false })).toBeUndefined()
  })
})

describe('otherLoadCores', () => {
  it('is total other CPU over total parallel wall time, over the rounds that measured it', () => {
    const rounds = [
      { parallelMs: 100, parallelOtherMs: 10 },
      { parallelMs: 300, parallelOtherMs: 190 },
      { parallelMs: 50, parallelOtherMs: undefined },
    ]
    expect(otherLoadCores(rounds)).toBeCloseTo(0.5, 12)
    expect(otherLoadCores([{ parallelMs: 100, parallelOtherMs: undefined }])).toBeUndefined()
    expect(
      poolCpuCores([
        { parallelMs: 100, parallelCpuMs: 150 },
        { parallelMs: 100, parallelCpuMs: 250 },
      ]),
    ).toBe(2)
  })
})

describe('error rates of the regression verdict (seeded simulation, no timing)', () => {
  /** Skewed per-round log-ratios around log(speedup): mostly normal jitter, 10% of rounds hit by a slow spell. */
  function sample(random: () => number, speedup: number, rounds: number): number[] {
    return Array.from({ length: rounds }, () => {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
      const spell = random() < 0.1 ? -0.3 * random() : 0
      return Math.log(speedup) + 0.08 * normal + spell
    })
  }

  function failRate(trueChange: number, trials: number, seed: number): number {
    const random = seededRandom(seed)
    let fails = 0
    for (let i = 0; i < trials; i++) {
      const then = baseline({ logRatios: sample(random, 1.9, 12) })
      const current = now(1.9 * trueChange, { rounds: roundsWith(sample(random, 1.9 * trueChange, 12)) })
      if (compareWithBaseline(current, then, settings).status === 'FAIL') fails++
    }
    return fails / trials
  }

  it('FAILs a change exactly at 1 − maxRegression at most ~2.5% of the time (one side of a 95% interval)', () => {
    // 1000 trials: the binomial standard error at 2.5% is 0.5%.
    expect(failRate(0.9, 1000, 1)).toBeLessThanOrEqual(0.035)
  })

  it('almost never FAILs an unchanged speedup, and almost always FAILs 1.9x → 1.2x', () => {
    expect(failRate(1, 1000, 2)).toBeLessThan(0.005)
    expect(failRate(1.2 / 1.9, 300, 3)).toBeGreaterThan(0.99)
  })
})
