// The JSON report (`outputFile`): a versioned document with everything needed to
// re-derive every number — environment, resolved options, every raw round sample,
// the estimate, interval and verdict of each bench.
import { type MachineCurve, machineCurves } from '../analysis/machines.js'
import { JSON_SCHEMA } from '../contracts/baseline.js'
import type {
  BenchResult,
  ComparedWith,
  EnvironmentInfo,
  LatencyResult,
  ModelResult,
  Regression,
  Verdict,
} from '../types.js'
import { reasonOf, regressionText, warningsOf } from './summary/facts.js'
import { latencySentences } from './summary/latency.js'
import { writeFileAtomically, writeFileAtomicallySync } from './write-file.js'

/** The document written to `outputFile`. */
export interface ParallelBenchJson {
  /** Schema identifier; bumped (`/v2`, ...) on breaking changes to this document. */
  schema: typeof JSON_SCHEMA
  /** When the report was made, ISO 8601 (e.g. `2025-01-31T12:00:00.000Z`). */
  generatedAt: string
  /** Where the numbers were measured: Node, platform, CPU, cores, effective cores, Vitest. */
  environment: EnvironmentInfo
  /** The level forced on every bench by `VITEST_PARALLEL_BENCH_LEVEL`; absent when not overridden. */
  levelOverride?: string
  /**
   * The stored run the rows were compared with (`compareWith` or VITEST_PARALLEL_BENCH_COMPARE_WITH):
   * its path, `generatedAt`, or the `problem` that kept it from being read; absent when none was set.
   * Each row's comparison is its `regression`.
   */
  comparedWith?: ComparedWith
  /** The signal that interrupted the run (Ctrl-C: `SIGINT`); `benches` then holds the benches completed before it. */
  interrupted?: string
  /**
   * One entry per bench test, in run order: resolved options, one `ModelResult` per (model,
   * workers) with every raw round sample, startup times, the speedup estimate with its
   * interval and the verdict; or `error` when the bench failed to measure. JSON has no
   * `Infinity`: an unbounded interval (too few rounds for the confidence asked) has
   * `estimate.high: null` (and `estimate.low: 0`).
   */
  benches: JsonBench[]
  /**
   * A merged run of several machines (`vitest --merge-reports` of labelled blobs): per bench and
   * model measured on more than one machine, every machine's points against its own serial arm,
   * the Amdahl fit across them and the predictions left where none measured; absent otherwise.
   */
  machines?: MachineCurve[]
}

/**
 * A row as written: its facts (`verdict.why`, `diagnostics`), and the same facts in the report's
 * words (`verdict.reason`, `warnings`) for people and scripts that read text. Branch on the facts.
 */
export type JsonModelResult = Omit<ModelResult, 'regression'> & {
  verdict: Verdict & { reason: string }
  regression?: (Regression & { reason: string }) | undefined
  warnings: string[]
}

/** `latency: true`: tinybench's percentiles per path, and what offloading adds in words (`added`). */
export type JsonLatency = LatencyResult & { added: string[] }

export type JsonBench = Omit<BenchResult, 'results' | 'latency'> & { results: JsonModelResult[]; latency?: JsonLatency }

/** A bench as written: each row's facts with their words beside them. */
export function jsonBench({ latency, ...bench }: BenchResult): JsonBench {
  return {
    ...bench,
    results: bench.results.map(({ regression, ...result }) => ({
      ...result,
      verdict: { ...result.verdict, reason: reasonOf(result) },
      ...(regression === undefined ? {} : { regression: { ...regression, reason: regressionText(regression) } }),
      warnings: warningsOf(result),
    })),
    ...(latency === undefined ? {} : { latency: { ...latency, added: latencySentences(latency) } }),
  }
}

/** The stored run this run was compared with, as the benches recorded it (the first that did: one per run). */
export function comparedWithOf(results: readonly BenchResult[]): ComparedWith | undefined {
  return results.find((bench) => bench.comparedWith !== undefined)?.comparedWith
}

/** The JSON report document. Pure. */
export function jsonReport(
  results: readonly BenchResult[],
  env: EnvironmentInfo,
  meta: { levelOverride?: string | undefined; generatedAt: string; interrupted?: string | undefined },
): ParallelBenchJson {
  const comparedWith = comparedWithOf(results)
  const curves = machineCurves(results)
  return {
    schema: JSON_SCHEMA,
    generatedAt: meta.generatedAt,
    environment: env,
    ...(meta.levelOverride === undefined || meta.levelOverride === '' ? {} : { levelOverride: meta.levelOverride }),
    ...(comparedWith === undefined ? {} : { comparedWith }),
    ...(meta.interrupted === undefined ? {} : { interrupted: meta.interrupted }),
    benches: results.map(jsonBench),
    ...(curves.length === 0 ? {} : { machines: curves }),
  }
}

/**
 * Writes `doc` to `path` (already resolved against the Vitest root), creating parent
 * directories. Atomic: a temporary file in the same directory is renamed over the target,
 * so a reader never sees half a report and a failed write leaves the old one in place.
 */
export async function writeJsonReport(path: string, doc: ParallelBenchJson): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify(doc, null, 2)}\n`)
}

/** The same, synchronously (on Ctrl-C, from a signal handler). */
export function writeJsonReportSync(path: string, doc: ParallelBenchJson): void {
  writeFileAtomicallySync(path, `${JSON.stringify(doc, null, 2)}\n`)
}
