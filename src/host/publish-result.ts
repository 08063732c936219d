// A finished bench's result, published twice: whole (every round) as a test artifact, which the
// reporter reads and blob reports carry through `--merge-reports`; and as a small summary in
// `task.meta.parallelBench`, which the Vitest UI and HTML report show as they are.
import { recordArtifact, type TestContext } from 'vitest'
import { type BenchResult, type BenchSummary, RESULT_ARTIFACT } from '../types.js'

declare module 'vitest' {
  interface TestArtifactRegistry {
    'vitest-parallel-bench:result': { type: typeof RESULT_ARTIFACT; result: BenchResult }
  }
}

/** Three significant digits: enough to read, the exact value is in the artifact. */
function readable(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(3)) : value
}

export function benchSummary(result: BenchResult): BenchSummary {
  return {
    rows: result.results.map((row) => ({
      model: row.model,
      workers: row.workers,
      speedup: readable(row.estimate.speedup),
      interval: [readable(row.estimate.low), Number.isFinite(row.estimate.high) ? readable(row.estimate.high) : null],
      verdict: row.verdict.status,
    })),
    ...(result.error === undefined ? {} : { error: `${result.error.code}: ${result.error.message.split('\n')[0]}` }),
    details: 'every round, interval and warning: the parallel-bench terminal report and its outputFile (JSON)',
  }
}

export async function publishResult(context: TestContext, result: BenchResult | undefined): Promise<void> {
  if (result === undefined) return
  await recordArtifact(context.task, { type: RESULT_ARTIFACT, result })
  context.task.meta.parallelBench = benchSummary(result)
}
