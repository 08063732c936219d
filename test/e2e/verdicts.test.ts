// Verdicts on real runs: the paths a CI user meets besides PASS and FAIL.
import { describe, expect, it } from 'vitest'
import { benchNamed, runVitest } from '../support/run-vitest.js'

describe('verdicts, end to end', () => {
  it('skips a budget only this machine cannot reach, with the reason, instead of failing', async () => {
    const run = await runVitest('verdicts', ['skipped'])
    expect(run.code, run.output).toBe(0)
    const [result] = benchNamed(run, 'needs more cores [threads]').results
    expect(result?.verdict.status).toBe('SKIPPED')
    expect(result?.verdict.reason).toMatch(/needs ≥ 3 cores, this machine has 2 effective cores/)
    expect(run.output).toMatch(/1 skipped/)
  })

  it('fails at once, before spawning, a budget that no machine could reach with these settings', async () => {
    const run = await runVitest('verdicts', ['unreachable'])
    expect(run.code).toBe(1)
    const bench = benchNamed(run, 'one task [processes]')
    expect(bench.error?.code).toBe('BUDGET_UNREACHABLE')
    expect(bench.error?.message).toMatch(
      /`minSpeedup` 1\.5 can never be reached: 1 task caps the speedup at 1x \(`tasks`: 1\)/,
    )
    expect(bench.results).toEqual([])
  })

  it('warns when tasks are too small for their overhead (the blog), and not for 20 ms tasks', async () => {
    const run = await runVitest('verdicts', ['granularity'])
    expect(run.code, run.output).toBe(0)
    const [squares] = benchNamed(run, 'four squares [threads]').results
    expect(squares?.warnings.join('\n')).toMatch(/too small for their overhead/)
    expect(squares?.netSpeedup).toBeLessThan(0.1)
    const [real] = benchNamed(run, '20 ms tasks [processes]').results
    expect(real?.warnings.join('\n') ?? '').not.toMatch(/too small/)
    expect(real?.netSpeedup).toBeGreaterThan(1)
  })

  it('says when one unequal task, not the pool, caps the speedup; net vs inline stays paired and bounded', async () => {
    const run = await runVitest('verdicts', ['unequal'])
    expect(run.code, run.output).toBe(0)
    for (const title of ['one task dominates [threads]', 'one task dominates [processes]']) {
      const [result] = benchNamed(run, title).results
      expect(result?.warnings.join('\n'), run.output).toMatch(
        /one task dominates the batch: the longest is (6[5-9]|[78]\d)(\.\d)?% of the time inside fn/,
      )
      // 75% in truth; a loaded machine stretches the long task most (it is preempted more often).
      // The cap is 12/9 ≈ 1.33x; the measured net speedup cannot exceed it by more than noise.
      expect(result?.netSpeedup).toBeLessThan(1.45)
      expect(result?.netInterval?.low).toBeLessThanOrEqual(result?.netSpeedup ?? 0)
      expect(result?.rounds.every((r) => (r.serialLongestMs ?? 0) > 0)).toBe(true)
    }
    // The long task dispatched last: the order, not the pool, costs a third of the batch.
    const [last] = benchNamed(run, 'longest last [threads]').results
    expect(last?.rounds.every((r) => r.serialTaskMs?.length === 7)).toBe(true)
    expect(last?.warnings.join('\n'), run.output).toMatch(
      /the dispatch order costs time: .* with the longest tasks first; order the inputs by cost, longest first/,
    )
  })

  it("async work on libuv's pool is the function's own CPU, not starvation: a budget it misses FAILs", async () => {
    const run = await runVitest('verdicts', ['async'])
    expect(run.code, run.output).toBe(0)
    for (const title of ['async pbkdf2 [threads]', 'async pbkdf2 [processes]']) {
      const [result] = benchNamed(run, title).results
      expect(result?.verdict.status, run.output).toBe('FAIL')
      expect(result?.warnings.join('\n')).not.toMatch(/starved/)
      // Other load was measured directly, round by round.
      expect(result?.rounds.every((r) => typeof r.parallelOtherMs === 'number')).toBe(true)
    }
  })

  it("baseline 'inline' with the { module, export } form loads the export in the host once and measures", async () => {
    const run = await runVitest('verdicts', ['module-baseline'])
    expect(run.code, run.output).toBe(0)
    const bench = benchNamed(run, 'inline module baseline [threads]')
    expect(bench.error, run.output).toBeUndefined()
    expect(bench.results[0]?.estimate.speedup).toBeGreaterThan(0.5)
  })

  it("runs the serial arm in the host with baseline 'inline', and checks expectFaster", async () => {
    const run = await runVitest('verdicts', ['inline'])
    const bench = benchNamed(run, 'inline baseline [threads vs processes]')
    expect(bench.error, run.output).toBeUndefined()
    expect(bench.results.map((r) => r.model)).toEqual(['threads', 'processes'])
    for (const result of bench.results) expect(result.estimate.speedup).toBeGreaterThan(0.5)
    // Pass or fail, the run's outcome follows expectFaster: it fails only when the interval on the
    // ratio of parallel batch times says processes are faster.
    expect(bench.ranking?.workers).toBe(2)
    expect(run.code, run.output).toBe(bench.ranking?.faster === 'processes' ? 1 : 0)
  })

  it('VITEST_PARALLEL_BENCH_LEVEL=warn turns a failing budget into a warning, and the report says so', async () => {
    const run = await runVitest('core', ['budget-error'], { env: { VITEST_PARALLEL_BENCH_LEVEL: 'warn' } })
    expect(run.code, run.output).toBe(0)
    expect(run.json?.levelOverride).toBe('warn')
    expect(run.stdout).toMatch(/VITEST_PARALLEL_BENCH_LEVEL/)
  })
})

describe('memory per worker', () => {
  // Linux only: elsewhere there is no /proc to find the processes fn started.
  it.runIf(process.platform === 'linux')(
    'includes the processes fn starts, for threads and processes alike',
    async () => {
      const run = await runVitest('verdicts', ['spawns'])
      expect(run.code, run.output).toBe(0)
      for (const title of ['spawns a helper [threads]', 'spawns a helper [processes]']) {
        const [result] = benchNamed(run, title).results
        // Each worker's helper holds 64 MiB of its own; the worker adds its own share on top.
        expect(result?.memoryBytes, title).toBeGreaterThan(64 * 1024 * 1024)
        expect(result?.memoryBytes, title).toBeLessThan(400 * 1024 * 1024)
      }
    },
  )
})
