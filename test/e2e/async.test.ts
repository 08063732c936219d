// Async concurrency as a third model (issue 20): structural assertions that hold on a busy 2-core
// machine — which rows, facts and rankings a run has, never how fast anything was.
import { describe, expect, it } from 'vitest'
import { benchNamed, runVitest } from '../support/run-vitest.js'

describe('async concurrency as a third model', () => {
  it('an async fn on libuv: async joins a compare by itself, every pair is ranked, and the advice asks whether a pool is needed', async () => {
    const run = await runVitest('async', ['libuv'])
    expect(run.code, run.output).toBe(0)
    // Declared `async`: async joins, and the title says so.
    const compare = benchNamed(run, 'libuv pbkdf2 [async vs threads vs processes]')
    expect(compare.results.map((r) => `${r.model} ×${r.workers}`)).toEqual(['async ×2', 'threads ×2', 'processes ×2'])
    expect(compare.rankings?.map((r) => r.models)).toEqual([
      ['async', 'threads'],
      ['async', 'processes'],
      ['threads', 'processes'],
    ])
    // Three rows share the error budget once async has joined.
    expect(compare.options.models).toEqual(['async', 'threads', 'processes'])
    const [asyncRow] = compare.results
    expect(asyncRow?.diagnostics.some((d) => d.kind === 'synchronous-fn')).toBe(false)
    expect(run.stdout).toMatch(/→ async concurrency (already )?gives \d+\.\d+x/)
    // What a pool adds on top, unless other load took CPU from the run (then it says so instead).
    expect(run.stdout.replace(/\s+/g, ' ')).toMatch(
      /a thread pool adds [+-]\d+\.\d\dx \[|starved by other load; rerun|other load took CPU from the worker; what a pool adds is as measured beside it/,
    )

    const alone = benchNamed(run, 'libuv pbkdf2 alone [async]')
    expect(alone.results.map((r) => `${r.model} ×${r.workers}`)).toEqual(['async ×2'])
    expect(alone.rankings).toBeUndefined()
    // Every view shows the async rows: the HTML report and its chart's legend.
    expect(run.html).toContain('async ×2')
    expect(run.html).toMatch(/class="dot m2"/)
  })

  it('a sync fn under async: ~1.0x by construction, and the row says why in one line', async () => {
    const run = await runVitest('async', ['sync'])
    expect(run.code, run.output).toBe(0)
    const bench = benchNamed(run, 'sync spin [async vs threads]')
    expect(bench.results.map((r) => r.model)).toEqual(['async', 'threads'])
    const [asyncRow] = bench.results
    expect(asyncRow?.diagnostics.map((d) => d.kind)).toContain('synchronous-fn')
    expect(run.stdout).toContain('fn returns no promise, so each call blocks the thread until it ends')
    expect(run.stdout).toMatch(/→ async concurrency gives \d+\.\d+x .*\(fn returns no promise/s)
    // Whatever the load, async cannot be ranked faster than a pool for work that never yields.
    expect(bench.rankings?.[0]?.models).toEqual(['async', 'threads'])
    expect(bench.rankings?.[0]?.faster).not.toBe('async')
  })
})
