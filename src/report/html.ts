// The HTML report (`htmlFile`): one self-contained page with the environment, every bench's
// table, chart, verdicts, warnings and recommendation. No scripts, no external requests.
// Pure: results in, string out; the reporter writes it.

import { type MachineCurve, machineCurves } from '../analysis/machines.js'
import {
  escapeEntities,
  formatDuration,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  stripControl,
} from '../format.js'
import type { BenchResult, EnvironmentInfo, LatencyResult, ModelResult, VerdictStatus } from '../types.js'
import { batchTimes, curveSerialFraction, finiteMedian, scalingCurves } from './curves.js'
import { describeSerialFraction, predictionSentences, recommendation } from './summary/advice.js'
import { reasonOf } from './summary/facts.js'
import {
  benchTitle,
  columnTitles,
  confidenceOf,
  environmentLine,
  formatMemory,
  groupedWarnings,
  levelOf,
  levelOverrideSentence,
  rowLabel,
  TABLE_COLUMNS,
  verdictLabel,
} from './summary/labels.js'
import { LATENCY_COLUMNS, latencyCells, latencySentences, latencyTitle } from './summary/latency.js'
import {
  CURVE_COLUMNS,
  curveDifferNote,
  curveFitSentence,
  curveTitle,
  measuredOnLine,
  pointCells,
  titleOnMachine,
} from './summary/machines.js'
import { benchChartSvg, machineCurveSvg } from './svg.js'

/** Text safe in HTML content and attribute values. */
export const escapeHtml = escapeEntities

const PAGE_STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;
--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--info:#59636e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;
--pass:#3fb950;--fail:#f85149;--warn:#d29922;--info:#9198a1}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 2px;overflow-wrap:anywhere}
.muted{color:var(--muted)}.env{margin:0 0 16px}
section{border:1px solid var(--line);border-radius:8px;padding:16px;margin:16px 0;background:var(--panel)}
table{border-collapse:collapse;margin:12px 0;font-variant-numeric:tabular-nums;width:100%}
th,td{padding:4px 6px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child,th:last-child,td:last-child{text-align:left}
th{font-weight:600;color:var(--muted);white-space:normal;vertical-align:bottom}
.table{overflow-x:auto}
.PASS{color:var(--pass)}.FAIL,.ERROR{color:var(--fail)}.INCONCLUSIVE,.SKIPPED{color:var(--warn)}.MEASURED{color:var(--info)}
.chart svg{max-width:100%;height:auto;display:block}
ul{margin:8px 0;padding-left:20px}li{overflow-wrap:anywhere}
.advice{font-weight:600}
footer{margin-top:24px;font-size:12px}
`

function cell(content: string, className?: string): string {
  return className === undefined
    ? `<td>${escapeHtml(content)}</td>`
    : `<td class="${className}">${escapeHtml(content)}</td>`
}

function modelRow(result: ModelResult, bench: BenchResult): string {
  const { serialMs, parallelMs } = batchTimes(result)
  const { speedup, low, high, efficiency } = result.estimate
  const net =
    result.netInterval === undefined
      ? formatSpeedup(result.netSpeedup)
      : formatSpeedupWithInterval(result.netSpeedup ?? Number.NaN, result.netInterval.low, result.netInterval.high)
  return [
    '<tr>',
    cell(result.model),
    cell(String(result.workers)),
    cell(String(result.tasks)),
    cell(formatDuration(serialMs)),
    cell(formatDuration(parallelMs)),
    cell(formatSpeedupWithInterval(speedup, low, high)),
    cell(net),
    cell(formatPercent(efficiency)),
    cell(formatDuration(finiteMedian(result.startupMs))),
    cell(formatDuration(result.roundTripMs)),
    cell(formatMemory(result)),
    cell(String(result.rounds.length)),
    cell(verdictLabel(result, levelOf(bench)), result.verdict.status),
    '</tr>',
  ].join('')
}

function benchTable(bench: BenchResult): string {
  const headers = columnTitles(
    // Every column but the text bar: the page has its chart.
    TABLE_COLUMNS.filter((column) => column !== 'ideal'),
    confidenceOf(bench.results),
  )
  return [
    '<div class="table"><table>',
    // A header may break after its slash, so the table fits without scrolling.
    `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h).replace(/\//g, '/<wbr>')}</th>`).join('')}</tr></thead>`,
    `<tbody>${bench.results.map((r) => modelRow(r, bench)).join('')}</tbody>`,
    '</table></div>',
  ].join('')
}

function notes(bench: BenchResult): string[] {
  const items: string[] = []
  for (const result of bench.results) {
    const { status } = result.verdict
    items.push(
      `<li><span class="${status}">${status}</span> ${escapeHtml(`${rowLabel(result)}: ${stripControl(reasonOf(result))}`)}</li>`,
    )
  }
  for (const { rows, warning } of groupedWarnings(bench.results)) {
    items.push(`<li><span class="INCONCLUSIVE">warning</span> ${escapeHtml(`${rows.join(', ')}: ${warning}`)}</li>`)
  }
  for (const { model, points } of scalingCurves(bench)) {
    items.push(`<li>${escapeHtml(`${model}: ${describeSerialFraction(curveSerialFraction(points))}`)}</li>`)
  }
  for (const prediction of predictionSentences(bench)) {
    items.push(`<li><span class="muted">predicted</span> ${escapeHtml(prediction)}</li>`)
  }
  return items.length === 0 ? [] : ['<ul>', ...items, '</ul>']
}

/** `latency: true`: p50 and p99 of one call per path, and what offloading adds. */
function latencySection(latency: LatencyResult): string {
  const rows = latency.rows.map(
    (row) =>
      `<tr>${latencyCells(row)
        .map((text) => cell(escapeHtml(text)))
        .join('')}</tr>`,
  )
  const sentences = latencySentences(latency).map((sentence) => `<li>${escapeHtml(sentence)}</li>`)
  return [
    `<h3>${escapeHtml(latencyTitle(latency))}</h3>`,
    '<div class="table"><table>',
    `<thead><tr>${LATENCY_COLUMNS.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
    sentences.length === 0 ? '' : `<ul>${sentences.join('')}</ul>`,
  ].join('')
}

function benchSection(bench: BenchResult, index: number): string {
  const title = titleOnMachine(benchTitle(bench), bench.environment)
  const parts = [`<section id="bench-${index + 1}">`, `<h2>${escapeHtml(title)}</h2>`]
  if (bench.environment?.label !== undefined)
    parts.push(`<div class="muted">${escapeHtml(measuredOnLine(bench.environment))}</div>`)
  if (bench.file !== '') parts.push(`<div class="muted">${escapeHtml(bench.file)}</div>`)
  if (bench.error !== undefined) {
    parts.push(
      // Line by line: escaping turns line breaks into spaces, and a stack reads best on its lines.
      `<p><span class="ERROR">ERROR ${escapeHtml(bench.error.code)}</span></p><pre>${bench.error.message
        .split(/\r\n|\r|\n/)
        .map((line) => escapeHtml(line))
        .join('\n')}</pre>`,
    )
  }
  if (bench.results.length > 0) {
    parts.push(benchTable(bench))
    const chart = benchChartSvg(bench, { idPrefix: `bench-${index + 1}-chart` })
    if (chart !== undefined) parts.push(`<div class="chart">${chart}</div>`)
    parts.push(...notes(bench))
    if (bench.latency !== undefined) parts.push(latencySection(bench.latency))
  } else if (bench.error === undefined) {
    parts.push('<p class="muted">no measurements</p>')
  }
  const advice = recommendation(bench)
  if (advice !== undefined) parts.push(`<p class="advice">→ ${escapeHtml(advice)}</p>`)
  parts.push('</section>')
  return parts.join('\n')
}

/** A curve across machines of a merged run: every machine's points, the fit, where the machines differ. */
function machineCurveSection(curve: MachineCurve, index: number): string {
  const rows = curve.points.map(
    (point) =>
      `<tr>${pointCells(point)
        .map((cell) => `<td>${escapeHtml(cell)}</td>`)
        .join('')}</tr>`,
  )
  const note = curveDifferNote(curve)
  return [
    `<section id="machines-${index + 1}">`,
    `<h2>${escapeHtml(curveTitle(curve))}</h2>`,
    '<div class="table"><table>',
    `<thead><tr>${CURVE_COLUMNS.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
    `<div class="chart">${machineCurveSvg(curve, { idPrefix: `machines-${index + 1}-chart` })}</div>`,
    `<p>${escapeHtml(curveFitSentence(curve))}</p>`,
    note === undefined ? '' : `<p class="INCONCLUSIVE">${escapeHtml(note)}</p>`,
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n')
}

function statusCounts(results: readonly BenchResult[]): string {
  const counts = new Map<VerdictStatus | 'ERROR', number>()
  for (const bench of results) {
    if (bench.error !== undefined) counts.set('ERROR', (counts.get('ERROR') ?? 0) + 1)
    for (const r of bench.results) counts.set(r.verdict.status, (counts.get(r.verdict.status) ?? 0) + 1)
  }
  const order: (VerdictStatus | 'ERROR')[] = ['PASS', 'FAIL', 'INCONCLUSIVE', 'SKIPPED', 'MEASURED', 'ERROR']
  return order
    .filter((status) => counts.has(status))
    .map((status) => `<span class="${status}">${counts.get(status)} ${status}</span>`)
    .join(' · ')
}

/**
 * The whole HTML document. Self-contained: styles inline, charts as inline SVG, no script and
 * no URL but the SVG namespace, so it opens the same from a CI artifact, offline. Every
 * user-supplied string (names, files, messages, environment) is escaped.
 */
export function htmlReport(
  results: readonly BenchResult[],
  env: EnvironmentInfo,
  meta: { levelOverride?: string | undefined; generatedAt: string },
): string {
  const environment = environmentLine(env)
  const override =
    meta.levelOverride === undefined || meta.levelOverride === ''
      ? ''
      : `<p class="INCONCLUSIVE">${escapeHtml(levelOverrideSentence(meta.levelOverride))}</p>`
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from elsewhere, even if a name slipped past escaping.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>Parallel bench report</title>',
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Parallel bench</h1>',
    `<p class="muted env">${escapeHtml(environment)}</p>`,
    override,
    `<p>${results.length} ${results.length === 1 ? 'bench' : 'benches'}: ${statusCounts(results)}</p>`,
    '</header>',
    '<main>',
    ...results.map(benchSection),
    ...machineCurves(results).map(machineCurveSection),
    '</main>',
    `<footer class="muted">Generated ${escapeHtml(meta.generatedAt)} by vitest-parallel-bench. Speedup: serial batch / parallel batch, median of paired rounds, with its confidence interval; efficiency: speedup / workers; net vs inline: the batch called inline / parallel batch.</footer>`,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n')
}
