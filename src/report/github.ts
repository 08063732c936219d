// GitHub Actions output: workflow-command annotations and the step-summary markdown.
// Pure: results in, strings out. The reporter prints / appends them.
import { baselineNotice } from '../baseline-file.js'
import type { BenchResult, EnvironmentInfo, ModelResult, RegressionStatus, VerdictStatus } from '../types.js'
import {
  formatChange,
  formatChangeInterval,
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
import {
  benchTitle,
  curveSerialFraction,
  describeSerialFraction,
  formatMemory,
  groupedWarnings,
  levelOf,
  levelOverrideSentence,
  recommendation,
  regressionLabel,
  regressionLine,
  rowLabel,
  scalingCurves,
  verdictLabel,
} from './terminal.js'

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
      const message = `${result.verdict.status} ${rowLabel(result)}, speedup ${formatSpeedupWithInterval(speedup, low, high)}: ${result.verdict.reason}`
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
  return stripControl(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~#]/g, '\\$&')
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
          `${REGRESSION_MARK[regression.status]} ${regression.status === 'NEW' ? markdownText(regression.reason) : label} (max −${formatPercent(regression.maxRegression, 1)})`,
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
    formatDuration(median(result.startupMs)),
    formatDuration(result.roundTripMs),
    formatMemory(result),
    `${STATUS_MARK[result.verdict.status]} ${verdictLabel(result, levelOf(bench))}`,
  ]
}

function mermaidChart(bench: BenchResult, model: string, points: readonly ModelResult[]): string[] {
  const workers = points.map((p) => p.workers)
  const speedups = points.map((p) => (Number.isFinite(p.estimate.speedup) ? p.estimate.speedup : 0))
  const top = Math.ceil(Math.max(...workers, ...speedups, 1))
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidText(`${bench.name} ${model}`)}: speedup vs workers"`,
    // Quoted: pool sizes are categories on this axis, not a numeric range.
    `    x-axis "workers" [${workers.map((w) => `"${w}"`).join(', ')}]`,
    `    y-axis "speedup (x)" 0 --> ${top}`,
    `    bar [${speedups.map((s) => s.toFixed(2)).join(', ')}]`,
    `    line [${workers.join(', ')}]`,
    '```',
  ]
}

/**
 * The markdown appended to `GITHUB_STEP_SUMMARY`: environment, one table row per
 * (bench, model, workers), recommendations and notes, and a mermaid `xychart-beta` chart of
 * speedup vs workers (bars; the line is ideal linear speedup) for every scaling curve.
 */
export function stepSummaryMarkdown(
  results: readonly BenchResult[],
  env: EnvironmentInfo,
  options: { levelOverride?: string | undefined } = {},
): string {
  const lines: string[] = ['## Parallel bench', '']
  lines.push(
    markdownText(
      `Node ${env.node} · ${env.platform} ${env.arch} · ${env.cpu} · ${env.cores} cores · ${env.effectiveCores} effective · Vitest ${env.vitest}`,
    ),
    '',
  )
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
    tableRow([
      'bench',
      'model',
      'workers',
      `speedup [${ci}]`,
      'net vs inline',
      'efficiency',
      'startup/worker',
      'round-trip/task',
      'memory/worker',
      'verdict',
    ]),
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
      const { status, reason } = result.verdict
      if (status === 'FAIL' || status === 'INCONCLUSIVE' || status === 'SKIPPED') {
        details.push(`${STATUS_MARK[status]} ${markdownText(`${status} ${rowLabel(result)}: ${reason}`)}`)
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
    const advice = recommendation(bench)
    if (advice === undefined && details.length === 0) continue
    const title = `**${markdownText(benchTitle(bench))}**`
    notes.push(advice === undefined ? `- ${title}` : `- ${title}: ${markdownText(advice)}`)
    notes.push(...details.map((detail) => `  - ${detail}`))
  }
  if (notes.length > 0) lines.push('', ...notes)
  for (const bench of results) {
    for (const { model, points } of scalingCurves(bench)) {
      lines.push(
        '',
        `#### ${markdownText(`${benchTitle(bench)}: ${model} scaling`)}`,
        '',
        ...mermaidChart(bench, model, points),
        '',
        `Bars: measured speedup; line: ideal (speedup = workers). ${markdownText(describeSerialFraction(curveSerialFraction(points)))}.`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}
