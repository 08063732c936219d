// `latency: true` end to end (fixtures/latency): the latency view in the terminal, the JSON and the
// HTML, with numbers that are sane on a busy 2-core machine. Only what holds structurally is asserted:
// each distribution's p99 ≥ p50 > 0, and the step lasting at least its budget; never that a pool
// row is slower than inline (different calls, and other load lands where it lands).
import { beforeAll, describe, expect, it } from 'vitest'
import type { JsonLatency } from '../../src/report/json.js'
import { checkMarkup } from '../support/markup.js'
import { benchNamed, runVitest, type VitestRun } from '../support/run-vitest.js'

describe('latency: true', () => {
  let run: VitestRun
  let latency: JsonLatency | undefined

  beforeAll(async () => {
    run = await runVitest('latency')
    expect(run.code, run.output).toBe(0)
    latency = benchNamed(run, 'one call [threads vs processes]').latency
  }, 120_000)

  it('measures every path with tinybench: inline, each pool one call at a time, and with the pool size in flight', () => {
    expect(latency, run.output).toBeDefined()
    const rows = latency?.rows ?? []
    expect(rows.map((row) => `${row.path}×${row.inFlight}`)).toEqual([
      'inline×1',
      'threads×1',
      'threads×2',
      'processes×1',
      'processes×2',
    ])
    expect(latency?.workers).toBe(2)
    for (const row of rows) {
      expect(row.samples, row.path).toBeGreaterThanOrEqual(1)
      expect(row.p50Ms, row.path).toBeGreaterThan(0)
      expect(row.p99Ms, row.path).toBeGreaterThanOrEqual(row.p50Ms)
      expect(row.maxMs, row.path).toBeGreaterThanOrEqual(row.p99Ms)
    }
    // Each row spends its share of latencyTime before it stops (by the wall clock).
    expect(latency?.budgetMs).toBe(300)
    expect(latency?.elapsedMs).toBeGreaterThanOrEqual(300)
  })

  it('says what offloading adds, per pool row, in the JSON and the terminal; none for a bench that opted out', () => {
    expect(latency?.added).toHaveLength(4)
    expect(latency?.added[0]).toMatch(/^[+−]\d[\d.]* [nµm]?s p50, [+−]\d[\d.]* [nµm]?s p99 per call through threads$/)
    expect(latency?.added[1]).toMatch(/per call through threads with 2 in flight$/)
    for (const sentence of latency?.added ?? []) expect(run.stdout).toContain(sentence)
    expect(run.stdout).toMatch(/latency per call \(tinybench, pool of 2, /)
    expect(run.stdout).toMatch(/inline \(in a worker\) +\d/)
    for (const line of run.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
    expect(benchNamed(run, 'no latency [threads]').latency).toBeUndefined()
    expect(run.stdout.match(/latency per call \(tinybench/g)).toHaveLength(1)
  })

  it('shows the latency table in the HTML report, well formed', () => {
    expect(checkMarkup(run.html ?? '', ['meta', 'wbr']).problems).toEqual([])
    expect(run.html).toContain('latency per call (tinybench, pool of 2')
    expect(run.html).toContain(latency?.added[0])
  })
})
