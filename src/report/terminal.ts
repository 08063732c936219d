// The terminal report: environment header, one table per bench, notes, scaling
// curves and a plain recommendation. Pure: results in, string out; colours injected.
import type { Colors } from 'picocolors/types.js'
import { machineCurves, serialFractionVerdict } from '../analysis/machines.js'
import { karpFlatt } from '../analysis/scaling.js'
import {
  formatDuration,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  MISSING,
  stripControl,
} from '../format.js'
import type { BenchResult, EnvironmentInfo, Level, ModelResult, RegressionStatus, VerdictStatus } from '../types.js'
import { batchTimes, curveSerialFraction, finiteMedian, scalingCurves } from './curves.js'
import { comparedWithOf } from './json.js'
import { describeSerialFraction, predictionSentences, recommendation } from './summary/advice.js'
import { reasonOf } from './summary/facts.js'
import {
  BASELINE_LEGEND,
  baselineNotice,
  benchTitle,
  columnTitles,
  confidenceOf,
  environmentHeader,
  formatMemory,
  groupedWarnings,
  LEGEND,
  levelOf,
  levelOverrideSentence,
  regressionLine,
  rowLabel,
  TABLE_COLUMNS,
  verdictBasisLabel,
  verdictLabel,
} from './summary/labels.js'
import { LATENCY_COLUMNS, latencyCells, latencySentences, latencyTitle } from './summary/latency.js'
import {
  CURVE_COLUMNS,
  curveDifferNote,
  curveFitSentence,
  curveTitle,
  measuredOnLine,
  mergedMachinesLine,
  pointCells,
  serialFractionVerdictText,
} from './summary/machines.js'

export interface RenderOptions {
  /** The level forced by `VITEST_PARALLEL_BENCH_LEVEL` for this run, shown in the header. */
  levelOverride?: string | undefined
  /** Columns to fit (the terminal's width). @default DEFAULT_WIDTH */
  width?: number | undefined
  /** Every column in one table row, however wide. @default false */
  verbose?: boolean | undefined
  /** The legend under the report. @default true */
  legend?: boolean | undefined
  /** The gate on each curve across machines (plugin option `maxSerialFraction`). @default none */
  maxSerialFraction?: number | undefined
}

/** The width to fit when the terminal's is unknown (CI logs, pipes). */
const DEFAULT_WIDTH = 100
/** No line wider than this, however wide the terminal: a report is read, not scanned across. */
const MAX_WIDTH = 100

/** Splits `text` at `separator` into lines that fit `width`, the first after `first`, the rest after `rest`. */
function wrapText(text: string, width: number, first: string, rest: string, separator = ' '): string[] {
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
const IDEAL_BAR_WIDTH = 8
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
    { text: formatDuration(finiteMedian(result.startupMs)) },
    { text: formatDuration(result.roundTripMs) },
    { text: formatMemory(result) },
    { text: String(result.rounds.length) },
    { text: verdictLabel(result, level), paint: verdictPaint(result.verdict.status, colors) },
  ]
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

/** `latency: true`: p50 and p99 of one call per path, then what offloading adds. */
function renderLatency(bench: BenchResult, colors: Colors, width: number): string[] {
  if (bench.latency === undefined) return []
  const lines = [`  ${colors.bold(latencyTitle(bench.latency))}`]
  const rows = bench.latency.rows.map((row) => latencyCells(row).map((text): Cell => ({ text })))
  lines.push(...renderTable([...LATENCY_COLUMNS], rows, ['left', 'right', 'right', 'right'], '    ', colors))
  for (const sentence of latencySentences(bench.latency)) lines.push(...wrapText(sentence, width, '    ', '      '))
  return lines
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
  // Beside other load the verdict rests on another speedup than the row's: say which, under it.
  const basis = verdictBasisLabel(result)
  return [
    ...(basis === undefined ? [] : [basis]),
    `serial ${formatDuration(serialMs)}`,
    `parallel ${formatDuration(parallelMs)}`,
    `efficiency ${formatPercent(result.estimate.efficiency)}`,
    `startup ${formatDuration(finiteMedian(result.startupMs))}`,
    `round trip ${formatDuration(result.roundTripMs)}`,
    `memory ${formatMemory(result)}`,
    `${result.rounds.length} rounds`,
  ].join(' · ')
}

/** The table of a bench: every column when it fits (or `verbose`), else the deciding ones with the rest folded under each row. */
function benchTable(bench: BenchResult, colors: Colors, width: number, verbose: boolean): string[] {
  const level = levelOf(bench)
  // Every column but the task count (the bar beside the speedup says more in less room).
  const header = columnTitles(
    TABLE_COLUMNS.filter((column) => column !== 'tasks'),
    confidenceOf(bench.results),
  )
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
  // A labelled run (VITEST_BLOB_LABEL) may be merged with other machines': name the one that judged these rows.
  if (bench.environment?.label !== undefined) lines.push(`  ${colors.dim(measuredOnLine(bench.environment))}`)
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
    const { status } = result.verdict
    if (status === 'FAIL' || status === 'INCONCLUSIVE' || status === 'SKIPPED') {
      const paint = verdictPaint(status, colors)
      const [head = '', ...tail] = wrapText(
        `${status} ${rowLabel(result)}: ${stripControl(reasonOf(result))}`,
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
  lines.push(...renderLatency(bench, colors, width))
  for (const prediction of predictionSentences(bench)) {
    lines.push(...wrapText(`~ ${prediction}`, width, '  ', '    ').map((l) => colors.dim(l)))
  }
  const advice = recommendation(bench)
  if (advice !== undefined) lines.push(...wrapText(`→ ${advice}`, width, '  ', '    '))
  return lines
}

/** The curves across machines of a merged run: every machine's points, the fit, where machines differ. */
function renderMachineCurves(
  results: readonly BenchResult[],
  colors: Colors,
  width: number,
  maxSerialFraction: number | undefined,
): string[] {
  const lines: string[] = []
  for (const curve of machineCurves(results)) {
    lines.push('', colors.bold(`◆ ${curveTitle(curve)}`))
    const rows = curve.points.map((point) => pointCells(point).map((text): Cell => ({ text })))
    lines.push(...renderTable([...CURVE_COLUMNS], rows, ['left', 'right', 'left', 'left'], '  ', colors))
    lines.push(...wrapText(curveFitSentence(curve), width, '  ', '    '))
    const note = curveDifferNote(curve)
    if (note !== undefined) lines.push(...wrapText(`! ${note}`, width, '  ', '    ').map((l) => colors.yellow(l)))
    if (maxSerialFraction !== undefined) {
      const verdict = serialFractionVerdict(curve, maxSerialFraction)
      const [head = '', ...tail] = wrapText(
        serialFractionVerdictText(curve, maxSerialFraction, verdict),
        width,
        '  ',
        '    ',
      )
      lines.push(head.replace(verdict, verdictPaint(verdict, colors)(verdict)), ...tail)
    }
  }
  return lines
}

/** Text without colour codes, to measure what a line takes on screen. */
function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal colour codes is the point.
  return text.replace(/\u001b\[[0-9;]*m/g, '')
}

function legendLines(colors: Colors, width: number, withBaseline: boolean): string[] {
  const legend = withBaseline ? [...LEGEND, BASELINE_LEGEND] : LEGEND
  const keys = Math.max(...legend.map(([key]) => displayWidth(key)))
  const hang = ' '.repeat(keys + 4)
  return legend.flatMap(([key, text]) =>
    wrapText(text, width, `  ${key.padEnd(keys)}  `, hang).map((line) => colors.dim(line)),
  )
}

/** The environment header: where these numbers were measured. */
function environmentLines(env: EnvironmentInfo, colors: Colors): string[] {
  const header = environmentHeader(env)
  const effective = header.limited ? colors.yellow(header.effective) : header.effective
  return [`${colors.bold('Parallel bench')}  ${header.runtime}`, `${header.cpu} · ${header.cores} · ${effective}`]
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
  const merged = mergedMachinesLine([...new Set(results.flatMap((bench) => bench.environment?.label ?? []))])
  if (merged !== undefined) lines.push(colors.dim(merged))
  const comparedWith = comparedWithOf(results)
  if (comparedWith !== undefined) {
    const notice = stripControl(baselineNotice(comparedWith))
    lines.push(comparedWith.problem === undefined ? notice : colors.yellow(notice))
  }
  const width = Math.min(MAX_WIDTH, Math.max(60, options.width ?? DEFAULT_WIDTH))
  for (const bench of results) {
    lines.push('', ...renderBench(bench, colors, width, options.verbose === true))
  }
  lines.push(...renderMachineCurves(results, colors, width, options.maxSerialFraction))
  if (options.legend !== false && results.some((bench) => bench.results.length > 0)) {
    const withBaseline = results.some((bench) => bench.results.some((r) => r.regression !== undefined))
    lines.push('', colors.dim('Legend'), ...legendLines(colors, width, withBaseline))
  }
  return lines.map((line) => line.trimEnd()).join('\n')
}
