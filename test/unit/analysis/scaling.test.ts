import { describe, expect, it, test } from 'vitest'
import {
  amdahlSerialFraction,
  amdahlSpeedup,
  batchCap,
  karpFlatt,
  scalingSummary,
} from '../../../src/analysis/scaling.js'
import type { ModelResult } from '../../../src/types.js'
import { modelResult } from '../../support/synthetic-results.js'

const exact = (f: number, workers: number[]) => workers.map((p) => ({ workers: p, speedup: amdahlSpeedup(f, p) }))

describe('amdahlSerialFraction', () => {
  test('recovers the serial fraction of exact Amdahl data', () => {
    expect(amdahlSerialFraction(exact(0.1, [1, 2, 4, 8]))).toBeCloseTo(0.1, 9)
    expect(amdahlSerialFraction(exact(0.25, [2, 3, 6]))).toBeCloseTo(0.25, 9)
    expect(amdahlSerialFraction(exact(0, [2, 4]))).toBeCloseTo(0, 9)
    expect(amdahlSerialFraction(exact(1, [2, 4]))).toBeCloseTo(1, 9)
  })

  test('one point with more than one worker is enough: p = 1, S = 1 is implied', () => {
    expect(amdahlSerialFraction([{ workers: 2, speedup: 1 / 0.55 }])).toBeCloseTo(0.1, 9)
  })

  test('is undefined without a point above one worker', () => {
    expect(amdahlSerialFraction([])).toBeUndefined()
    expect(amdahlSerialFraction([{ workers: 1, speedup: 1 }])).toBeUndefined()
    expect(amdahlSerialFraction([{ workers: 4, speedup: Number.NaN }])).toBeUndefined()
  })

  test('clamps to [0, 1]: superlinear speedups give 0, slowdowns give 1', () => {
    expect(
      amdahlSerialFraction([
        { workers: 2, speedup: 2.4 },
        { workers: 4, speedup: 5 },
      ]),
    ).toBe(0)
    expect(
      amdahlSerialFraction([
        { workers: 2, speedup: 0.5 },
        { workers: 4, speedup: 0.4 },
      ]),
    ).toBe(1)
  })

  test('fits noisy data by least squares on the speedups', () => {
    const noisy = [
      { workers: 2, speedup: amdahlSpeedup(0.1, 2) * 1.01 },
      { workers: 4, speedup: amdahlSpeedup(0.1, 4) * 0.99 },
      { workers: 8, speedup: amdahlSpeedup(0.1, 8) * 1.005 },
    ]
    const f = amdahlSerialFraction(noisy) as number
    expect(f).toBeGreaterThan(0.09)
    expect(f).toBeLessThan(0.11)
    // It is the minimum: nudging f either way makes the fit worse.
    const sse = (g: number) => noisy.reduce((sum, p) => sum + (p.speedup - amdahlSpeedup(g, p.workers)) ** 2, 0)
    expect(sse(f)).toBeLessThanOrEqual(sse(f + 1e-4))
    expect(sse(f)).toBeLessThanOrEqual(sse(f - 1e-4))
  })
})

describe('karpFlatt', () => {
  test('equals the serial fraction on exact Amdahl data, at every pool size', () => {
    for (const p of [2, 4, 8, 16]) expect(karpFlatt(amdahlSpeedup(0.1, p), p)).toBeCloseTo(0.1, 12)
  })

  test('is 0 for a linear speedup and 1 for no speedup', () => {
    expect(karpFlatt(4, 4)).toBeCloseTo(0, 12)
    expect(karpFlatt(1, 4)).toBeCloseTo(1, 12)
  })

  test('is undefined for one worker or an invalid speedup', () => {
    expect(karpFlatt(1, 1)).toBeUndefined()
    expect(karpFlatt(0, 2)).toBeUndefined()
    expect(karpFlatt(Number.POSITIVE_INFINITY, 2)).toBeUndefined()
  })
})

describe('scalingSummary', () => {
  const row = (workers: number, speedup: number, low: number, high: number, memoryBytes?: number): ModelResult => ({
    ...modelResult({ model: 'threads', workers, speedup, low, high, tasks: 8 }),
    ...(memoryBytes === undefined ? {} : { memoryBytes }),
  })

  it('fits one pool size exactly and predicts larger ones, with the range of the interval bounds', () => {
    const summary = scalingSummary([row(2, 1.6, 1.5, 1.7, 10)])
    // S(2) = 1 / (f + (1 − f) / 2) → f = 2 / S − 1: 0.25 for 1.6x, 1/3 for 1.5x, 0.176 for 1.7x.
    expect(summary?.serialFraction.value).toBeCloseTo(0.25, 6)
    expect(summary?.serialFraction.high).toBeCloseTo(1 / 3, 6)
    expect(summary?.serialFraction.low).toBeCloseTo(2 / 1.7 - 1, 6)
    const [four, eight] = summary?.predictions ?? []
    expect(four?.workers).toBe(4)
    expect(four?.speedup).toBeCloseTo(1 / (0.25 + 0.75 / 4), 6)
    expect(four?.low).toBeCloseTo(2, 6)
    expect(four?.high).toBeCloseTo(1 / (2 / 1.7 - 1 + (2 - 2 / 1.7) / 4), 6)
    expect(eight?.workers).toBe(8)
    // No prediction past the batch's 8 tasks: more workers would idle.
    expect(summary?.predictions.map((p) => p.workers)).toEqual([4, 8])
    expect(summary?.advice).toEqual({ workers: 2, speedup: 1.6, memoryBytes: 20 })
  })

  it('advises the smallest pool within 10% of the best measured speedup', () => {
    const summary = scalingSummary([row(4, 2.6, 2.5, 2.7), row(2, 1.9, 1.8, 2), row(3, 2.5, 2.4, 2.6)])
    expect(summary?.advice.workers).toBe(3)
    expect(summary?.predictions.map((p) => p.workers)).toEqual([8])
  })

  it('caps a prediction at what the batch allows: tasks / ⌈tasks / workers⌉', () => {
    const summary = scalingSummary([row(2, 2, 1.95, 2.05)])
    expect(summary?.serialFraction.value).toBe(0)
    expect(summary?.predictions.find((p) => p.workers === 8)?.speedup).toBe(8)
    expect(batchCap(8, 3)).toBeCloseTo(8 / 3, 12)
  })

  it('fits what the verdict rests on: under corrected load, the speedup on the CPU the pool got', () => {
    // A one-core hog: 1.28x measured, 1.92x on the CPU it got. The measured one would read as a
    // serial fraction of 0.56 (code that barely scales); the verdict's says 0.04.
    const loaded = row(2, 1.28, 1.06, 1.47)
    loaded.onCpuGot = { speedup: 1.92, low: 1.59, high: 2, confidence: 0.95 }
    loaded.verdict = { ...loaded.verdict, basis: 'on-cpu-got' }
    const summary = scalingSummary([loaded])
    expect(summary?.serialFraction.value).toBeCloseTo(2 / 1.92 - 1, 6)
    expect(summary?.advice.speedup).toBe(1.92)
    // A correction the verdict did not use (not material) leaves the fit on the measured speedup.
    const quiet = row(2, 1.9, 1.85, 1.95)
    quiet.onCpuGot = { speedup: 1.95, low: 1.9, high: 2, confidence: 0.95 }
    expect(scalingSummary([quiet])?.serialFraction.value).toBeCloseTo(2 / 1.9 - 1, 6)
  })

  it('reads an unbounded interval as allowing anything', () => {
    const summary = scalingSummary([row(2, 1.6, 0, Number.POSITIVE_INFINITY)])
    expect(summary?.serialFraction).toMatchObject({ low: 0, high: 1 })
    expect(summary?.predictions[0]).toMatchObject({ low: 1, high: 4 })
  })
})
