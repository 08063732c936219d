// The terminal report: environment header, one table per bench, notes, scaling
// curves and a plain recommendation. Pure: results in, string out; colours injected.
import type { Colors } from 'picocolors/types.js'
import { amdahlSerialFraction, batchCap, ENOUGH_SHARE, karpFlatt, scalingSummary } from '../analysis/scaling.js'
import { granularity, MAX_OVERHEAD_SHARE, rankingText } from '../analysis/verdict.js'
import { baselineNotice } from '../plugin/baseline-file.js'
import type {
  BenchResult,
  EnvironmentInfo,
  Level,
  ModelRanking,
  ModelResult,
  RegressionStatus,
  ScalingSummary,
  VerdictStatus,
} from '../types.js'
import {
  formatBytes,
  formatConfidence,
  formatDuration,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  MISSING,
  median,
  stripControl,
} from './format.js'
import { comparedWithOf } from './json.js'

export interface RenderOptions {
  /** The level forced by `VITEST_PARALLEL_BENCH_LEVEL` for this run, shown in the header. */
  levelOverride?: string | undefined
  /** Columns to fit (the terminal's width). @default DEFAULT_WIDTH */
  width?: number | undefined
  /** Every column in one table row, however wide. @default false */
  verbose?: boolean | undefined
  /** The legend under the report. @default true */
  legend?: boolean | undefined
}

/** The width to fit when the terminal's is unknown (CI logs, pipes). */
export const DEFAULT_WIDTH = 100
/** No line wider than this, however wide the terminal: a report is read, not scanned across. */
export const MAX_WIDTH = 100

/** Splits `text` at `separator` into lines that fit `width`, the first after `first`, the rest after `rest`. */
export function wrapText(text: string, width: number, first: string, rest: string, separator = ' '): string[] {
  const lines: string[] = []
  let line = first
  let empty = true
  for (const word of text.split(separator)) {
    const candidate = empty ? line + word : `${line}${separator}${word}`
    if (!empty && displayWidth(candidate) > width) {
      lines.push(line)
      line = rest + word
    } else {
      line = candidate
    }
    empty = false
  }
  lines.push(line)
  return lines.map((l) => l.trimEnd())
}

type Align = 'left' | 'right'
type Paint = (text: string) => string

interface Cell {
  text: string
  paint?: Paint | undefined
}

const KIND_LABEL = {
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

/** Median serial and parallel batch times over the rounds, ms. */
export function batchTimes(result: ModelResult): { serialMs: number | undefined; parallelMs: number | undefined } {
  return {
    serialMs: median(result.rounds.map((r) => r.serialMs)),
    parallelMs: median(result.rounds.map((r) => r.parallelMs)),
  }
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

function verdictPaint(status: VerdictStatus, colors: Colors): Paint {
  switch (status) {
    case 'PASS':
      return colors.green
    case 'FAIL':
      return colors.red
    case 'INCONCLUSIVE':
    case 'SKIPPED':
      return colors.yellow
    case 'MEASURED':
      return colors.dim
  }
}

function regressionPaint(status: RegressionStatus, colors: Colors): Paint {
  switch (status) {
    case 'PASS':
    case 'IMPROVED':
      return colors.green
    case 'FAIL':
      return colors.red
    case 'INCONCLUSIVE':
      return colors.yellow
    case 'NEW':
      return colors.dim
  }
}

/** `threads ×2: baseline 1.92x → now 1.21x, change −37% [−45%, −28%] FAIL (maxRegression 10%, 95% CI)`; undefined without a comparison. */
export function regressionLine(result: ModelResult): string | undefined {
  const { regression } = result
  return regression === undefined ? undefined : `${rowLabel(result)}: ${stripControl(regression.reason)}`
}

/** The status of a comparison as a label, softened as a budget's is: `FAIL (warn)`. */
export function regressionLabel(result: ModelResult, level: Level): string | undefined {
  const status = result.regression?.status
  if (status === undefined) return undefined
  return status === 'FAIL' && level !== 'error' ? `${status} (${level})` : status
}

/** One line per row against the stored baseline, its status coloured. */
function regressionLines(bench: BenchResult, colors: Colors, width: number): string[] {
  const lines: string[] = []
  for (const result of bench.results) {
    const line = regressionLine(result)
    const status = result.regression?.status
    if (line === undefined || status === undefined) continue
    const [head = '', ...tail] = wrapText(line, width, '  ', '    ')
    const paint = regressionPaint(status, colors)
    lines.push(status === 'NEW' ? paint(head) : head.replace(` ${status} (`, ` ${paint(status)} (`), ...tail)
  }
  return lines
}

function displayWidth(text: string): number {
  return [...text].length
}

/** Columns sized from their content, two spaces apart, no trailing spaces. */
function renderTable(header: string[], rows: Cell[][], align: Align[], indent: string, colors: Colors): string[] {
  const widths = header.map((title, column) =>
    Math.max(displayWidth(title), ...rows.map((row) => displayWidth(row[column]?.text ?? ''))),
  )
  const line = (cells: Cell[]): string => {
    const parts = cells.map((cell, column) => {
      const width = widths[column] ?? 0
      const padding = ' '.repeat(Math.max(0, width - displayWidth(cell.text)))
      const painted = cell.paint === undefined ? cell.text : cell.paint(cell.text)
      const last = column === cells.length - 1
      if (align[column] === 'right') return padding + painted
      return last ? painted : painted + padding
    })
    return (indent + parts.join('  ')).trimEnd()
  }
  return [line(header.map((text) => ({ text, paint: colors.dim }))), ...rows.map(line)]
}

/** Characters of the bar beside each row's speedup. */
export const IDEAL_BAR_WIDTH = 8
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const

/**
 * Speedup against the ideal (speedup = workers) as a bar of eighths: full at the ideal, empty at
 * none; past the ideal (superlinear) it stays full. The empty part is dots, so it reads without colour.
 */
export function idealBar(efficiency: number): { filled: string; empty: string } | undefined {
  if (!Number.isFinite(efficiency) || efficiency < 0) return undefined
  const eighths = Math.round(Math.min(1, efficiency) * IDEAL_BAR_WIDTH * 8)
  const filled = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
  return { filled, empty: '·'.repeat(IDEAL_BAR_WIDTH - [...filled].length) }
}

function idealBarCell(result: ModelResult, colors: Colors): Cell {
  const bar = idealBar(result.estimate.efficiency)
  if (bar === undefined) return { text: MISSING }
  return { text: bar.filled + bar.empty, paint: () => colors.cyan(bar.filled) + colors.dim(bar.empty) }
}

function modelRow(result: ModelResult, level: Level, colors: Colors): Cell[] {
  const { serialMs, parallelMs } = batchTimes(result)
  const { speedup, low, high, efficiency } = result.estimate
  return [
    { text: result.model },
    { text: String(result.workers) },
    { text: formatDuration(serialMs) },
    { text: formatDuration(parallelMs) },
    { text: formatSpeedupWithInterval(speedup, low, high), paint: colors.bold },
    idealBarCell(result, colors),
    { text: formatSpeedup(result.netSpeedup) },
    { text: formatPercent(efficiency) },
    { text: formatDuration(median(result.startupMs)) },
    { text: formatDuration(result.roundTripMs) },
    { text: formatMemory(result) },
    { text: String(result.rounds.length) },
    { text: verdictLabel(result, level), paint: verdictPaint(result.verdict.status, colors) },
  ]
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
    for (const warning of result.warnings) {
      const text = stripControl(warning)
      const rows = groups.get(text) ?? []
      rows.push(rowLabel(result))
      groups.set(text, rows)
    }
  }
  return [...groups].map(([warning, rows]) => ({ rows, warning }))
}

/** Points of each model measured at two or more pool sizes. */
export function scalingCurves(bench: BenchResult): { model: ModelResult['model']; points: ModelResult[] }[] {
  const curves: { model: ModelResult['model']; points: ModelResult[] }[] = []
  for (const model of ['threads', 'processes'] as const) {
    const points = bench.results.filter((r) => r.model === model).sort((a, b) => a.workers - b.workers)
    if (new Set(points.map((p) => p.workers)).size >= 2) curves.push({ model, points })
  }
  return curves
}

/** Amdahl serial fraction fitted to one curve. */
export function curveSerialFraction(points: readonly ModelResult[]): number | undefined {
  return amdahlSerialFraction(points.map((p) => ({ workers: p.workers, speedup: p.estimate.speedup })))
}

/** The Amdahl fit as one sentence: `Amdahl serial fraction 0.100: at most 10.0x on any number of workers`. */
export function describeSerialFraction(fraction: number | undefined): string {
  if (fraction === undefined) return 'Amdahl serial fraction: not enough points'
  const bound =
    fraction > 0 ? `at most ${formatSpeedup(1 / fraction)} on any number of workers` : 'no serial part measured'
  return `Amdahl serial fraction ${fraction.toFixed(3)}: ${bound}`
}

function formatKarpFlatt(result: ModelResult): string {
  const e = karpFlatt(result.estimate.speedup, result.workers)
  return e === undefined ? MISSING : e.toFixed(3)
}

function renderScaling(bench: BenchResult, colors: Colors): string[] {
  const lines: string[] = []
  for (const { model, points } of scalingCurves(bench)) {
    lines.push(`  ${colors.bold(`${model} scaling`)}`)
    const rows = points.map((p): Cell[] => [
      { text: String(p.workers) },
      { text: formatSpeedupWithInterval(p.estimate.speedup, p.estimate.low, p.estimate.high) },
      { text: formatPercent(p.estimate.efficiency) },
      { text: formatKarpFlatt(p) },
    ])
    const header = ['workers', `speedup [${confidenceOf(points)}]`, 'efficiency', 'Karp–Flatt']
    lines.push(...renderTable(header, rows, ['right', 'right', 'right', 'right'], '    ', colors))
    lines.push(`    ${describeSerialFraction(curveSerialFraction(points))}`)
  }
  return lines
}

function startupOf(result: ModelResult): number | undefined {
  return median(result.startupMs)
}

/**
 * Whether two startup times differ by more than their noise: worker startups vary by tens of ms
 * from one pool to the next (52–94 ms for the same processes in one run), so a gap counts only
 * from 10 ms and 20% of the faster one.
 */
function startupsDiffer(gapMs: number, fasterMs: number): boolean {
  return Math.abs(gapMs) >= Math.max(10, 0.2 * fasterMs)
}

/** Whether parallelism beats calling fn inline, as far as the net interval (or, without one, the estimate) can tell. */
function pays(result: ModelResult): 'yes' | 'no' | 'unknown' {
  const { netSpeedup, netInterval } = result
  if (netSpeedup === undefined || !Number.isFinite(netSpeedup)) return 'unknown'
  if (netInterval === undefined) return netSpeedup >= 1 ? 'yes' : 'no'
  if (netInterval.low > 1) return 'yes'
  if (netInterval.high < 1) return 'no'
  return 'unknown'
}

function netText(result: ModelResult): string {
  const { netSpeedup, netInterval } = result
  if (netInterval === undefined) return formatSpeedup(netSpeedup)
  return formatSpeedupWithInterval(netSpeedup ?? Number.NaN, netInterval.low, netInterval.high)
}

/** A net interval narrower than this (high / low) that still holds 1 is break-even, not undecided. */
const BREAK_EVEN_WIDTH = 1.15

/** Starved workers make every sentence about paying off premature. */
function starved(result: ModelResult): boolean {
  return result.warnings.some((warning) => warning.startsWith('workers were starved'))
}

function doesNotPay(results: readonly ModelResult[]): string | undefined {
  const known = results.filter((r) => pays(r) !== 'unknown')
  if (known.length === 0 || known.some((r) => pays(r) === 'yes') || results.some(starved)) return undefined
  const detail = known.map((r) => `${r.model} ${netText(r)}`).join(', ')
  const grain = results.some((r) => (granularity(r.callMs, r.roundTripMs).overheadShare ?? 0) > MAX_OVERHEAD_SHARE)
  const advice = grain ? 'give each task more work, or call fn inline' : 'call fn inline'
  return `parallelism does not pay here (${detail} vs calling fn inline); ${advice}`
}

function compareSentence(
  threads: ModelResult,
  processes: ModelResult,
  atWorkers: string,
  ranking: ModelRanking | undefined,
): string {
  const head = `threads ${formatSpeedup(threads.estimate.speedup)} vs processes ${formatSpeedup(processes.estimate.speedup)}${atWorkers}`
  if (starved(threads) || starved(processes)) {
    return `${head}: the workers were starved by other load; rerun on a quieter machine before choosing`
  }
  const notPaying = doesNotPay([threads, processes])
  if (notPaying !== undefined) return `${head}: ${notPaying}`
  const threadStartup = startupOf(threads)
  const processStartup = startupOf(processes)
  const rawGap =
    threadStartup === undefined || processStartup === undefined ? undefined : processStartup - threadStartup
  // A gap within the noise of startup times is no gap at all.
  const startupGap =
    rawGap === undefined || !startupsDiffer(rawGap, Math.min(threadStartup ?? 0, processStartup ?? 0))
      ? undefined
      : rawGap
  // Ranked by what a user waits for: the parallel batch time, paired per round, with an interval on the ratio.
  const batch = ranking === undefined ? '' : `; threads' parallel batch ${rankingText(ranking)} of processes'`
  if (ranking?.faster === undefined) {
    const processesStartFaster = startupGap !== undefined && startupGap < 0
    const preferred = processesStartFaster ? 'processes' : 'threads'
    const reasons: string[] = []
    if (startupGap !== undefined) {
      reasons.push(`they start ${formatDuration(Math.abs(startupGap))} faster per worker`)
    }
    if (threads.memoryBytes !== undefined && processes.memoryBytes !== undefined) {
      reasons.push(`memory per worker: threads ${formatMemory(threads)}, processes ${formatMemory(processes)}`)
    }
    const why = reasons.length === 0 ? '' : ` (${reasons.join('; ')})`
    const isolation =
      preferred === 'threads'
        ? '; use processes when fn needs isolation (process.exit, native crashes, global state)'
        : '; they also isolate fn (process.exit, native crashes, global state)'
    return `${head}: indistinguishable${batch}; prefer ${preferred}${why}${isolation}`
  }
  const winner = ranking.faster
  const loser = winner === 'threads' ? 'processes' : 'threads'
  const winnerStartsSlower = startupGap !== undefined && (winner === 'threads' ? startupGap < 0 : startupGap > 0)
  if (startupGap === undefined) return `${head}: prefer ${winner}${batch}`
  const gap = formatDuration(Math.abs(startupGap))
  return winnerStartsSlower
    ? `${head}: prefer ${winner}${batch}, although they cost ${gap} more to start (once per pool)`
    : `${head}: prefer ${winner}${batch}; ${loser} cost ${gap} more to start`
}

function scalingSentence(points: readonly ModelResult[]): string {
  const model = points[0]?.model ?? 'threads'
  const summary = scalingSummary(points)
  const best = points.reduce((a, b) => (b.estimate.speedup > a.estimate.speedup ? b : a))
  const enough = points.find((p) => p.workers === summary?.advice.workers) ?? best
  const notPaying = doesNotPay([enough])
  if (notPaying !== undefined) return `${model}: ${notPaying}`
  if (best.estimate.low <= 1) {
    return `${model}: no pool size is measurably faster than one worker (best ${formatSpeedup(best.estimate.speedup)} at ${best.workers}): parallelism does not pay here`
  }
  const memory = summary?.advice.memoryBytes === undefined ? '' : `, adding ${formatBytes(summary.advice.memoryBytes)}`
  return enough.workers < best.workers
    ? `${model}: use ${enough.workers} workers (${formatSpeedup(enough.estimate.speedup)}${memory}), the smallest pool within ${formatPercent(1 - ENOUGH_SHARE)} of the best measured, ${formatSpeedup(best.estimate.speedup)} at ${best.workers}`
    : `${model}: use ${best.workers} workers (${formatSpeedup(best.estimate.speedup)}${memory}); smaller pools measured more than ${formatPercent(1 - ENOUGH_SHARE)} below it`
}

/**
 * What Amdahl's law, fitted to the measured pool sizes, predicts on larger machines: clearly a
 * prediction, with the range the measured intervals allow. `undefined` when nothing is predicted.
 */
function predictionSentence(summary: ScalingSummary, tasks: number): string | undefined {
  if (summary.predictions.length === 0) return undefined
  const { value, low, high } = summary.serialFraction
  const at = summary.predictions
    .map((p) => `${p.workers} workers ${formatSpeedupWithInterval(p.speedup, p.low, p.high)}`)
    .join(', ')
  const capped = summary.predictions.some((p) => p.high >= batchCap(tasks, p.workers))
    ? `; capped by this batch of ${tasks} tasks`
    : ''
  return `${summary.model} on more cores, predicted by Amdahl's law (serial fraction ${value.toFixed(3)} [${low.toFixed(3)}–${high.toFixed(3)}]), a model, not a measurement: ${at}${capped}`
}

/**
 * A bench's predictions, one sentence per model that has one: what every report prints. None for
 * a model none of whose pools beat calling fn inline: more cores would only scale the overhead,
 * and a speedup beside "does not pay" reads as a contradiction.
 */
export function predictionSentences(bench: BenchResult): string[] {
  const tasks = bench.results[0]?.tasks ?? 0
  return (bench.scaling ?? []).flatMap((summary) => {
    const rows = bench.results.filter((r) => r.model === summary.model)
    if (rows.length > 0 && rows.every((r) => pays(r) === 'no')) return []
    return predictionSentence(summary, tasks) ?? []
  })
}

function singleSentence(result: ModelResult): string {
  const { estimate } = result
  const head = `${result.model} ${formatSpeedupWithInterval(estimate.speedup, estimate.low, estimate.high)} on ${result.workers} workers (${formatPercent(estimate.efficiency)} efficiency)`
  if (starved(result))
    return `${head}: the workers were starved by other load; rerun on a quieter machine before deciding`
  const notPaying = doesNotPay([result])
  if (notPaying !== undefined) return `${head}: ${notPaying}`
  const net = `${netText(result)} vs calling fn inline`
  if (pays(result) === 'yes' && estimate.low > 1) return `${head}, ${net}: parallelism pays here`
  if (result.netSpeedup === undefined) return head
  const { netInterval } = result
  // A tight interval around break-even will not move with more rounds.
  if (netInterval !== undefined && netInterval.low <= 1 && netInterval.high / netInterval.low <= BREAK_EVEN_WIDTH) {
    return `${head}, ${net}: about break-even with calling fn inline; parallelism does not pay measurably here`
  }
  return `${head}, ${net}: too close to tell whether parallelism pays here; more rounds (\`time\`, \`maxRounds\`) would decide`
}

/**
 * A plain recommendation for one bench: which model to prefer and why, how many workers
 * are worth it, or that parallelism does not pay at all. `undefined` for an errored bench.
 */
export function recommendation(bench: BenchResult): string | undefined {
  if (bench.error !== undefined) return undefined
  const threads = bench.results.filter((r) => r.model === 'threads')
  const processes = bench.results.filter((r) => r.model === 'processes')
  if (threads.length > 0 && processes.length > 0) {
    const common = threads.map((r) => r.workers).filter((w) => processes.some((p) => p.workers === w))
    const several = new Set(bench.results.map((r) => r.workers)).size > 1
    if (common.length > 0) {
      const workers = Math.max(...common)
      const t = threads.find((r) => r.workers === workers) as ModelResult
      const p = processes.find((r) => r.workers === workers) as ModelResult
      return stripControl(compareSentence(t, p, several ? ` at ${workers} workers` : '', bench.ranking))
    }
  }
  const only = threads.length > 0 ? threads : processes
  const first = only[0]
  if (first === undefined) return bench.recommendation === undefined ? undefined : stripControl(bench.recommendation)
  if (new Set(only.map((r) => r.workers)).size > 1) {
    return scalingSentence([...only].sort((a, b) => a.workers - b.workers))
  }
  // 'auto' with one size: the machine had nothing else to offer, and the advice should say so.
  const auto = bench.options.workersAuto === true ? `; workers: 'auto' could measure only ${first.workers} here` : ''
  return `${singleSentence(first)}${auto}`
}

/** Continuation lines of a multi-line message start with a bar, so no line can pass for a workflow command. */
function messageLines(message: string): string[] {
  return message
    .split(/\r\n|\r|\n/)
    .map(stripControl)
    .filter((line, index) => index === 0 || line.trim() !== '')
}

/** The rest of a row, folded under it when the full table would not fit. */
function foldedDetails(result: ModelResult): string {
  const { serialMs, parallelMs } = batchTimes(result)
  return [
    `serial ${formatDuration(serialMs)}`,
    `parallel ${formatDuration(parallelMs)}`,
    `efficiency ${formatPercent(result.estimate.efficiency)}`,
    `startup ${formatDuration(median(result.startupMs))}`,
    `round trip ${formatDuration(result.roundTripMs)}`,
    `memory ${formatMemory(result)}`,
    `${result.rounds.length} rounds`,
  ].join(' · ')
}

/** The table of a bench: every column when it fits (or `verbose`), else the deciding ones with the rest folded under each row. */
function benchTable(bench: BenchResult, colors: Colors, width: number, verbose: boolean): string[] {
  const level = levelOf(bench)
  const header = [
    'model',
    'workers',
    'serial/batch',
    'parallel/batch',
    `speedup [${confidenceOf(bench.results)}]`,
    'vs ideal',
    'net vs inline',
    'efficiency',
    'startup/worker',
    'round-trip/task',
    'memory/worker',
    'rounds',
    'verdict',
  ]
  const align: Align[] = ['left', 'right', 'right', 'right', 'right', 'left', ...Array<Align>(6).fill('right'), 'left']
  const rows = bench.results.map((r) => modelRow(r, level, colors))
  const fits = (lines: string[]): boolean => lines.every((line) => displayWidth(stripAnsi(line)) <= width)
  const full = renderTable(header, rows, align, '  ', colors)
  if (verbose || fits(full)) return full
  // model, workers, speedup [CI], vs ideal, net vs inline, verdict; without the bar when even that is too wide.
  const compactTable = (keep: number[]): string[] => {
    const pick = <T>(items: readonly T[]): T[] => keep.map((i) => items[i] as T)
    return renderTable(pick(header), rows.map(pick), pick(align), '  ', colors)
  }
  const withBar = compactTable([0, 1, 4, 5, 6, 12])
  const compact = fits(withBar) ? withBar : compactTable([0, 1, 4, 6, 12])
  const lines = [compact[0] as string]
  bench.results.forEach((result, index) => {
    lines.push(compact[index + 1] as string)
    lines.push(...wrapText(foldedDetails(result), width, '      ', '      ', ' · ').map((line) => colors.dim(line)))
  })
  return lines
}

function renderBench(bench: BenchResult, colors: Colors, width: number, verbose: boolean): string[] {
  const lines: string[] = []
  const file = bench.file === '' ? '' : `  ${colors.dim(stripControl(bench.file))}`
  lines.push(`${colors.bold(`● ${benchTitle(bench)}`)}${file}`)
  if (bench.error !== undefined) {
    const [first = '', ...rest] = messageLines(bench.error.message)
    const label = `ERROR ${stripControl(bench.error.code)}`
    const [head = '', ...tail] = wrapText(`${label}: ${first}`, width, '  ', '    ')
    lines.push(head.replace(label, colors.red(label)), ...tail)
    for (const line of rest) lines.push(...wrapText(line, width, '  │ ', '  │ '))
  }
  if (bench.results.length === 0) {
    if (bench.error === undefined) lines.push(`  ${colors.dim('no measurements')}`)
    return lines
  }
  lines.push(...benchTable(bench, colors, width, verbose))
  for (const result of bench.results) {
    const { status, reason } = result.verdict
    if (status === 'FAIL' || status === 'INCONCLUSIVE' || status === 'SKIPPED') {
      const paint = verdictPaint(status, colors)
      const [head = '', ...tail] = wrapText(
        `${status} ${rowLabel(result)}: ${stripControl(reason)}`,
        width,
        '  ',
        '    ',
      )
      lines.push(head.replace(status, paint(status)), ...tail)
    }
  }
  lines.push(...regressionLines(bench, colors, width))
  for (const { rows: where, warning } of groupedWarnings(bench.results)) {
    const [head = '', ...tail] = wrapText(`! ${where.join(', ')}: ${warning}`, width, '  ', '    ')
    lines.push(head.replace('!', colors.yellow('!')), ...tail)
  }
  lines.push(...renderScaling(bench, colors))
  for (const prediction of predictionSentences(bench)) {
    lines.push(...wrapText(`~ ${prediction}`, width, '  ', '    ').map((l) => colors.dim(l)))
  }
  const advice = recommendation(bench)
  if (advice !== undefined) lines.push(...wrapText(`→ ${advice}`, width, '  ', '    '))
  return lines
}

/** Text without colour codes, to measure what a line takes on screen. */
function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal colour codes is the point.
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

/** The environment header: where these numbers were measured. */
export function environmentLines(env: EnvironmentInfo, colors: Colors): string[] {
  const cores = `${env.cores} ${env.cores === 1 ? 'core' : 'cores'}`
  const effectiveText = `${env.effectiveCores} effective`
  const effective = env.effectiveCores < env.cores ? colors.yellow(effectiveText) : effectiveText
  return [
    `${colors.bold('Parallel bench')}  Node ${stripControl(env.node)} · ${stripControl(env.platform)} ${stripControl(env.arch)} · Vitest ${stripControl(env.vitest)}`,
    `CPU ${stripControl(env.cpu)} · ${cores} · ${effective}`,
  ]
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

const LEGEND: readonly (readonly [string, string])[] = [
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
  ['round-trip', 'dispatch + messaging + result return per task (median)'],
  [
    'memory',
    "added per worker: a child process's private memory (USS), the host's RSS growth per thread; both with the processes fn started",
  ],
  ['!', 'a warning about the measurement; → the recommendation'],
]

const BASELINE_LEGEND: readonly [string, string] = [
  'baseline',
  "change = now / baseline speedup: the Hodges–Lehmann shift between both runs' per-round log-ratios, with its Mann–Whitney interval; FAIL when the whole interval is below 1 − maxRegression, PASS when it is above, IMPROVED when above 1",
]

function legendLines(colors: Colors, width: number, withBaseline: boolean): string[] {
  const legend = withBaseline ? [...LEGEND, BASELINE_LEGEND] : LEGEND
  const keys = Math.max(...legend.map(([key]) => displayWidth(key)))
  const hang = ' '.repeat(keys + 4)
  return legend.flatMap(([key, text]) =>
    wrapText(text, width, `  ${key.padEnd(keys)}  `, hang).map((line) => colors.dim(line)),
  )
}

/**
 * The whole terminal report. Every user-supplied string goes through `stripControl`, and no
 * line starts with `::`, so a bench name can neither move the cursor nor pass for a GitHub
 * workflow command.
 */
export function renderReport(
  results: readonly BenchResult[],
  env: EnvironmentInfo,
  colors: Colors,
  options: RenderOptions = {},
): string {
  const lines = environmentLines(env, colors)
  if (options.levelOverride !== undefined && options.levelOverride !== '') {
    lines.push(colors.yellow(levelOverrideSentence(options.levelOverride)))
  }
  const comparedWith = comparedWithOf(results)
  if (comparedWith !== undefined) {
    const notice = stripControl(baselineNotice(comparedWith))
    lines.push(comparedWith.problem === undefined ? notice : colors.yellow(notice))
  }
  const width = Math.min(MAX_WIDTH, Math.max(60, options.width ?? DEFAULT_WIDTH))
  for (const bench of results) {
    lines.push('', ...renderBench(bench, colors, width, options.verbose === true))
  }
  if (options.legend !== false && results.some((bench) => bench.results.length > 0)) {
    const withBaseline = results.some((bench) => bench.results.some((r) => r.regression !== undefined))
    lines.push('', colors.dim('Legend'), ...legendLines(colors, width, withBaseline))
  }
  return lines.map((line) => line.trimEnd()).join('\n')
}
