// The analysis returns facts; the wrappers below put them in the report's words (report/summary/),
// so each test checks the fact and the sentence every view prints for it.
import { describe, expect, it } from 'vitest'
import {
  contention as contentionFact,
  isDecided,
  parallelSlowdown as parallelSlowdownFact,
  decideVerdict as verdictFact,
} from '../../../src/analysis/verdict.js'
import { contentionText, diagnosticText, verdictReasonText } from '../../../src/report/summary/facts.js'
import type { RoundSample, SpeedupEstimate } from '../../../src/types.js'

function estimate(speedup: number, low: number, high: number, workers = 2, confidence = 0.95): SpeedupEstimate {
  return { speedup, low, high, confidence, efficiency: speedup / workers }
}

/** A parallel arm that spent `busyMs` inside fn and got `cpuMs` of CPU for it. */
function round(cpuMs: number | undefined, busyMs = 100, serialBusyMs = busyMs): RoundSample {
  return {
    order: 'serial-first',
    serialMs: 200,
    parallelMs: 100,
    serialBusyMs,
    parallelBusyMs: busyMs,
    parallelCpuMs: cpuMs,
  }
}

function contention(...args: Parameters<typeof contentionFact>): {
  starvedRounds: number
  starved: boolean
  detail: string
} {
  const { starvedRounds, starved, finding } = contentionFact(...args)
  expect(finding.kind === 'starved').toBe(starved)
  return { starvedRounds, starved, detail: contentionText(finding) }
}

function decideVerdict(input: Parameters<typeof verdictFact>[0]): {
  status: string
  reason: string
  target?: number | undefined
} {
  const { why, ...verdict } = verdictFact(input)
  return { ...verdict, reason: verdictReasonText(why, input.estimate) }
}

function parallelSlowdown(rounds: RoundSample[]): string | undefined {
  const fact = parallelSlowdownFact(rounds)
  return fact === undefined ? undefined : diagnosticText(fact)
}

describe('contention', () => {
  it('counts a round as starved when CPU time is below 75% of the time inside fn', () => {
    expect(contention([round(60), round(100), round(95)], 2).starvedRounds).toBe(1)
  })

  it('does not count a round at exactly 75%', () => {
    expect(contention([round(75)], 2).starvedRounds).toBe(0)
  })

  it('calls the workers starved when at least a third of the rounds are', () => {
    const result = contention([round(60), round(100), round(95)], 2)
    expect(result.starved).toBe(true)
    expect(result.detail).toBe(
      'workers were starved of CPU in 1 of 3 rounds (CPU time a median 95% of the time inside fn), probably other load on the machine',
    )
  })

  it('does not call them starved when fewer than a third of the rounds are', () => {
    const result = contention([round(60), round(100), round(95), round(98)], 2)
    expect(result).toEqual({
      starvedRounds: 1,
      starved: false,
      detail: 'no sign of contention: 1 of 4 rounds starved of CPU',
    })
  })

  it('never counts rounds without CPU time', () => {
    const result = contention([round(undefined), round(undefined)], 2)
    expect(result.starvedRounds).toBe(0)
    expect(result.starved).toBe(false)
    expect(result.detail).toMatch(/^contention not checked/)
  })

  it('ignores rounds with too little time inside fn to judge CPU accounting', () => {
    expect(contention([round(1, 10)], 2).starvedRounds).toBe(0)
  })

  it('reports a stretch of time inside fn but does not call it starvation', () => {
    const result = contention([round(undefined, 200, 100), round(undefined, 200, 100)], 2)
    expect(result.starved).toBe(false)
    expect(result.detail).toContain('calls took 2x longer inside fn in the parallel arm')
  })
})

describe('decideVerdict', () => {
  const budget = { target: 1.6, starved: false, option: 'minSpeedup' as const }

  it('passes when the lower bound reaches the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.93, 1.9, 1.96) })).toEqual({
      status: 'PASS',
      reason: 'Speedup 1.93x (95% CI 1.90–1.96x) reaches minSpeedup 1.6x.',
      target: 1.6,
    })
  })

  it('passes when the lower bound equals the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.7, 1.6, 1.8) }).status).toBe('PASS')
  })

  it('fails when the upper bound is below the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'FAIL',
      reason: 'Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.',
      target: 1.6,
    })
  })

  it('is inconclusive when the interval straddles the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.58, 1.52, 1.64) })).toEqual({
      status: 'INCONCLUSIVE',
      reason:
        'Speedup 1.58x (95% CI 1.52–1.64x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
      target: 1.6,
    })
  })

  it('is inconclusive when the upper bound equals the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.5, 1.4, 1.6) }).status).toBe('INCONCLUSIVE')
  })

  it('turns a FAIL into INCONCLUSIVE when the workers were starved', () => {
    expect(decideVerdict({ ...budget, starved: true, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'INCONCLUSIVE',
      reason:
        'Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x, but the workers were starved of CPU by other load, so the machine may be to blame.',
      target: 1.6,
    })
  })

  it('keeps a PASS when the workers were starved', () => {
    expect(decideVerdict({ ...budget, starved: true, estimate: estimate(1.93, 1.9, 1.96) }).status).toBe('PASS')
  })

  it('reports MEASURED without a target', () => {
    expect(decideVerdict({ ...budget, target: undefined, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'MEASURED',
      reason: 'Speedup 1.21x (95% CI 1.15–1.27x); no budget set.',
    })
  })

  it('speaks of efficiency for a minEfficiency budget', () => {
    expect(decideVerdict({ ...budget, option: 'minEfficiency', estimate: estimate(1.22, 1.16, 1.28) }).reason).toBe(
      'Efficiency 0.61 (95% CI 0.58–0.64) is below minEfficiency 0.8.',
    )
  })

  it('shows an undecidable interval as 0–∞', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.9, 0, Number.POSITIVE_INFINITY, 2, 1) }).reason).toBe(
      'Speedup 1.90x (100% CI 0.00–∞x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
    )
  })
})

describe('isDecided', () => {
  it('is decided once the lower bound reaches the target', () => {
    expect(isDecided(estimate(1.9, 1.6, 2), 1.6)).toBe(true)
  })

  it('is decided once the upper bound is below the target', () => {
    expect(isDecided(estimate(1.3, 1.2, 1.59), 1.6)).toBe(true)
  })

  it('is undecided while the interval straddles the target', () => {
    expect(isDecided(estimate(1.6, 1.5, 1.7), 1.6)).toBe(false)
  })

  it('without a target, is decided once the interval is within ±5% of the estimate', () => {
    expect(isDecided(estimate(2, 1.92, 2.08), undefined)).toBe(true)
  })

  it('without a target, is undecided while the interval is wider than ±5%', () => {
    expect(isDecided(estimate(2, 1.8, 2.2), undefined)).toBe(false)
    expect(isDecided(estimate(2, 1.9, 2.05), undefined)).toBe(false) // 2 / 1.9 = 1.053
  })

  it('without a target, is undecided on an infinite interval', () => {
    expect(isDecided(estimate(2, 0, Number.POSITIVE_INFINITY), undefined)).toBe(false)
  })
})

describe('parallelSlowdown', () => {
  const round = (serialBusyMs: number, parallelBusyMs: number): RoundSample => ({
    order: 'serial-first',
    serialMs: serialBusyMs,
    parallelMs: parallelBusyMs / 2,
    serialBusyMs,
    parallelBusyMs,
    parallelCpuMs: parallelBusyMs,
  })

  it('says when calls take much longer inside fn in the parallel arm, though the workers had their CPU', () => {
    expect(parallelSlowdown([round(290, 567), round(291, 566), round(289, 570)])).toMatch(
      /^calls took 1\.96x longer inside fn in the parallel arm than in the serial arm: .*more rounds will not change that$/,
    )
  })

  it('is silent for calls that cost the same in both arms', () => {
    expect(parallelSlowdown([round(290, 300), round(291, 296)])).toBeUndefined()
  })
})

describe('contention from other load', () => {
  /** A parallel arm of `parallelMs` during which other processes took `otherCores` cores. */
  const round = (otherCores: number, parallelMs = 300): RoundSample => ({
    order: 'serial-first',
    serialMs: 2 * parallelMs,
    parallelMs,
    serialBusyMs: 2 * parallelMs,
    parallelBusyMs: 2 * parallelMs,
    // CPU far below the time inside fn: the fallback would call every round starved.
    parallelCpuMs: 0.2 * parallelMs,
    parallelOtherMs: otherCores * parallelMs,
  })

  it('is not starved when the CPU went to our own tree (libuv, helper threads), whatever the calling threads got', () => {
    const result = contention([round(0.02), round(0.05), round(0), round(0.1)], 2, 2)
    expect(result.starved).toBe(false)
    expect(result.detail).toMatch(/^no sign of contention: other processes took a median 0\.04 cores/)
  })

  it('is starved when other processes take more than a quarter core from what the pool needs', () => {
    const result = contention([round(0.9), round(1.1), round(0.05), round(0.8)], 2, 2)
    expect(result.starved).toBe(true)
    expect(result.starvedRounds).toBe(3)
    expect(result.detail).toBe(
      "workers were starved of CPU in 3 of 4 rounds: other processes took a median 0.9 cores while the pool needed 2 of this machine's 2",
    )
  })

  it('leaves a pool smaller than the machine room for other load', () => {
    expect(contention([round(0.9), round(0.9), round(0.9)], 1, 2).starved).toBe(false)
  })

  it('judges arms too short for 10 ms ticks by the whole run, or not at all', () => {
    const short = [round(1, 40), round(0.75, 40), round(1, 40), round(0.5, 40)]
    expect(contention(short, 2, 2, { cpuMs: 100, wallMs: 2000 })).toMatchObject({
      starved: false,
      detail: 'no sign of contention: other processes took 0.05 cores over the whole run',
    })
    expect(contention(short, 2, 2, { cpuMs: 1600, wallMs: 2000 })).toMatchObject({
      starved: true,
      detail:
        "workers were starved of CPU: other processes took 0.8 cores over the whole run while the pool needed 2 of this machine's 2",
    })
    expect(contention(short, 2, 2, { cpuMs: 1600, wallMs: 500 })).toMatchObject({ starved: false })
    expect(contention(short, 2, 2).detail).toMatch(/^contention not checked: parallel arms under 200 ms/)
  })
})
