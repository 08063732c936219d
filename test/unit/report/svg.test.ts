import { describe, expect, test } from 'vitest'
import { escapeEntities } from '../../../src/format.js'
import { benchChartSvg, CHART_ANNOTATION, chartAttachment, niceTicks } from '../../../src/report/svg.js'
import type { BenchResult } from '../../../src/types.js'
import { absoluteUrls, checkMarkup } from '../../support/markup.js'
import {
  benchResult,
  erroredBench,
  HOSTILE_NAME,
  hostileBench,
  modelResult,
  scalingBench,
  threadsWinCompare,
} from '../../support/synthetic-results.js'

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg'

function svgOf(bench: BenchResult, idPrefix?: string): string {
  const svg = benchChartSvg(bench, { idPrefix })
  if (svg === undefined) throw new Error('no chart')
  return svg
}

function elements(svg: string, name: string, className?: string) {
  return checkMarkup(svg).elements.filter(
    (e) => e.name === name && (className === undefined || (e.attributes.class ?? '').split(' ').includes(className)),
  )
}

describe('benchChartSvg', () => {
  test('is deterministic: the same results give the same bytes', () => {
    expect(svgOf(scalingBench())).toBe(svgOf(scalingBench()))
    expect(svgOf(scalingBench())).toMatchSnapshot()
  })

  test('is a well-formed, standalone, accessible SVG document with no external reference', () => {
    for (const bench of [scalingBench(), threadsWinCompare(), hostileBench()]) {
      const svg = svgOf(bench)
      expect(checkMarkup(svg).problems).toEqual([])
      expect(absoluteUrls(svg)).toEqual([SVG_NAMESPACE])
      const [root] = checkMarkup(svg).elements
      expect(root?.name).toBe('svg')
      expect(root?.attributes).toMatchObject({
        xmlns: SVG_NAMESPACE,
        role: 'img',
        'aria-labelledby': 'pb-title pb-desc',
      })
      expect(svg).toMatch(/<title id="pb-title">[^<]+: speedup vs workers and batch time per round<\/title>/)
      expect(svg).toMatch(/<desc id="pb-desc">Left: measured speedup/)
      // Readable on a dark page as on a light one, whatever the viewer's scheme.
      expect(svg).toContain('@media (prefers-color-scheme:dark)')
      expect(svg).not.toMatch(/NaN|Infinity|undefined/)
    }
  })

  test('a scaling curve: a point with its interval per pool size, the ideal line, the Amdahl fit', () => {
    const svg = svgOf(scalingBench())
    // Three points, and the legend's swatches: one model, three rows.
    expect(elements(svg, 'circle', 'dot').filter((c) => c.attributes.r === '4')).toHaveLength(3 + 1 + 3)
    expect(elements(svg, 'path', 'ideal')).toHaveLength(1)
    expect(elements(svg, 'path', 'fit')).toHaveLength(1)
    // Each interval is one vertical bar with a cap at each end.
    expect(elements(svg, 'line', 'bar')).toHaveLength(3 * 3)
    const tooltips = [...svg.matchAll(/<g><title>([^<]+)<\/title>/g)].map((m) => m[1])
    expect(tooltips).toEqual([
      'threads ×1: 1.00x [0.99–1.01]',
      'threads ×2: 1.82x [1.78–1.86]',
      'threads ×4: 3.08x [3.00–3.16]',
    ])
    for (const label of [
      'Speedup vs workers',
      'Batch time per round',
      'workers',
      'round',
      'ideal (speedup = workers)',
      'Amdahl fit',
    ]) {
      expect(svg).toContain(`>${label}</text>`)
    }
    // The description carries the numbers for a screen reader.
    expect(svg).toContain('threads ×4: speedup 3.08x [3.00–3.16] (ideal 4.00x), 10 rounds, serial 768 ms–840 ms')
  })

  test('a single pool size still draws one point per model, the ideal and a fit through it', () => {
    const svg = svgOf(threadsWinCompare())
    expect(elements(svg, 'path', 'fit')).toHaveLength(2)
    expect(elements(svg, 'g').filter((g) => g.attributes['aria-label'] === 'threads')).toHaveLength(1)
    expect(elements(svg, 'g').filter((g) => g.attributes['aria-label'] === 'processes')).toHaveLength(1)
    expect(svg).toContain('>threads ×2</text>')
    expect(svg).toContain('>processes ×2</text>')
  })

  test('the rounds panel: a serial and a parallel line per row, a mark per round', () => {
    const svg = svgOf(threadsWinCompare())
    expect(elements(svg, 'path', 'serial')).toHaveLength(2)
    expect(elements(svg, 'path', 'line')).toHaveLength(2)
    expect(elements(svg, 'circle', 'hollow')).toHaveLength(2 * 10)
    const [serial] = elements(svg, 'path', 'serial')
    expect(serial?.attributes.d?.match(/[ML]/g)).toHaveLength(10)
  })

  test('an interval open upwards gets an arrow instead of a cap, and no number breaks the SVG', () => {
    const open = modelResult({ model: 'threads', workers: 2, speedup: 1.5, low: 0, high: Number.POSITIVE_INFINITY })
    const svg = svgOf(benchResult('open', 'threads', [open]))
    expect(elements(svg, 'line', 'bar')).toHaveLength(2)
    expect(svg).toContain('threads ×2: 1.50x [0.00–∞]')
    // As read back from JSON or a blob report: `null` for ∞.
    const fromJson = JSON.parse(JSON.stringify(benchResult('open', 'threads', [open]))) as BenchResult
    expect(svgOf(fromJson)).toBe(svg)
    expect(svg).not.toMatch(/NaN|Infinity/)
  })

  test('escapes user text: a hostile bench name stays text', () => {
    const svg = svgOf(hostileBench())
    expect(checkMarkup(svg).problems).toEqual([])
    expect(svg).not.toContain('<img')
    expect(svg).toContain('&lt;img src=x&gt;')
    // No control character but the line feeds between elements (XML 1.0 forbids most of them).
    expect([...svg].filter((c) => (c.codePointAt(0) ?? 0) < 0x20 && c !== '\n')).toEqual([])
    expect(escapeEntities(`a<b>&"c'\u001b[2J`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;')
    expect(HOSTILE_NAME).toContain('<img')
  })

  test('ids take a prefix, so several charts can share a page', () => {
    const svg = svgOf(scalingBench(), 'bench-3-chart')
    expect(svg).toContain('aria-labelledby="bench-3-chart-title bench-3-chart-desc"')
    expect(svg).toContain('<title id="bench-3-chart-title">')
  })

  test('nothing to draw for a bench that failed before measuring', () => {
    expect(benchChartSvg(erroredBench())).toBeUndefined()
    expect(chartAttachment(erroredBench())).toBeUndefined()
  })
})

describe('chartAttachment', () => {
  test('the SVG, base64-encoded as Vitest expects a string body, typed image/svg+xml', () => {
    const attachment = chartAttachment(scalingBench())
    expect(attachment?.contentType).toBe('image/svg+xml')
    expect(Buffer.from(attachment?.body ?? '', 'base64').toString('utf8')).toBe(svgOf(scalingBench()))
    expect(CHART_ANNOTATION).toMatch(/^chart: /)
  })
})

describe('niceTicks', () => {
  test('steps of 1, 2 or 5 × 10^k from the start to at least the end', () => {
    expect(niceTicks(0, 4)).toEqual([0, 1, 2, 3, 4])
    expect(niceTicks(0, 882)).toEqual([0, 200, 400, 600, 800, 1000])
    expect(niceTicks(1, 16, 6)).toEqual([0, 5, 10, 15, 20])
    expect(niceTicks(0, 2.1)).toEqual([0, 0.5, 1, 1.5, 2, 2.5])
  })
})
