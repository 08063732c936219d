import { describe, expect, test } from 'vitest'
import { amdahlSerialFraction, amdahlSpeedup, karpFlatt } from '../../src/scaling.js'

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
