// The curve across machines in every view of a merged run: terminal, step summary, JSON. The
// numbers come from the analysis (machineCurves) and must read the same in each view.
import { createColors } from 'picocolors'
import { describe, expect, it } from 'vitest'
import { machineCurves } from '../../../src/analysis/machines.js'
import { formatDuration, formatSpeedupWithInterval } from '../../../src/format.js'
import { stepSummaryMarkdown } from '../../../src/report/github.js'
import { htmlReport } from '../../../src/report/html.js'
import { jsonReport } from '../../../src/report/json.js'
import { renderReport } from '../../../src/report/terminal.js'
import type { BenchResult } from '../../../src/types.js'
import { checkMarkup } from '../../support/markup.js'
import { benchResult, environment, modelResult } from '../../support/synthetic-results.js'

const plain = createColors(false)

function on(
  label: string,
  cores: number,
  rows: [workers: number, speedup: number][],
  cpu = environment.cpu,
  serialMs = 800,
): BenchResult {
  const results = rows.map(([workers, speedup]) =>
    modelResult({ model: 'threads', workers, speedup, low: speedup * 0.95, high: speedup * 1.05, tasks: 16, serialMs }),
  )
  return {
    ...benchResult('spin', 'threads', results),
    environment: { ...environment, label, cpu, effectiveCores: cores, cores },
  }
}

const merged = [
  on('small', 2, [[2, 1.9]]),
  on(
    'large',
    8,
    [
      [4, 3.5],
      [8, 6],
    ],
    'Intel Xeon Platinum 8370C',
    1200,
  ),
]

describe('a merged run of two machines', () => {
  const [curve] = machineCurves(merged)
  if (curve?.serialFraction === undefined) throw new Error('no curve')
  const fit = curve.serialFraction

  it('prints every machine’s rows under its name, and the curve with the fit, the note and the gate', () => {
    const text = renderReport(merged, environment, plain, { maxSerialFraction: 0.5 })
    expect(text.match(/^● spin \[threads\]/gm)).toHaveLength(2)
    expect(text).toContain('merged from 2 machines: small, large; each bench names the one that measured it')
    expect(text).toContain('merged from 2 machines: small, large; each bench names the one that measured it')
    expect(text).toContain('measured on small · ')
    expect(text).toContain('measured on large · Intel Xeon Platinum 8370C · 8 effective cores')
    expect(text).toContain('◆ spin [threads] · threads across 2 machines')
    for (const point of curve.points) {
      expect(text).toMatch(
        new RegExp(
          `${point.machine} +×${point.workers} +${formatSpeedupWithInterval(point.speedup, point.low, point.high).replace(/[[\]().]/g, '\\$&')}`,
        ),
      )
    }
    const flat = text.replace(/\n {4}/g, ' ')
    expect(flat).toContain(
      `Amdahl serial fraction across machines ${fit.value.toFixed(3)} [${fit.low.toFixed(3)}–${fit.high.toFixed(3)}]`,
    )
    expect(flat).toContain('machines differ in CPU models')
    // Each machine's serial arm per task: about 800 ms / 16 tasks and 1200 ms / 16, as the analysis found them.
    const [small, large] = curve.machines
    expect(small?.serialMsPerTask).toBeCloseTo(50, 0)
    expect(large?.serialMsPerTask).toBeCloseTo(75, 0)
    expect(flat).toContain(
      `small ${formatDuration(small?.serialMsPerTask)} (${environment.cpu}), large ${formatDuration(large?.serialMsPerTask)} (Intel Xeon Platinum 8370C)`,
    )
    expect(flat).toMatch(
      /PASS maxSerialFraction 0\.5: .*judged on small \(2 effective cores\), large \(8 effective cores\)/,
    )
  })

  it('the step summary names each row’s machine and has the curve table; the JSON holds the curve', () => {
    const markdown = stepSummaryMarkdown(merged, environment, { maxSerialFraction: 0 })
    expect(markdown).toContain('| spin \\[threads\\] on small |')
    expect(markdown).toContain('| spin \\[threads\\] on large |')
    expect(markdown).toContain('### spin \\[threads\\] · threads across 2 machines')
    expect(markdown.match(/^\| (small|large) \| ×\d+ \|/gm)).toHaveLength(3)
    expect(markdown).toMatch(/❌ FAIL maxSerialFraction 0: /)
    const doc = jsonReport(merged, environment, { generatedAt: '2026-12-06T00:00:00.000Z' })
    expect(doc.machines).toEqual([curve])
    expect(doc.benches.map((b) => b.environment?.label)).toEqual(['small', 'large'])
  })

  it('the HTML report names each bench’s machine and has the curve’s table', () => {
    const html = htmlReport(merged, environment, { generatedAt: '2026-12-06T00:00:00.000Z' })
    expect(html).toContain('<h2>spin [threads] on small</h2>')
    expect(html).toContain('<h2>spin [threads] on large</h2>')
    expect(html).toContain('<h2>spin [threads] · threads across 2 machines</h2>')
    expect(html.match(/<td>(small|large)<\/td><td>×\d+<\/td>/g)).toHaveLength(curve.points.length)
    expect(html).toContain(`Amdahl serial fraction across machines ${fit.value.toFixed(3)}`)
    expect(checkMarkup(html, ['meta', 'wbr', 'br']).problems).toEqual([])
    // The merged chart: one mark per point, each titled with its machine and interval, one legend entry per machine.
    const chart = html.slice(html.indexOf('<section id="machines-1">'))
    expect(chart.match(/<svg /g)).toHaveLength(1)
    for (const point of curve.points) {
      expect(chart).toContain(
        `<title>${point.machine} ×${point.workers}: ${formatSpeedupWithInterval(point.speedup, point.low, point.high)}</title>`,
      )
    }
    expect(chart.match(/<circle [^>]*class="dot m\d"\/>/g)).toHaveLength(curve.points.length + curve.machines.length)
  })

  it('a run of one machine draws no curve across machines', () => {
    const [first] = merged
    if (first === undefined) throw new Error('no bench')
    expect(renderReport([first], environment, plain)).not.toContain('◆')
    expect(jsonReport([first], environment, { generatedAt: '2026-12-06T00:00:00.000Z' }).machines).toBeUndefined()
  })
})
