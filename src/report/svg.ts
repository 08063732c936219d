// The chart of one bench as a hand-written SVG: the scaling curve (measured speedup with
// its interval vs workers, the ideal line, the Amdahl fit) beside the serial and parallel
// batch times of every paired round. Pure and deterministic: results in, string out.
import type { MachineCurve } from '../analysis/machines.js'
import { amdahlSpeedup } from '../analysis/scaling.js'
import { escapeEntities, formatDuration, formatSpeedup, formatSpeedupWithInterval } from '../format.js'
import type { BenchResult, Model, ModelResult } from '../types.js'
import { curveSerialFraction, modelCurves } from './curves.js'
import { benchTitle, rowLabel } from './summary/labels.js'

export interface ChartOptions {
  /** Prefix of the ids inside the SVG: several charts inlined in one HTML page need distinct ones. @default 'pb' */
  idPrefix?: string | undefined
}

const WIDTH = 760
const HEIGHT = 372
const PANEL = { top: 72, height: 200, width: 290 } as const
const SCALING_LEFT = 60
const ROUNDS_LEFT = 440
// The model's own colour in both panels; each has a light and a dark variant (see STYLE below).
const MODEL_CLASS: Record<Model, string> = { threads: 'm0', processes: 'm1', async: 'm2' }
const ROW_CLASSES = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'] as const

// Colours chosen for contrast on both backgrounds; the SVG follows the viewer's colour scheme.
const STYLE = [
  'text{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}',
  '.bg{fill:#ffffff}.axis{stroke:#59636e;stroke-width:1}.grid{stroke:#d1d9e0;stroke-width:1}',
  '.muted{fill:#59636e}.title{font-weight:600;font-size:14px}.ideal{stroke:#59636e;stroke-dasharray:5 4;fill:none}',
  '.m0{stroke:#0969da;fill:#0969da}.m1{stroke:#bc4c00;fill:#bc4c00}.m2{stroke:#1a7f37;fill:#1a7f37}',
  '.m3{stroke:#8250df;fill:#8250df}.m4{stroke:#bf3989;fill:#bf3989}.m5{stroke:#9a6700;fill:#9a6700}',
  // Element-qualified, so the colour classes (which also set fill) cannot fill a line or a hollow mark.
  'path.fit,line.fit{fill:none;stroke-width:1.5;stroke-dasharray:2 3}path.line,line.line{fill:none;stroke-width:1.5}',
  'path.serial,line.serial{fill:none;stroke-width:1.5;stroke-dasharray:6 3}.bar{stroke-width:1.5}circle.dot{stroke:none}',
  'circle.hollow{fill:#ffffff;stroke-width:1.5}line.neutral{stroke:#59636e}',
  '@media (prefers-color-scheme:dark){text{fill:#e6edf3}.bg{fill:#0d1117}.axis{stroke:#9198a1}.grid{stroke:#30363d}',
  '.muted{fill:#9198a1}.ideal{stroke:#9198a1}circle.hollow{fill:#0d1117}line.neutral{stroke:#9198a1}',
  '.m0{stroke:#4493f8;fill:#4493f8}.m1{stroke:#f0883e;fill:#f0883e}.m2{stroke:#3fb950;fill:#3fb950}',
  '.m3{stroke:#ab7df8;fill:#ab7df8}.m4{stroke:#f778ba;fill:#f778ba}.m5{stroke:#d29922;fill:#d29922}}',
].join('')

/** A coordinate with one decimal: enough on screen, and byte-for-byte stable. */
function n(x: number): string {
  const text = x.toFixed(1)
  return text.endsWith('.0') ? text.slice(0, -2) : text
}

/** About `count` round tick values from 0 (or `min`) to at least `max`: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = Math.max(max - min, Number.EPSILON)
  const raw = span / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude) as number
  const ticks: number[] = []
  for (let i = Math.floor(min / step); i * step < max + step - step * 1e-9; i++) {
    ticks.push(Number((i * step).toPrecision(12)))
  }
  return ticks
}

type Scale = (value: number) => number

function linear(domainLow: number, domainHigh: number, rangeLow: number, rangeHigh: number): Scale {
  const span = domainHigh - domainLow || 1
  return (value) => rangeLow + ((value - domainLow) / span) * (rangeHigh - rangeLow)
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attributes === '' ? '' : ` ${attributes}`}>${escapeEntities(content)}</text>`
}

function line(x1: number, y1: number, x2: number, y2: number, className: string): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" class="${className}"/>`
}

function path(points: readonly (readonly [number, number])[], className: string): string {
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${n(x)} ${n(y)}`).join('')
  return `<path d="${d}" class="${className}"/>`
}

/** Axes with grid lines and labels, shared by both panels. */
function axes(
  left: number,
  xTicks: readonly number[],
  yTicks: readonly number[],
  x: Scale,
  y: Scale,
  xLabel: (v: number) => string,
  yLabel: (v: number) => string,
  titles: { x: string; y: string; offset: number },
): string[] {
  const bottom = PANEL.top + PANEL.height
  const parts: string[] = []
  for (const tick of yTicks) {
    parts.push(line(left, y(tick), left + PANEL.width, y(tick), 'grid'))
    parts.push(text(left - 6, y(tick) + 4, yLabel(tick), 'text-anchor="end" class="muted"'))
  }
  for (const tick of xTicks) {
    parts.push(line(x(tick), bottom, x(tick), bottom + 4, 'axis'))
    parts.push(text(x(tick), bottom + 17, xLabel(tick), 'text-anchor="middle" class="muted"'))
  }
  parts.push(line(left, bottom, left + PANEL.width, bottom, 'axis'), line(left, PANEL.top, left, bottom, 'axis'))
  parts.push(text(left + PANEL.width / 2, bottom + 34, titles.x, 'text-anchor="middle"'))
  const middle = PANEL.top + PANEL.height / 2
  const titleX = left - titles.offset
  parts.push(text(titleX, middle, titles.y, `text-anchor="middle" transform="rotate(-90 ${n(titleX)} ${n(middle)})"`))
  return parts
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x)

/** The axes of a speedup-vs-workers panel, scaled to the ideal line and the values drawn. */
function speedupAxes(
  maxWorkers: number,
  values: readonly (number | null | undefined)[],
): { parts: string[]; x: (v: number) => number; y: (v: number) => number; yMax: number } {
  // Room for the ideal line and the intervals, but an interval open to ∞ must not flatten the chart.
  const top = Math.max(maxWorkers, ...values.filter(finite).filter((v) => v <= 2 * maxWorkers)) * 1.05
  // One worker (the serial arm) is always labelled: every curve starts there.
  const xTicks = [
    ...new Set([1, ...niceTicks(1, maxWorkers, Math.min(maxWorkers - 1, 6)).filter((t) => t > 1 && t <= maxWorkers)]),
  ]
  // The axis ends at the first tick past everything drawn: nothing measured leaves the chart.
  const yTicks = niceTicks(0, top, 5)
  const yMax = yTicks[yTicks.length - 1] ?? top
  const x = linear(1, maxWorkers, SCALING_LEFT + 12, SCALING_LEFT + PANEL.width - 12)
  const y = linear(0, yMax, PANEL.top + PANEL.height, PANEL.top)
  const parts = axes(SCALING_LEFT, xTicks, yTicks, x, y, String, (v) => `${v}x`, {
    x: 'workers',
    y: 'speedup',
    offset: 42,
  })
  return { parts, x, y, yMax }
}

function scalingPanel(bench: BenchResult): string[] {
  const curves = modelCurves(bench)
  const maxWorkers = Math.max(2, ...bench.results.map((r) => r.workers))
  const { parts, x, y, yMax } = speedupAxes(
    maxWorkers,
    bench.results.flatMap((r) => [r.estimate.speedup, r.estimate.low, r.estimate.high]),
  )
  parts.push(text(SCALING_LEFT, PANEL.top - 20, 'Speedup vs workers', 'class="title"'))
  parts.push(
    `<g>${path(
      [
        [x(1), y(1)],
        [x(maxWorkers), y(Math.min(maxWorkers, yMax))],
      ],
      'ideal',
    )}</g>`,
  )
  for (const { model, points } of curves) {
    const cls = MODEL_CLASS[model]
    const fraction = curveSerialFraction(points)
    const group: string[] = [`<g aria-label="${model}">`]
    if (fraction !== undefined) {
      const samples: [number, number][] = []
      for (let i = 0; i <= 40; i++) {
        const workers = 1 + ((maxWorkers - 1) * i) / 40
        samples.push([x(workers), y(Math.min(amdahlSpeedup(fraction, workers), yMax))])
      }
      group.push(path(samples, `fit ${cls}`))
    }
    for (const point of points) {
      const { speedup, low, high } = point.estimate
      if (!finite(speedup)) continue
      const px = x(point.workers)
      const open = !finite(high) || high > yMax
      const highY = y(open ? yMax : high)
      const lowY = y(finite(low) ? Math.max(0, low) : 0)
      const label = `${rowLabel(point)}: ${formatSpeedupWithInterval(speedup, low, finite(high) ? high : null)}`
      group.push(`<g><title>${escapeEntities(label)}</title>`)
      group.push(line(px, lowY, px, highY, `bar ${cls}`), line(px - 4, lowY, px + 4, lowY, `bar ${cls}`))
      // An interval open upwards (unbounded or off the chart) has no cap: an arrow says it goes on.
      group.push(
        open
          ? path(
              [
                [px - 4, highY + 6],
                [px, highY],
                [px + 4, highY + 6],
              ],
              `line ${cls}`,
            )
          : line(px - 4, highY, px + 4, highY, `bar ${cls}`),
      )
      group.push(`<circle cx="${n(px)}" cy="${n(y(Math.min(speedup, yMax)))}" r="4" class="dot ${cls}"/></g>`)
    }
    group.push('</g>')
    parts.push(...group)
  }
  return parts
}

function roundsPanel(bench: BenchResult): string[] {
  const rows = bench.results.filter((r) => r.rounds.length > 0)
  const count = Math.max(2, ...rows.map((r) => r.rounds.length))
  const times = rows.flatMap((r) => r.rounds.flatMap((round) => [round.serialMs, round.parallelMs])).filter(finite)
  const top = Math.max(...times, 0) * 1.05 || 1
  const xTicks = niceTicks(1, count, Math.min(count - 1, 6)).filter((t) => t >= 1 && t <= count && Number.isInteger(t))
  const yTicks = niceTicks(0, top, 5)
  const yMax = yTicks[yTicks.length - 1] ?? top
  const x = linear(1, count, ROUNDS_LEFT + 8, ROUNDS_LEFT + PANEL.width - 8)
  const y = linear(0, yMax, PANEL.top + PANEL.height, PANEL.top)
  const parts = axes(ROUNDS_LEFT, xTicks, yTicks, x, y, String, formatDuration, {
    x: 'round',
    y: 'batch time',
    offset: 62,
  })
  parts.push(text(ROUNDS_LEFT, PANEL.top - 20, 'Batch time per round', 'class="title"'))
  if (rows.length === 0) {
    parts.push(text(ROUNDS_LEFT + PANEL.width / 2, PANEL.top + PANEL.height / 2, 'no rounds', 'text-anchor="middle"'))
  }
  rows.forEach((row, index) => {
    const cls = rowClass(bench, row, index)
    const serial = row.rounds.map((r, i): [number, number] => [x(i + 1), y(r.serialMs)])
    const parallel = row.rounds.map((r, i): [number, number] => [x(i + 1), y(r.parallelMs)])
    parts.push(`<g aria-label="${escapeEntities(rowLabel(row))}">`)
    parts.push(path(serial, `serial ${cls}`), path(parallel, `line ${cls}`))
    for (const [px, py] of serial) parts.push(`<circle cx="${n(px)}" cy="${n(py)}" r="2.5" class="hollow ${cls}"/>`)
    for (const [px, py] of parallel) parts.push(`<circle cx="${n(px)}" cy="${n(py)}" r="2.5" class="dot ${cls}"/>`)
    parts.push('</g>')
  })
  return parts
}

/** One colour per model when each model has one row; one per row when a model has several pool sizes. */
function rowClass(bench: BenchResult, row: ModelResult, index: number): string {
  const oneRowPerModel = new Set(bench.results.map((r) => r.model)).size === bench.results.length
  return oneRowPerModel ? MODEL_CLASS[row.model] : (ROW_CLASSES[index % ROW_CLASSES.length] as string)
}

/** Keys under each panel: line styles first, then colours (models on the left, rows on the right). */
function legend(bench: BenchResult): string[] {
  const first = PANEL.top + PANEL.height + 58
  const key = (left: number, className: string, label: string): string[] => [
    line(left, first - 4, left + 22, first - 4, className),
    text(left + 28, first, label),
  ]
  const parts = [
    ...key(SCALING_LEFT, 'ideal', 'ideal (speedup = workers)'),
    ...key(SCALING_LEFT + 200, 'fit neutral', 'Amdahl fit'),
    ...key(ROUNDS_LEFT, 'serial neutral', 'serial arm'),
    ...key(ROUNDS_LEFT + 120, 'line neutral', 'parallel arm'),
  ]
  const swatches = (start: number, entries: readonly { cls: string; label: string }[]): void => {
    let left = start
    let y = first + 20
    for (const { cls, label } of entries) {
      const width = 14 + label.length * 7 + 16
      if (left + width > start + PANEL.width + 20 && left > start) {
        left = start
        y += 18
      }
      parts.push(`<circle cx="${n(left + 5)}" cy="${n(y - 4)}" r="4" class="dot ${cls}"/>`, text(left + 14, y, label))
      left += width
    }
  }
  swatches(
    SCALING_LEFT,
    modelCurves(bench).map(({ model }) => ({ cls: MODEL_CLASS[model], label: model })),
  )
  swatches(
    ROUNDS_LEFT,
    bench.results
      .filter((r) => r.rounds.length > 0)
      .map((row, index) => ({ cls: rowClass(bench, row, index), label: rowLabel(row) })),
  )
  return parts
}

/** One sentence per row for screen readers: what the chart shows, in numbers. */
function description(bench: BenchResult): string {
  const rows = bench.results.map((r) => {
    const { speedup, low, high } = r.estimate
    const serial = r.rounds.map((round) => round.serialMs).filter(finite)
    const parallel = r.rounds.map((round) => round.parallelMs).filter(finite)
    const range = (values: number[]): string =>
      values.length === 0 ? 'none' : `${formatDuration(Math.min(...values))}–${formatDuration(Math.max(...values))}`
    return `${rowLabel(r)}: speedup ${formatSpeedupWithInterval(speedup, low, finite(high) ? high : null)} (ideal ${formatSpeedup(r.workers)}), ${r.rounds.length} rounds, serial ${range(serial)}, parallel ${range(parallel)}.`
  })
  return `Left: measured speedup with its confidence interval against the number of workers, the ideal line and the Amdahl fit. Right: serial and parallel batch time of every paired round. ${rows.join(' ')}`
}

/**
 * The chart of one bench as a standalone SVG document (`image/svg+xml`), or `undefined` when
 * there is nothing to draw (the bench failed before measuring). Every user-supplied string is
 * escaped; output depends on the results alone, so it can be compared byte for byte.
 */
export function benchChartSvg(bench: BenchResult, options: ChartOptions = {}): string | undefined {
  if (bench.results.length === 0) return undefined
  const id = escapeEntities(options.idPrefix ?? 'pb')
  const title = `${benchTitle(bench)}: speedup vs workers and batch time per round`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeEntities(title)}</title>`,
    `<desc id="${id}-desc">${escapeEntities(description(bench))}</desc>`,
    `<style>${STYLE}</style>`,
    `<rect class="bg" width="${WIDTH}" height="${HEIGHT}" rx="6"/>`,
    text(SCALING_LEFT - 44, 24, benchTitle(bench), 'class="title"'),
    ...scalingPanel(bench),
    ...roundsPanel(bench),
    ...legend(bench),
    '</svg>',
  ].join('\n')
}

/** The message of the annotation that carries the chart. */
export const CHART_ANNOTATION = 'chart: speedup vs workers (ideal, Amdahl fit) and batch time per round'

/**
 * The chart as a Vitest annotation attachment, which the Vitest UI and its HTML reporter show
 * as an image. Base64 (the encoding Vitest assumes for a string body) keeps it valid on every
 * Vitest line; a body rather than a file path, so it travels inside blob reports to
 * `--merge-reports`. `undefined` when there is nothing to draw.
 */
export function chartAttachment(bench: BenchResult): { body: string; contentType: 'image/svg+xml' } | undefined {
  const svg = benchChartSvg(bench)
  if (svg === undefined) return undefined
  return { body: Buffer.from(svg, 'utf8').toString('base64'), contentType: 'image/svg+xml' }
}

const CURVE_WIDTH = 440

/**
 * The curve across machines of a merged run as an SVG: every machine's points (one colour per
 * machine) with their intervals, the ideal line and the Amdahl fit across all of them.
 */
export function machineCurveSvg(curve: MachineCurve, options: ChartOptions = {}): string {
  const id = escapeEntities(options.idPrefix ?? 'pb-machines')
  const maxWorkers = Math.max(2, ...curve.points.map((p) => p.workers))
  const { parts, x, y, yMax } = speedupAxes(
    maxWorkers,
    curve.points.flatMap((p) => [p.speedup, p.low, p.high]),
  )
  parts.push(
    path(
      [
        [x(1), y(1)],
        [x(maxWorkers), y(Math.min(maxWorkers, yMax))],
      ],
      'ideal',
    ),
  )
  const fit = curve.serialFraction
  if (fit !== undefined) {
    const samples: [number, number][] = []
    for (let i = 0; i <= 40; i++) {
      const workers = 1 + ((maxWorkers - 1) * i) / 40
      samples.push([x(workers), y(Math.min(amdahlSpeedup(fit.value, workers), yMax))])
    }
    parts.push(path(samples, 'fit line neutral'))
  }
  const machines = curve.machines.map((m) => m.machine)
  const classOf = (machine: string): string => ROW_CLASSES[machines.indexOf(machine) % ROW_CLASSES.length] ?? 'm0'
  for (const point of curve.points) {
    const cls = classOf(point.machine)
    const px = x(point.workers)
    const open = !finite(point.high) || point.high > yMax
    const highY = y(open ? yMax : point.high)
    const lowY = y(finite(point.low) ? Math.max(0, point.low) : 0)
    const label = `${point.machine} ×${point.workers}: ${formatSpeedupWithInterval(point.speedup, point.low, finite(point.high) ? point.high : null)}`
    parts.push(`<g><title>${escapeEntities(label)}</title>`)
    parts.push(line(px, lowY, px, highY, `bar ${cls}`), line(px - 4, lowY, px + 4, lowY, `bar ${cls}`))
    if (!open) parts.push(line(px - 4, highY, px + 4, highY, `bar ${cls}`))
    parts.push(`<circle cx="${n(px)}" cy="${n(y(Math.min(point.speedup, yMax)))}" r="4" class="dot ${cls}"/></g>`)
  }
  // The legend: one entry per machine, under the title.
  machines.forEach((machine, index) => {
    const lx = SCALING_LEFT + (index % 3) * 120
    const ly = 44 + Math.floor(index / 3) * 14
    parts.push(`<circle cx="${n(lx)}" cy="${n(ly - 4)}" r="4" class="dot ${classOf(machine)}"/>`)
    parts.push(text(lx + 8, ly, machine))
  })
  const title = `${curve.bench}: ${curve.model} speedup vs workers across ${machines.length} machines`
  const desc = curve.points
    .map(
      (p) =>
        `${p.machine} ×${p.workers}: ${formatSpeedupWithInterval(p.speedup, p.low, finite(p.high) ? p.high : null)}.`,
    )
    .join(' ')
  const height = PANEL.top + PANEL.height + 50 + Math.floor((machines.length - 1) / 3) * 14
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CURVE_WIDTH} ${height}" width="${CURVE_WIDTH}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeEntities(title)}</title>`,
    `<desc id="${id}-desc">${escapeEntities(desc)}</desc>`,
    `<style>${STYLE}</style>`,
    `<rect class="bg" width="${CURVE_WIDTH}" height="${height}" rx="6"/>`,
    text(SCALING_LEFT - 44, 24, title, 'class="title"'),
    ...parts,
    '</svg>',
  ].join('\n')
}
