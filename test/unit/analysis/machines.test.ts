// The curve across machines, on synthetic merged runs of 2, 4, 8, 16 and 64 cores with a known
// serial fraction: the fit, its interval, predictions only where nothing was measured, differing CPUs.
import { describe, expect, it } from 'vitest'
import {
  fitAcross,
  type MachineCurve,
  machineCurves,
  machineName,
  predictedAt,
  serialFractionVerdict,
} from '../../../src/analysis/machines.js'
import { amdahlSpeedup } from '../../../src/analysis/scaling.js'
import { estimateSpeedup } from '../../../src/analysis/statistics.js'
import type { BenchResult, EnvironmentInfo, RoundSample } from '../../../src/types.js'
import { seededRandom } from '../../support/prng.js'
import { benchResult, environment, modelResult } from '../../support/synthetic-results.js'

const SERIAL_FRACTION = 0.05
const TASKS = 64

/** Paired rounds of a job with Amdahl's `SERIAL_FRACTION`, with ±3% multiplicative noise on each arm. */
function amdahlRounds(workers: number, serialMs: number, random: () => number, count = 15): RoundSample[] {
  const noise = (): number => 1 + (random() - 0.5) * 0.06
  return Array.from({ length: count }, (_, r): RoundSample => {
    const serial = serialMs * noise()
    const parallel = (serialMs / amdahlSpeedup(SERIAL_FRACTION, workers)) * noise()
    return {
      order: r % 4 === 0 || r % 4 === 3 ? 'serial-first' : 'parallel-first',
      serialMs: serial,
      parallelMs: parallel,
      serialBusyMs: serial * 0.99,
      parallelBusyMs: serial * 0.99,
    }
  })
}

function machine(label: string, cores: number, cpu = environment.cpu): EnvironmentInfo {
  return { ...environment, label, cpu, cores, effectiveCores: cores }
}

/** One machine's run of the bench: a row per pool size in `workers`, measured against its own serial arm. */
function run(env: EnvironmentInfo, workers: number[], random: () => number, serialMs = 640): BenchResult {
  const rows = workers.map((w) => {
    const rounds = amdahlRounds(w, serialMs, random)
    const estimate = estimateSpeedup(rounds, w, 0.95)
    const row = modelResult({
      model: 'threads',
      workers: w,
      speedup: estimate.speedup,
      low: estimate.low,
      high: estimate.high,
      tasks: TASKS,
    })
    return { ...row, rounds, estimate }
  })
  return { ...benchResult('spin', 'threads', rows), environment: env }
}

describe('machineCurves', () => {
  it('fits one serial fraction across 4-, 8-, 16- and 64-core machines, each point against its own serial arm', () => {
    const random = seededRandom(21)
    const benches = [
      run(machine('4 cores', 4), [2, 4], random),
      run(machine('8 cores', 8), [2, 4, 8], random),
      run(machine('16 cores', 16), [4, 8, 16], random),
      run(machine('64 cores', 64), [16, 32, 64], random),
    ]
    const [curve, ...others] = machineCurves(benches)
    expect(others).toEqual([])
    if (curve === undefined) throw new Error('no curve')
    expect(curve.bench).toBe('spin [threads]')
    expect(curve.machines.map((m) => m.machine)).toEqual(['4 cores', '8 cores', '16 cores', '64 cores'])
    // Every machine's every row, once.
    expect(curve.points).toHaveLength(2 + 3 + 3 + 3)
    for (const bench of benches) {
      for (const row of bench.results) {
        const point = curve.points.filter((p) => p.machine === bench.environment?.label && p.workers === row.workers)
        expect(point).toEqual([
          expect.objectContaining({ speedup: row.estimate.speedup, low: row.estimate.low, high: row.estimate.high }),
        ])
        expect(point[0]?.efficiency).toBeCloseTo(row.estimate.speedup / row.workers, 12)
      }
    }
    const fit = curve.serialFraction
    if (fit === undefined) throw new Error('no fit')
    expect(fit.low).toBeLessThanOrEqual(fit.value)
    expect(fit.high).toBeGreaterThanOrEqual(fit.value)
    expect(fit.low).toBeLessThanOrEqual(SERIAL_FRACTION)
    expect(fit.high).toBeGreaterThanOrEqual(SERIAL_FRACTION)
    expect(Math.abs(fit.value - SERIAL_FRACTION)).toBeLessThan(0.01)
    // Measured at 4, 8, 16, 32 and 64: nothing left to predict up to 64 tasks.
    expect(curve.predictions).toEqual([])
    expect(curve.differ).toEqual({ cpu: false, singleCore: false })
  })

  it('the fit from 2- and 4-core machines predicts the 8-core machine within its interval', () => {
    const random = seededRandom(8)
    const small = [run(machine('2 cores', 2), [2], random), run(machine('4 cores', 4), [2, 4], random)]
    const [curve] = machineCurves(small)
    if (curve?.serialFraction === undefined) throw new Error('no fit')
    const predicted = curve.predictions.find((p) => p.workers === 8)
    expect(predicted).toBeDefined()
    const measured = run(machine('8 cores', 8), [8], random).results[0]?.estimate
    if (measured === undefined || predicted === undefined) throw new Error('no measurement')
    expect(predicted.speedup).toBeGreaterThanOrEqual(measured.low)
    expect(predicted.speedup).toBeLessThanOrEqual(measured.high)
    // And the prediction's own range holds the truth.
    expect(predicted.low).toBeLessThanOrEqual(amdahlSpeedup(SERIAL_FRACTION, 8))
    expect(predicted.high).toBeGreaterThanOrEqual(amdahlSpeedup(SERIAL_FRACTION, 8))
    expect(predictedAt(curve.serialFraction, 8).speedup).toBeCloseTo(predicted.speedup, 12)
  })

  it('replaces the prediction by the measurement once a machine measured that pool size', () => {
    const random = seededRandom(3)
    const [curve] = machineCurves([
      run(machine('2 cores', 2), [2], random),
      run(machine('4 cores', 4), [2, 4], random),
      run(machine('8 cores', 8), [8], random),
    ])
    expect(curve?.predictions.map((p) => p.workers)).toEqual([16, 32, 64])
    expect(curve?.points.map((p) => p.workers)).toEqual([2, 2, 4, 8])
  })

  it('says where machines differ in CPU model or in single-core speed', () => {
    const random = seededRandom(5)
    const [sameCpuSlower] = machineCurves([
      run(machine('a', 4), [2, 4], random, 640),
      run(machine('b', 8), [2, 8], random, 960),
    ])
    expect(sameCpuSlower?.differ).toEqual({ cpu: false, singleCore: true })
    expect(sameCpuSlower?.machines.map((m) => Math.round(m.serialMsPerTask))).toEqual([10, 15])
    const [otherCpu] = machineCurves([
      run(machine('a', 4), [2, 4], random),
      run(machine('b', 16, 'Intel Xeon Platinum 8370C'), [16], random),
    ])
    expect(otherCpu?.differ).toEqual({ cpu: true, singleCore: false })
  })

  it('draws no cross-machine curve from one machine, and names machines without a label by CPU and cores', () => {
    const random = seededRandom(1)
    const unlabelled = { ...environment, effectiveCores: 4 }
    expect(machineCurves([run(unlabelled, [2, 4], random)])).toEqual([])
    expect(machineName(unlabelled)).toBe(`${environment.cpu} ×4`)
    expect(machineName(undefined)).toBe('unknown machine')
  })

  it('an unbounded interval allows any serial fraction down to none', () => {
    const fit = fitAcross([
      {
        machine: 'a',
        workers: 4,
        speedup: 3,
        low: 2,
        high: Number.POSITIVE_INFINITY,
        confidence: 0.95,
        efficiency: 0.75,
        efficiencyLow: 0.5,
        efficiencyHigh: Number.POSITIVE_INFINITY,
      },
    ])
    expect(fit?.low).toBe(0)
    expect(fit?.high).toBeGreaterThan(fit?.value ?? 1)
  })
})

describe('serialFractionVerdict', () => {
  const curve = (serialFraction: MachineCurve['serialFraction']): MachineCurve => ({
    bench: 'spin [threads]',
    model: 'threads',
    machines: [],
    points: [],
    serialFraction,
    predictions: [],
    differ: { cpu: false, singleCore: false },
  })

  it('fails only when the whole interval lies above the gate, passes when it lies at or below it', () => {
    expect(serialFractionVerdict(curve({ value: 0.1, low: 0.08, high: 0.12 }), 0.05)).toBe('FAIL')
    expect(serialFractionVerdict(curve({ value: 0.06, low: 0.04, high: 0.08 }), 0.05)).toBe('INCONCLUSIVE')
    expect(serialFractionVerdict(curve({ value: 0.03, low: 0.02, high: 0.05 }), 0.05)).toBe('PASS')
    expect(serialFractionVerdict(curve(undefined), 0.05)).toBe('INCONCLUSIVE')
  })

  it('a curve fitted from machines with a known serial fraction passes a gate above it and fails one below', () => {
    const random = seededRandom(13)
    const [fitted] = machineCurves([
      run(machine('4 cores', 4), [2, 4], random),
      run(machine('16 cores', 16), [8, 16], random),
    ])
    if (fitted === undefined) throw new Error('no curve')
    expect(serialFractionVerdict(fitted, 0.2)).toBe('PASS')
    expect(serialFractionVerdict(fitted, 0.005)).toBe('FAIL')
  })
})
