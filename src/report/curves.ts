// The results of a bench grouped per model, ordered by pool size: the series every chart draws.
import type { BenchResult, Model, ModelResult } from '../types.js'

/** One entry per model that has results, its points sorted by workers. */
export function modelCurves(bench: BenchResult): { model: Model; points: ModelResult[] }[] {
  return (['threads', 'processes'] as const)
    .map((model) => ({
      model,
      points: bench.results.filter((r) => r.model === model).sort((a, b) => a.workers - b.workers),
    }))
    .filter(({ points }) => points.length > 0)
}
