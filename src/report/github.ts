// GitHub Actions output: workflow-command annotations and the step-summary markdown.
// Pure: results in, strings out. The reporter prints / appends them.

import { amdahlSpeedup } from '../analysis/scaling.js'
import {
  escapeEntities,
  formatChange,
  formatChangeInterval,
  formatConfidence,
  formatDuration,
  formatInterval,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  MISSING,
  stripControl,
} from '../format.js'
import type { BenchResult, EnvironmentInfo, ModelResult, RegressionStatus, VerdictStatus } from '../types.js'
import { curveSerialFraction, finiteMedian, modelCurves } from './curves.js'
import { comparedWithOf } from './json.js'
import { describeSerialFraction, predictionSentences, recommendation } from './summary/advice.js'
import { reasonOf, regressionText } from './summary/facts.js'
import {
  baselineNotice,
  benchTitle,
  columnTitles,
  environmentLine,
  formatMemory,
  groupedWarnings,
  levelOf,
  levelOverrideSentence,
  regressionLabel,
  regressionLine,
  rowLabel,
  verdictLabel,
} from './summary/labels.js'

/** Escapes a workflow-command message, as `@actions/core` does. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow-command property value, as `@actions/core` does. */
export function escapeProperty(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C')
}

type AnnotationCommand = 'error' | 'warning' | 'notice'

function annotationFor(status: VerdictStatus, level: ReturnType<typeof levelOf>): AnnotationCommand | undefined {
  // Level 'off' means "report only": the numbers are in the table, nothing is flagged.
  if (level === 'off') return undefined
  if (status === 'FAIL') return level === 'error' ? 'error' : 'warning'
  if (status === 'INCONCLUSIVE') return 'warning'
  if (status === 'SKIPPED') return 'notice'
  return undefined
}

/** Against the baseline: a FAIL as a budget's FAIL, INCONCLUSIVE a warning, IMPROVED a notice; PASS and NEW are in the summary only. */
function regressionAnnotationFor(
  status: RegressionStatus,
  level: ReturnType<typeof levelOf>,
): AnnotationCommand | undefined {
  if (level === 'off') return undefined
  if (status === 'FAIL') return level === 'error' ? 'error' : 'warning'
  if (status === 'INCONCLUSIVE') return 'warning'
  if (status === 'IMPROVED') return 'notice'
  return undefined
}

// Terminal escapes are removed line by line; line breaks are kept for escapeData to encode.
function safeMessage(message: string): string {
  return message
    .split(/\r\n|\r|\n/)
    .map(stripControl)
    .join('\n')
}

/**
 * Workflow commands, one per row whose verdict needs attention: `::error` for a FAIL at
 * level `error`, `::warning` for a FAIL at level `warn` and for INCONCLUSIVE, `::notice` for
 * SKIPPED; nothing at level `off`. Errored benches are left to Vitest's own failure report.
 */
export function annotationCommands(results: readonly BenchResult[]): string[] {
  const commands: string[] = []
  for (const bench of results) {
    const level = levelOf(bench)
    for (const result of bench.results) {
      const command = annotationFor(result.verdict.status, level)
      if (command === undefined) continue
      const { speedup, low, high } = result.estimate
      const message = `${result.verdict.status} ${rowLabel(result)}, speedup ${formatSpeedupWithInterval(speedup, low, high)}: ${reasonOf(result)}`
      commands.push(`::${command} ${properties(bench)}::${escapeData(safeMessage(message))}`)
    }
    for (const result of bench.results) {
      const status = result.regression?.status
      const command = status === undefined ? undefined : regressionAnnotationFor(status, level)
      const line = regressionLine(result)
      if (command === undefined || line === undefined) continue
      commands.push(`::${command} ${properties(bench)}::${escapeData(safeMessage(`vs baseline, ${line}`))}`)
    }
  }
  return commands
}

function properties(bench: BenchResult): string {
  return [
    ...(bench.file === '' ? [] : [`file=${escapeProperty(stripControl(bench.file))}`]),
    `title=${escapeProperty(benchTitle(bench))}`,
  ].join(',')
}

/**
 * Text safe inside a markdown table cell and list item: no line breaks, no HTML, and
 * markdown punctuation (including `|` and backticks) escaped, so a bench name cannot end
 * the table, open a code span, inject a link or a tag.
 */
export function markdownText(s: string): string {
  return escapeEntities(s, false).replace(/[\\`*_[\]|~#]/g, '\\$&')
}

// Inside a mermaid string only plain words survive: quotes, backticks, entities (#…;),
// statement separators and brackets are dropped, and long names shortened.
function mermaidText(s: string): string {
  const plain = stripControl(s)
    .replace(/["`#;&<>{}[\]\\|]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
  return plain.length > 60 ? `${plain.slice(0, 59)}…` : plain
}

const STATUS_MARK: Record<VerdictStatus, string> = {
  PASS: '✅',
  FAIL: '❌',
  INCONCLUSIVE: '⚠️',
  SKIPPED: '⏭️',
  MEASURED: 'ℹ️',
}

const REGRESSION_MARK: Record<RegressionStatus, string> = {
  PASS: '✅',
  IMPROVED: '📈',
  FAIL: '❌',
  INCONCLUSIVE: '⚠️',
  NEW: '🆕',
}

/** The rows compared with the stored baseline, as their own table: baseline → now, the change and its interval. */
function regressionTable(results: readonly BenchResult[]): string[] {
  const rows: string[] = []
  for (const bench of results) {
    const title = markdownText(benchTitle(bench))
    bench.results.forEach((result, index) => {
      const { regression } = result
      const label = regressionLabel(result, levelOf(bench))
      if (regression === undefined || label === undefined) return
      const compared = regression.status === 'NEW' ? undefined : regression
      rows.push(
        tableRow([
          index === 0 ? title : '',
          result.model,
          String(result.workers),
          compared === undefined ? MISSING : formatSpeedup(compared.baseline.speedup),
          formatSpeedup(result.estimate.speedup),
          compared === undefined
            ? MISSING
            : `${compared.metric === 'efficiency' ? 'efficiency ' : ''}${formatChange(compared.change)} ${formatChangeInterval(compared.low, compared.high)} (${formatConfidence(compared.confidence)})`,
          `${REGRESSION_MARK[regression.status]} ${regression.status === 'NEW' ? markdownText(regressionText(regression)) : label} (max −${formatPercent(regression.maxRegression, 1)})`,
        ]),
      )
    })
  }
  if (rows.length === 0) return []
  return [
    '',
    '#### Against the baseline',
    '',
    tableRow(['bench', 'model', 'workers', 'baseline', 'now', 'change [CI]', 'verdict']),
    tableRow([':--', ':--', '--:', '--:', '--:', '--:', ':--']),
    ...rows,
  ]
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

function modelCells(result: ModelResult, bench: BenchResult, withConfidence: boolean): string[] {
  const { speedup, low, high, efficiency, confidence } = result.estimate
  const interval = formatSpeedupWithInterval(speedup, low, high)
  return [
    result.model,
    String(result.workers),
    withConfidence ? `${interval} (${formatConfidence(confidence)})` : interval,
    formatSpeedup(result.netSpeedup),
    formatPercent(efficiency),
    formatDuration(finiteMedian(result.startupMs)),
    formatDuration(result.roundTripMs),
    formatMemory(result),
    `${STATUS_MARK[result.verdict.status]} ${verdictLabel(result, levelOf(bench))}`,
  ]
}

/** The chart's numbers: two decimals, never `NaN` or `Infinity` (mermaid would reject the chart). */
function plotted(x: number): string {
  return (Number.isFinite(x) ? x : 0).toFixed(2)
}

const SCALING_COLOURS = '#0969da, #8c959f, #bc4c00'

/**
 * Speedup vs workers of one model as a mermaid `xychart-beta` (GitHub summaries render mermaid,
 * not images): bars for the measured speedups, one line for the ideal, one for the Amdahl fit.
 * One worker is the serial arm itself (1.00x) when it was not measured, so a single pool size
 * still draws a slope. Mermaid has no error bars: each label carries its interval.
 */
function mermaidScaling(bench: BenchResult, model: string, measured: readonly ModelResult[]): string[] {
  const points = measured.some((p) => p.workers === 1) ? [...measured] : [undefined, ...measured]
  const workers = points.map((p) => p?.workers ?? 1)
  const speedups = points.map((p) => p?.estimate.speedup ?? 1)
  const labels = points.map((p) =>
    p === undefined ? '1 (serial)' : `${p.workers} (${formatInterval(p.estimate.low, p.estimate.high).slice(1, -1)})`,
  )
  const fraction = curveSerialFraction(measured)
  const highs = measured.map((p) => p.estimate.high).filter((h) => Number.isFinite(h) && h <= 2 * Math.max(...workers))
  const top = Math.ceil(Math.max(...workers, ...speedups.filter(Number.isFinite), ...highs, 1))
  return [
    '```mermaid',
    // Series take colours in order: bars, ideal, fit; the caption names them.
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${SCALING_COLOURS}"}}}}%%`,
    'xychart-beta',
    `    title "${mermaidText(`${bench.name} ${model}`)}: speedup vs workers"`,
    // Quoted: pool sizes are categories on this axis, not a numeric range.
    `    x-axis "workers [interval]" [${labels.map((l) => `"${mermaidText(l)}"`).join(', ')}]`,
    `    y-axis "speedup (x)" 0 --> ${top}`,
    `    bar [${speedups.map(plotted).join(', ')}]`,
    `    line [${workers.join(', ')}]`,
    ...(fraction === undefined
      ? []
      : [`    line [${workers.map((w) => plotted(amdahlSpeedup(fraction, w))).join(', ')}]`]),
    '```',
  ]
}

// Series colours of the rounds chart, in pairs: serial (light), parallel (dark) of each row.
const ROUND_COLOURS: readonly (readonly [string, string, string])[] = [
  ['#79b8ff', '#0550ae', 'blue'],
  ['#ffb77c', '#953800', 'orange'],
  ['#6fdd8b', '#116329', 'green'],
  ['#d2a8ff', '#6639ba', 'purple'],
  ['#ff9bce', '#99286e', 'pink'],
  ['#eac54f', '#7d4e00', 'yellow'],
]

/** Serial and parallel batch time of every round, a pair of lines per row; the caption names the colours. */
function mermaidRounds(bench: BenchResult): string[] {
  const rows = bench.results.filter((r) => r.rounds.length > 0).slice(0, ROUND_COLOURS.length)
  if (rows.length === 0) return []
  const count = Math.max(...rows.map((r) => r.rounds.length))
  const series = rows.flatMap((row) => [row.rounds.map((r) => r.serialMs), row.rounds.map((r) => r.parallelMs)])
  const top = Math.ceil(Math.max(1, ...series.flat().filter(Number.isFinite)) * 1.05)
  const palette = rows.flatMap((_, i) => (ROUND_COLOURS[i] ?? ROUND_COLOURS[0] ?? []).slice(0, 2)).join(', ')
  const caption = rows
    .map((row, i) => `${rowLabel(row)}: serial light ${ROUND_COLOURS[i]?.[2]}, parallel dark ${ROUND_COLOURS[i]?.[2]}`)
    .join('; ')
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `    title "${mermaidText(bench.name)}: batch time per round"`,
    `    x-axis "round" [${Array.from({ length: count }, (_, i) => `"${i + 1}"`).join(', ')}]`,
    `    y-axis "batch time (ms)" 0 --> ${top}`,
    ...series.map((values) => `    line [${values.map(plotted).join(', ')}]`),
    '```',
    '',
    `${markdownText(caption)}.`,
  ]
}

/**
 * The markdown appended to `GITHUB_STEP_SUMMARY`: environment, one table row per
 * (bench, model, workers), recommendations and notes, and for every measured bench mermaid
 * `xychart-beta` charts: speedup vs workers per model, and (folded) batch time per round.
 */
export function stepSummaryMarkdown(
  results: readonly BenchResult[],
  env: EnvironmentInfo,
  options: { levelOverride?: string | undefined } = {},
): string {
  const lines: string[] = ['## Parallel bench', '']
  lines.push(markdownText(environmentLine(env)), '')
  if (options.levelOverride !== undefined && options.levelOverride !== '') {
    lines.push(`> ${markdownText(levelOverrideSentence(options.levelOverride))}`, '')
  }
  const comparedWith = comparedWithOf(results)
  if (comparedWith !== undefined) lines.push(`> ${markdownText(baselineNotice(comparedWith))}`, '')
  // One label in the header when every row has the same confidence; else each row says its own.
  const levels = new Set(results.flatMap((b) => b.results).map((r) => formatConfidence(r.estimate.confidence)))
  const [only] = levels
  const ci = levels.size === 1 && only !== undefined ? `${only} CI` : 'CI'
  const perRow = levels.size > 1
  lines.push(
    tableRow(
      columnTitles(
        ['bench', 'model', 'workers', 'speedup', 'net', 'efficiency', 'startup', 'roundTrip', 'memory', 'verdict'],
        ci,
      ),
    ),
    tableRow([':--', ':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', ':--']),
  )
  for (const bench of results) {
    const title = markdownText(benchTitle(bench))
    if (bench.error !== undefined) {
      const blanks = Array<string>(8).fill(MISSING)
      lines.push(tableRow([title, ...blanks, `❌ ERROR ${markdownText(bench.error.code)}`]))
    }
    bench.results.forEach((result, index) => {
      const first = index === 0 && bench.error === undefined
      lines.push(tableRow([first ? title : '', ...modelCells(result, bench, perRow)]))
    })
  }
  lines.push(...regressionTable(results))
  const notes: string[] = []
  for (const bench of results) {
    const details: string[] = []
    if (bench.error !== undefined) {
      details.push(`❌ ${markdownText(`ERROR ${bench.error.code}: ${bench.error.message}`)}`)
    }
    for (const result of bench.results) {
      const { status } = result.verdict
      if (status === 'FAIL' || status === 'INCONCLUSIVE' || status === 'SKIPPED') {
        details.push(`${STATUS_MARK[status]} ${markdownText(`${status} ${rowLabel(result)}: ${reasonOf(result)}`)}`)
      }
    }
    for (const result of bench.results) {
      const status = result.regression?.status
      const line = regressionLine(result)
      if ((status === 'FAIL' || status === 'INCONCLUSIVE') && line !== undefined) {
        details.push(`${REGRESSION_MARK[status]} ${markdownText(`vs baseline, ${line}`)}`)
      }
    }
    for (const { rows, warning } of groupedWarnings(bench.results)) {
      details.push(`⚠️ ${markdownText(`${rows.join(', ')}: ${warning}`)}`)
    }
    for (const prediction of predictionSentences(bench)) details.push(`📈 ${markdownText(prediction)}`)
    const advice = recommendation(bench)
    if (advice === undefined && details.length === 0) continue
    const title = `**${markdownText(benchTitle(bench))}**`
    notes.push(advice === undefined ? `- ${title}` : `- ${title}: ${markdownText(advice)}`)
    notes.push(...details.map((detail) => `  - ${detail}`))
  }
  if (notes.length > 0) lines.push('', ...notes)
  // Every measured bench gets its charts; the per-round chart folded, it is for a closer look.
  for (const bench of results) {
    if (bench.results.length === 0) continue
    lines.push('', `#### ${markdownText(benchTitle(bench))}`)
    for (const { model, points } of modelCurves(bench)) {
      lines.push(
        '',
        ...mermaidScaling(bench, model, points),
        '',
        `${markdownText(model)}: blue bars, measured speedup (its interval under each bar); grey line, ideal (speedup = workers); orange line, Amdahl fit. ${markdownText(describeSerialFraction(curveSerialFraction(points)))}.`,
      )
    }
    const rounds = mermaidRounds(bench)
    if (rounds.length > 0) {
      lines.push('', '<details><summary>Batch time per round</summary>', '', ...rounds, '', '</details>')
    }
  }
  return `${lines.join('\n')}\n`
}
