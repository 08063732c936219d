// The words around the numbers, written once for every view: a bench's title, a row's label, the
// verdict label, the environment header, the table's column titles, the legend, the notices at
// the top of a report. Views lay these out; they never write their own.

import { restsOnCpuGot } from '../../analysis/row-verdict.js'
import {
  formatBytes,
  formatConfidence,
  formatSpeedup,
  formatSpeedupWithInterval,
  MISSING,
  stripControl,
} from '../../format.js'
import type { BenchResult, ComparedWith, EnvironmentInfo, Level, ModelResult } from '../../types.js'
import { diagnosticText, regressionText } from './facts.js'

const KIND_LABEL = {
  async: 'async',
  threads: 'threads',
  processes: 'processes',
  compare: 'threads vs processes',
} as const

/** The level a result was judged at (`options.level`, after any override). */
export function levelOf(bench: BenchResult): Level {
  const level = bench.options.level
  return level === 'warn' || level === 'off' ? level : 'error'
}

/**
 * The bench's title as shown to people: its full Vitest title (describe blocks > test),
 * sanitised. A leading file segment (the runner's `task.fullName` starts with the file) is
 * dropped: the file is shown on its own.
 */
export function benchTitle(bench: BenchResult): string {
  const filePrefix = `${bench.file} > `
  const fullName =
    bench.file !== '' && bench.fullName.startsWith(filePrefix)
      ? bench.fullName.slice(filePrefix.length)
      : bench.fullName
  const title = fullName.trim() === '' ? `${bench.name} [${KIND_LABEL[bench.kind]}]` : fullName
  return stripControl(title)
}

/** `threads ×2`: which row of a bench a note is about. */
export function rowLabel(result: ModelResult): string {
  return `${result.model} ×${result.workers}`
}

/** Memory per worker, labelled with what it is: RSS of a child process, V8 heap of a thread. */
export function formatMemory(result: ModelResult): string {
  if (result.memoryBytes === undefined) return MISSING
  return formatBytes(result.memoryBytes)
}

/** The verdict as a short label: `PASS ≥1.60x`, `FAIL ≥1.60x (warn)`. */
export function verdictLabel(result: ModelResult, level: Level): string {
  const { status, target } = result.verdict
  const budget = target === undefined ? '' : ` ≥${formatSpeedup(target)}`
  const softened = status === 'FAIL' && level !== 'error' ? ` (${level})` : ''
  return `${status}${budget}${softened}`
}

/** `verdict on the CPU it got: 1.93x [1.59–2.12]` where other load was corrected (the row shows the measured speedup); else undefined. */
export function verdictBasisLabel(result: ModelResult): string | undefined {
  if (!restsOnCpuGot(result)) return undefined
  const { speedup, low, high } = result.onCpuGot
  return `verdict on the CPU it got: ${formatSpeedupWithInterval(speedup, low, high)}`
}

/** `threads ×2: baseline 1.92x → now 1.21x, change −37% [−45%, −28%] FAIL (maxRegression 10%, 95% CI)`; undefined without a comparison. */
export function regressionLine(result: ModelResult): string | undefined {
  const { regression } = result
  return regression === undefined ? undefined : `${rowLabel(result)}: ${stripControl(regressionText(regression))}`
}

/** The status of a comparison as a label, softened as a budget's is: `FAIL (warn)`. */
export function regressionLabel(result: ModelResult, level: Level): string | undefined {
  const status = result.regression?.status
  if (status === undefined) return undefined
  return status === 'FAIL' && level !== 'error' ? `${status} (${level})` : status
}

/** The CI label of a table's speedup column, e.g. `95% CI`. */
export function confidenceOf(results: readonly ModelResult[]): string {
  const confidence = results[0]?.estimate.confidence
  return confidence === undefined ? 'CI' : `${formatConfidence(confidence)} CI`
}

/** Identical warnings of several rows are printed once, naming every row. */
export function groupedWarnings(results: readonly ModelResult[]): { rows: string[]; warning: string }[] {
  const groups = new Map<string, string[]>()
  for (const result of results) {
    for (const diagnostic of result.diagnostics) {
      const text = stripControl(diagnosticText(diagnostic))
      const rows = groups.get(text) ?? []
      rows.push(rowLabel(result))
      groups.set(text, rows)
    }
  }
  return [...groups].map(([warning, rows]) => ({ rows, warning }))
}

/** The environment header's words, written once: where these numbers were measured. */
export interface EnvironmentHeader {
  /** `Node v20.19.0 · linux x64 · Vitest 4.1.12` */
  runtime: string
  /** `CPU AMD EPYC 7763 64-Core Processor` */
  cpu: string
  /** `4 cores`, `1 core` */
  cores: string
  /** `2 effective` */
  effective: string
  /** Fewer effective cores than the CPU has: a view may highlight `effective`. */
  limited: boolean
}

export function environmentHeader(env: EnvironmentInfo): EnvironmentHeader {
  return {
    runtime: `Node ${stripControl(env.node)} · ${stripControl(env.platform)} ${stripControl(env.arch)} · Vitest ${stripControl(env.vitest)}`,
    cpu: `CPU ${stripControl(env.cpu)}`,
    cores: `${env.cores} ${env.cores === 1 ? 'core' : 'cores'}`,
    effective: `${env.effectiveCores} effective`,
    limited: env.effectiveCores < env.cores,
  }
}

/** The whole header on one line: `Node … · Vitest … · CPU … · 4 cores · 2 effective`. */
export function environmentLine(env: EnvironmentInfo): string {
  const { runtime, cpu, cores, effective } = environmentHeader(env)
  return `${runtime} · ${cpu} · ${cores} · ${effective}`
}

/** What a level override means for this run, in one sentence. */
export function levelOverrideSentence(levelOverride: string): string {
  const level = stripControl(levelOverride)
  const effect =
    level === 'warn'
      ? 'missed budgets are annotated instead of failing'
      : level === 'off'
        ? 'missed budgets are reported only'
        : level === 'error'
          ? 'missed budgets fail their test'
          : 'budgets follow the overridden level'
  return `Level overridden to '${level}' for this run by VITEST_PARALLEL_BENCH_LEVEL: ${effect}.`
}

/** One line for the report's header: what this run is compared with, or why it is not. */
export function baselineNotice(snapshot: ComparedWith): string {
  const where = snapshot.from === 'environment' ? ' (from VITEST_PARALLEL_BENCH_COMPARE_WITH)' : ''
  if (snapshot.problem !== undefined) {
    return `No regression check: the baseline ${snapshot.file}${where} ${snapshot.problem}.`
  }
  const when = snapshot.generatedAt === undefined ? '' : `, measured ${snapshot.generatedAt}`
  const skipped =
    snapshot.skippedRows === 0
      ? ''
      : `; ${snapshot.skippedRows} unreadable ${snapshot.skippedRows === 1 ? 'row' : 'rows'} left out`
  return `Compared with the baseline ${snapshot.file}${where}${when}${skipped}.`
}

/** Every column a bench's table may show, titled once; each view picks the ones it lays out. */
export const COLUMN_TITLES = {
  bench: 'bench',
  model: 'model',
  workers: 'workers',
  tasks: 'tasks',
  serial: 'serial/batch',
  parallel: 'parallel/batch',
  speedup: 'speedup',
  ideal: 'vs ideal',
  net: 'net vs inline',
  efficiency: 'efficiency',
  startup: 'startup/worker',
  roundTrip: 'round-trip/task',
  memory: 'memory/worker',
  rounds: 'rounds',
  verdict: 'verdict',
} as const

export type Column = keyof typeof COLUMN_TITLES

/** A bench's full table, in order; each view leaves out what it shows otherwise. */
export const TABLE_COLUMNS: readonly Column[] = [
  'model',
  'workers',
  'tasks',
  'serial',
  'parallel',
  'speedup',
  'ideal',
  'net',
  'efficiency',
  'startup',
  'roundTrip',
  'memory',
  'rounds',
  'verdict',
]

/** The titles of `columns`; the speedup's carries its interval's label (`speedup [95% CI]`). */
export function columnTitles(columns: readonly Column[], ci: string): string[] {
  return columns.map((column) => (column === 'speedup' ? `speedup [${ci}]` : COLUMN_TITLES[column]))
}

/** The terminal's legend: what each column means. */
export const LEGEND: readonly (readonly [string, string])[] = [
  [
    'speedup',
    'serial batch / parallel batch, median of paired rounds, with its confidence interval; serial = one worker of the same kind (or inline with baseline: inline)',
  ],
  [
    'net vs inline',
    'the batch inline (time inside fn in the serial arm; tiny tasks: one timed loop) / parallel batch, paired per round; below 1.00x parallelism does not pay',
  ],
  ['vs ideal', 'speedup against the ideal (speedup = workers) as a bar: full at the ideal'],
  ['efficiency', 'speedup / workers'],
  ['startup', 'spawn → ready per worker (median), never part of the speedup'],
  ['round trip', 'dispatch + messaging + result return per task (median)'],
  [
    'memory',
    "added per worker: a child process's private memory (USS), the host's RSS growth per thread; both with the processes fn started",
  ],
  ['verdict', 'against the budget; beside other load, on the speedup on the CPU the pool got (the ! line shows both)'],
  ['~', "a prediction from Amdahl's law, not a measurement"],
  ['!', 'a warning about the measurement; → the recommendation'],
]

export const BASELINE_LEGEND: readonly [string, string] = [
  'baseline',
  "change = now / baseline speedup: the Hodges–Lehmann shift between both runs' per-round log-ratios, with its Mann–Whitney interval; FAIL when the whole interval is below 1 − maxRegression, PASS when it is above, IMPROVED when above 1",
]
