// The results of a bench as series: grouped per model and ordered by pool size (what every chart
// and scaling table draws), batch times per row, the Amdahl fit of a curve. Numbers only.
import { amdahlSerialFraction } from '../analysis/scaling.js'
import { median } from '../analysis/statistics.js'
import type { BenchResult, Model, ModelResult } from '../types.js'

/** One entry per model that has results, its points sorted by workers. */
export function modelCurves(bench: BenchResult): { model: Model; points: ModelResult[] }[] {
  return (['async', 'threads', 'processes'] as const)
    .map((model) => ({
      model,
      points: bench.results.filter((r) => r.model === model).sort((a, b) => a.workers - b.workers),
    }))
    .filter(({ points }) => points.length > 0)
}

/** The curves measured at two or more pool sizes: the ones a scaling table and an Amdahl fit need. */
export function scalingCurves(bench: BenchResult): { model: Model; points: ModelResult[] }[] {
  return modelCurves(bench).filter(({ points }) => new Set(points.map((p) => p.workers)).size >= 2)
}

/** Amdahl serial fraction fitted to one curve. */
export function curveSerialFraction(points: readonly ModelResult[]): number | undefined {
  return amdahlSerialFraction(points.map((p) => ({ workers: p.workers, speedup: p.estimate.speedup })))
}

/** The median of the finite `values`; undefined when there are none (a report shows a dash). */
export function finiteMedian(values: readonly number[]): number | undefined {
  const finite = values.filter((v) => Number.isFinite(v))
  return finite.length === 0 ? undefined : median(finite)
}

/** Median serial and parallel batch times over the rounds, ms. */
export function batchTimes(result: ModelResult): { serialMs: number | undefined; parallelMs: number | undefined } {
  return {
    serialMs: finiteMedian(result.rounds.map((r) => r.serialMs)),
    parallelMs: finiteMedian(result.rounds.map((r) => r.parallelMs)),
  }
}
