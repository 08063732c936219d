// The stored run a later run compares with (`compareWith`): read and checked once, in Vitest's
// main process, and reduced to what the bench tests need (per row: the per-round log-ratios,
// pool size, machine), which travels to them through provide/inject. A file that is missing,
// unreadable or of another schema gives a `problem` to report, never an exception.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { otherLoadCores, poolCpuCores } from '../analysis/regression.js'
import { median } from '../analysis/statistics.js'
import { type BaselineRow, type BaselineSnapshot, benchIdentity, JSON_SCHEMA } from '../contracts/baseline.js'
import type { RoundSample } from '../types.js'

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Reads the stored run at `file` (relative to `root`). Never throws: whatever is wrong with the
 * file becomes `problem`, and rows that cannot be used are counted in `skippedRows`.
 */
export async function readBaseline(
  root: string,
  file: string,
  from: BaselineSnapshot['from'],
): Promise<BaselineSnapshot> {
  const snapshot: BaselineSnapshot = { file, from, skippedRows: 0, benches: {} }
  let text: string
  try {
    text = await readFile(resolve(root, file), 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    snapshot.problem = code === 'ENOENT' ? 'not found' : `could not be read (${errorText(error)})`
    return snapshot
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    snapshot.problem = `is not valid JSON (${errorText(error)})`
    return snapshot
  }
  if (!isObject(doc) || typeof doc.schema !== 'string') {
    snapshot.problem = 'is not a vitest-parallel-bench JSON report (no `schema`)'
    return snapshot
  }
  if (doc.schema !== JSON_SCHEMA) {
    snapshot.problem = `has schema ${JSON.stringify(doc.schema)}; this version reads ${JSON.stringify(JSON_SCHEMA)}`
    return snapshot
  }
  const machineCores = isObject(doc.environment) ? doc.environment.effectiveCores : undefined
  if (!Array.isArray(doc.benches) || !isPositive(machineCores)) {
    snapshot.problem = 'is malformed (no `benches` list or no `environment.effectiveCores`)'
    return snapshot
  }
  if (typeof doc.generatedAt === 'string') snapshot.generatedAt = doc.generatedAt
  for (const bench of doc.benches) {
    if (!isObject(bench) || typeof bench.file !== 'string' || typeof bench.fullName !== 'string') {
      snapshot.skippedRows++
      continue
    }
    if (!Array.isArray(bench.results)) continue
    const options = isObject(bench.options) ? bench.options : {}
    const benchCores = isObject(bench.environment) ? bench.environment.effectiveCores : undefined
    const rows: BaselineRow[] = []
    for (const result of bench.results) {
      const row = baselineRow(result, {
        // Reports from before these fields existed: exact pool sizes, worker serial arm.
        workersSetByUser: options.workersSetByUser !== false,
        serialArm: options.baseline === 'inline' ? 'inline' : 'worker',
        // The machine that measured this bench (after --merge-reports, not necessarily the report's).
        effectiveCores: isPositive(benchCores) ? benchCores : machineCores,
      })
      if (row === undefined) snapshot.skippedRows++
      else rows.push(row)
    }
    const label =
      isObject(bench.environment) && typeof bench.environment.label === 'string' ? bench.environment.label : undefined
    const key = benchIdentity(bench.file, bench.fullName, label)
    // A title used twice in one file: the first one, as the report lists them in run order.
    if (rows.length > 0 && snapshot.benches[key] === undefined) snapshot.benches[key] = rows
    // A labelled machine's rows also answer for the bench without a label (a run that sets none).
    const unlabelled = benchIdentity(bench.file, bench.fullName)
    if (rows.length > 0 && snapshot.benches[unlabelled] === undefined) snapshot.benches[unlabelled] = rows
  }
  return snapshot
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
}

function baselineRow(
  result: unknown,
  bench: Pick<BaselineRow, 'workersSetByUser' | 'serialArm' | 'effectiveCores'>,
): BaselineRow | undefined {
  if (!isObject(result) || !Array.isArray(result.rounds)) return undefined
  const { model, workers } = result
  if (
    (model !== 'async' && model !== 'threads' && model !== 'processes') ||
    !(Number.isInteger(workers) && (workers as number) >= 1)
  ) {
    return undefined
  }
  const logRatios: number[] = []
  const loads: Pick<RoundSample, 'parallelMs' | 'parallelOtherMs' | 'parallelCpuMs'>[] = []
  for (const round of result.rounds) {
    if (!isObject(round) || !isPositive(round.serialMs) || !isPositive(round.parallelMs)) return undefined
    logRatios.push(Math.log(round.serialMs / round.parallelMs))
    const { parallelOtherMs, parallelCpuMs } = round
    loads.push({
      parallelMs: round.parallelMs,
      parallelOtherMs: typeof parallelOtherMs === 'number' ? parallelOtherMs : undefined,
      parallelCpuMs: typeof parallelCpuMs === 'number' ? parallelCpuMs : undefined,
    })
  }
  if (logRatios.length === 0) return undefined
  const diagnostics = Array.isArray(result.diagnostics) ? result.diagnostics : []
  return {
    model,
    workers: workers as number,
    ...bench,
    logRatios,
    speedup: Math.exp(median(logRatios)),
    starved: diagnostics.some((diagnostic) => isObject(diagnostic) && diagnostic.kind === 'starved'),
    otherCores: otherLoadCores(loads),
    cpuCores: poolCpuCores(loads),
  }
}
