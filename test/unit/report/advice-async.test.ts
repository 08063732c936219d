import { createColors } from 'picocolors'
import { describe, expect, it } from 'vitest'
import { rankAllPairs } from '../../../src/analysis/ranking.js'
import { lookPlan } from '../../../src/analysis/statistics.js'
import { stepSummaryMarkdown } from '../../../src/report/github.js'
import { htmlReport } from '../../../src/report/html.js'
import { jsonBench } from '../../../src/report/json.js'
import { poolGains, recommendation } from '../../../src/report/summary/advice.js'
import { diagnosticText } from '../../../src/report/summary/facts.js'
import { benchChartSvg } from '../../../src/report/svg.js'
import { renderReport } from '../../../src/report/terminal.js'
import type { BenchResult, Model, ModelResult } from '../../../src/types.js'
import { benchResult, environment, modelResult } from '../../support/synthetic-results.js'

// Is a pool needed at all? Async concurrency against each pool, on synthetic paired rounds.
const drifting = [100, 140, 60, 120, 80, 130, 70, 110, 90, 125, 65, 105]

/** A row whose parallel batches are `scale(i)` of the drifting machine's, round by round, speedup as given. */
function row(model: Model, speedup: number, scale: (round: number) => number, extra: Partial<ModelResult> = {}) {
  return {
    ...modelResult({ model, workers: 2, speedup, low: speedup * 0.95, high: speedup * 1.05 }),
    rounds: drifting.map((ms, i) => ({
      order: 'serial-first' as const,
      serialMs: speedup * ms,
      parallelMs: ms * scale(i),
      serialBusyMs: speedup * ms,
      parallelBusyMs: speedup * ms,
    })),
    ...extra,
  }
}

function compare(results: ModelResult[]): BenchResult {
  const bench = benchResult('hash', 'compare', results)
  bench.rankings = rankAllPairs(results, lookPlan(1 - 0.05 / 3, 7, 40), ['async', 'threads', 'processes'])
  return bench
}

const jitter = (i: number): number => (i % 2 === 0 ? 1.01 : 0.99)

describe('recommendation with async concurrency', () => {
  it('libuv-bound async work: async already scales, a pool adds nothing measurable — no pool needed', () => {
    const bench = compare([row('async', 1.9, () => 1), row('threads', 1.9, jitter), row('processes', 1.88, jitter)])
    const advice = recommendation(bench) ?? ''
    expect(advice).toMatch(
      /^async concurrency already gives 1\.90x \[1\.80–1\.99\]; a thread pool adds \+0\.00x \[-0\.02–0\.02\]/,
    )
    expect(advice).toMatch(/a process pool adds .* on top: no pool needed$/)
    const [threads] = poolGains(bench.results[0] as ModelResult, bench.rankings ?? [])
    // The gain is async's speedup × (async's batch / the pool's − 1): zero inside its interval.
    expect(threads?.outcome).toBe('even')
    expect(threads?.low).toBeLessThan(0)
    expect(threads?.high).toBeGreaterThan(0)
  })

  it('an interval too wide to call the pools even or apart says more rounds would decide, not "no pool needed"', () => {
    // Threads swing ±40% round by round around async's batch time: no side, and no break-even either.
    const swinging = (i: number): number => (i % 2 === 0 ? 1.4 : 1 / 1.4)
    const bench = compare([row('async', 1.9, () => 1), row('threads', 1.9, swinging), row('processes', 1.88, jitter)])
    expect(poolGains(bench.results[0] as ModelResult, bench.rankings ?? []).map((g) => g.outcome)).toEqual([
      'untold',
      'even',
    ])
    expect(recommendation(bench)).toMatch(
      /on top: too close to tell whether a pool pays here; more rounds \(`time`, `maxRounds`\) would decide$/,
    )
  })

  it('CPU-bound sync work: async ~1.0x and says why; a pool pays, and the pools are compared', () => {
    const synchronous = { diagnostics: [{ kind: 'synchronous-fn' as const, speedup: 1 }] }
    const bench = compare([
      row('async', 1, () => 1, synchronous),
      row('threads', 1.9, () => 1 / 1.9),
      row('processes', 1.8, () => 1 / 1.8),
    ])
    const advice = recommendation(bench) ?? ''
    expect(advice).toContain(
      'async concurrency gives 1.00x [0.95–1.05] (fn returns no promise, so its calls cannot overlap)',
    )
    // 1.00x × (1.9 − 1) on top of async, exactly: the paired ratio has no spread here.
    expect(advice).toContain('a thread pool adds +0.90x [0.90–0.90]')
    expect(advice).toMatch(/on top: a pool pays; threads 1\.90x vs processes 1\.80x: prefer threads/)
    expect(diagnosticText({ kind: 'synchronous-fn', speedup: 1.01 })).toBe(
      'async 1.01x: fn returns no promise, so each call blocks the thread until it ends and no two overlap; only a pool can run it in parallel',
    )
  })

  it('work with threads of its own: every pool measurably slower than async — it only adds overhead', () => {
    const bench = compare([
      row('async', 1.9, () => 1),
      row('threads', 1.7, () => 1.1),
      row('processes', 1.6, () => 1.2),
    ])
    expect(recommendation(bench)).toMatch(
      /^async concurrency already gives 1\.90x .*; a thread pool adds -0\.17x \[-0\.17–-0\.17\], a process pool adds -0\.32x .* on top: no pool needed, a pool only adds overhead$/,
    )
  })

  it('a compare without async, and benchAsync alone, keep their own sentences', () => {
    const pools = compare([row('threads', 1.9, () => 1), row('processes', 1.8, () => 1.05)])
    expect(recommendation(pools)).toMatch(/^threads 1\.90x vs processes 1\.80x/)
    const alone = benchResult('hash', 'async', [row('async', 1.9, () => 1)])
    expect(recommendation(alone)).toMatch(/^async 1\.90x \[1\.80–1\.99\] on 2 workers/)
  })
})

describe('every view shows all three models', () => {
  const synchronous = { diagnostics: [{ kind: 'synchronous-fn' as const, speedup: 1 }] }
  const bench = compare([
    row('async', 1, () => 1, synchronous),
    row('threads', 1.9, () => 1 / 1.9),
    row('processes', 1.8, () => 1 / 1.8),
  ])

  it('terminal (within 100 columns), JSON, step summary, HTML and the chart', () => {
    const terminal = renderReport([bench], environment, createColors(false), { width: 100 })
    for (const model of ['async', 'threads', 'processes']) expect(terminal).toMatch(new RegExp(`^  ${model} +2 `, 'm'))
    expect(terminal).toContain('→ async concurrency gives 1.00x')
    expect(terminal).toContain('! async ×2: async 1.00x: fn returns no promise')
    expect(Math.max(...terminal.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100)
    expect(jsonBench(bench).rankings?.map((r) => r.models)).toEqual([
      ['async', 'threads'],
      ['async', 'processes'],
      ['threads', 'processes'],
    ])
    const markdown = stepSummaryMarkdown([bench], environment)
    expect(markdown).toContain('async ×2')
    expect(markdown).toContain('a thread pool adds +0.90x')
    const html = htmlReport([bench], environment, { generatedAt: '2026-12-06T00:00:00.000Z' })
    expect(html).toContain('a thread pool adds +0.90x')
    // The chart's legend: one colour per model, async its own.
    const svg = benchChartSvg(bench) ?? ''
    expect(svg).toContain('class="dot m2"')
    expect(svg).toMatch(/async ×2: speedup 1\.00x/)
  })
})
