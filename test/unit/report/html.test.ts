import { describe, expect, test } from 'vitest'
import { escapeHtml, htmlReport } from '../../../src/report/html.js'
import { recommendation } from '../../../src/report/summary/advice.js'
import type { BenchResult } from '../../../src/types.js'
import { absoluteUrls, checkMarkup } from '../../support/markup.js'
import {
  environment,
  erroredBench,
  failingBench,
  hostileBench,
  notPayingBench,
  scalingBench,
  skippedBench,
  threadsWinCompare,
} from '../../support/synthetic-results.js'

const VOID = ['meta', 'wbr', 'br']
const everything = (): BenchResult[] => [
  threadsWinCompare(),
  notPayingBench(),
  scalingBench(),
  failingBench('warn'),
  skippedBench(),
  erroredBench(),
  hostileBench(),
]
const report = (results = everything(), levelOverride?: string) =>
  htmlReport(results, environment, { generatedAt: '2026-11-27T12:00:00.000Z', levelOverride })

describe('htmlReport', () => {
  test('one well-formed, self-contained document: no script, nothing loaded from elsewhere', () => {
    const html = report()
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true)
    expect(checkMarkup(html, VOID).problems).toEqual([])
    const names = new Set(checkMarkup(html, VOID).elements.map((e) => e.name))
    for (const forbidden of ['script', 'link', 'img', 'iframe', 'object', 'embed'])
      expect(names.has(forbidden)).toBe(false)
    // Only the SVG namespace, which nothing fetches.
    expect(new Set(absoluteUrls(html))).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    )
    expect(html).not.toMatch(/url\(/)
  })

  test('every bench: its title, table, chart, verdicts, warnings and recommendation', () => {
    const benches = everything()
    const html = report(benches)
    const sections = html.split('<section ').slice(1)
    expect(sections).toHaveLength(benches.length)
    benches.forEach((bench, index) => {
      const section = sections[index] as string
      expect(section).toContain(`id="bench-${index + 1}"`)
      const advice = recommendation(bench)
      if (advice !== undefined) expect(section).toContain(`→ ${escapeHtml(advice)}`)
      // A chart wherever something was measured, with ids of its own.
      expect(section.includes('<svg'), bench.name).toBe(bench.results.length > 0)
      for (const result of bench.results) expect(section).toContain(`<td class="${result.verdict.status}">`)
    })
    const ids = checkMarkup(html, VOID).elements.flatMap((e) =>
      e.attributes.id === undefined ? [] : [e.attributes.id],
    )
    expect(new Set(ids).size).toBe(ids.length)
    expect(html).toContain('<td>1.93x [1.90–1.96]</td>')
    expect(html).toContain('<td class="FAIL">FAIL ≥1.60x (warn)</td>')
    expect(html).toContain(
      'tasks are too small for their overhead: messaging is 99.9% of each task (round trip 90.0 µs vs 100 ns inside fn)',
    )
    expect(html).toContain('threads: Amdahl serial fraction 0.100: at most 10.00x on any number of workers')
    expect(html).toContain('<span class="ERROR">ERROR TASK_FAILED</span>')
    expect(html).toContain('fn threw: Unexpected token } in JSON at position 3\n    at parse (parser.ts:3:9)')
  })

  test('the environment, the counts of each verdict and a level override are in the header', () => {
    const html = report(everything(), 'warn')
    expect(html).toContain(
      'Node v20.19.0 · linux x64 · Vitest 4.1.12 · CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective',
    )
    expect(html).toMatch(/7 benches: <span class="PASS">1 PASS<\/span> · <span class="FAIL">2 FAIL<\/span>/)
    expect(html).toContain('Level overridden to &#39;warn&#39; for this run by VITEST_PARALLEL_BENCH_LEVEL')
    expect(report([scalingBench()])).not.toContain('Level overridden')
  })

  test('escapes everything user-supplied: names, files, reasons, warnings, environment', () => {
    const bench = hostileBench()
    const env = { ...environment, cpu: '<b>cpu</b> & "co"' }
    const html = htmlReport([bench], env, { generatedAt: '<now>' })
    expect(checkMarkup(html, VOID).problems).toEqual([])
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    expect(html).toContain('&lt;img src=x&gt;')
    expect(html).toContain('&lt;b&gt;cpu&lt;/b&gt; &amp; &quot;co&quot;')
    expect(html).toContain('bench/a,b:c.bench.ts')
    expect([...html].filter((c) => (c.codePointAt(0) ?? 0) < 0x20 && c !== '\n')).toEqual([])
  })
})
