import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { benchNamed, runVitest } from '../support/run-vitest.js'

describe('the working core, end to end', () => {
  it('a parallel CPU workload passes minSpeedup 1.3 under threads and processes', async () => {
    const run = await runVitest('core', ['speedup'])
    expect(run.code, run.output).toBe(0)
    for (const title of ['cpu spin [threads]', 'cpu spin [processes]']) {
      const [result] = benchNamed(run, title).results
      expect(result?.verdict.status, run.output).toBe('PASS')
      // The interval the verdict rests on: on the CPU the pool got when other load made it matter.
      expect((result?.onCpuGot ?? result?.estimate)?.low).toBeGreaterThanOrEqual(1.3)
      expect(result?.startupMs).toHaveLength(2)
    }
    expect(run.stdout).toMatch(/threads\s+2\s/)
    expect(run.stdout).toMatch(/processes\s+2\s/)
  })

  it("a missed budget at level 'error' fails the run with a readable message", async () => {
    const run = await runVitest('core', ['budget-error'])
    expect(run.code).toBe(1)
    // No load can excuse it: 3 equal tasks on 2 workers allow 1.5x at most.
    expect(run.output).toMatch(
      /threads speedup \d\.\d+x \(9\d(\.\d)?% CI \d\.\d+–\d\.\d+x\)( on the CPU it got)? is below minSpeedup 1\.9x — 2 workers on \d+ cores?; no pool of 2 workers can run this batch more than 1\.50x faster, whatever the load/,
    )
    expect(benchNamed(run, 'three tasks [threads]').results[0]?.verdict.status).toBe('FAIL')
  })

  it("the same miss at level 'warn' passes and warns", async () => {
    const run = await runVitest('core', ['budget-warn'])
    expect(run.code, run.output).toBe(0)
    const [result] = benchNamed(run, 'three tasks [threads]').results
    expect(result?.verdict.status).toBe('FAIL')
    expect(run.stdout).toContain('FAIL')
    expect(run.stdout).toMatch(/warn/i)
  })

  it('runs fn inside workers, for a bench inside describe and for the { module, export } form', async () => {
    const whereFile = join(tmpdir(), `where-${process.pid}.jsonl`)
    rmSync(whereFile, { force: true })
    const run = await runVitest('core', ['placement'], { env: { WHERE_FILE: whereFile } })
    expect(run.code, run.output).toBe(0)
    const lines = readFileSync(whereFile, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            label: string
            pid: number
            threadId: number
            isMainThread: boolean
            forked: boolean
          },
      )
    rmSync(whereFile, { force: true })
    const byLabel = (label: string) => lines.filter((l) => l.label === label)

    // Threads: never the main thread of a process, and at least two distinct threads (a pool of 2).
    const threadCalls = byLabel('describe-threads')
    expect(threadCalls.length).toBeGreaterThan(0)
    expect(threadCalls.every((l) => !l.isMainThread && l.threadId > 0)).toBe(true)
    expect(new Set(threadCalls.map((l) => l.threadId)).size).toBeGreaterThanOrEqual(2)

    // Processes: forked children (IPC channel present), two distinct pids.
    const processCalls = byLabel('describe-processes')
    expect(processCalls.every((l) => l.isMainThread && l.forked)).toBe(true)
    expect(new Set(processCalls.map((l) => l.pid)).size).toBeGreaterThanOrEqual(2)

    // The module form ran in both kinds of worker too.
    const moduleCalls = byLabel('module')
    expect(moduleCalls.some((l) => !l.isMainThread)).toBe(true)
    expect(moduleCalls.some((l) => l.isMainThread && l.forked)).toBe(true)

    const names = run.json?.benches.map((b) => b.fullName) ?? []
    expect(
      names.some((n) => n.endsWith('outer > inner > in describe [threads]')),
      names.join(),
    ).toBe(true)
    expect(
      names.some((n) => n.endsWith('module form [processes]')),
      names.join(),
    ).toBe(true)
  })
})

describe("workers: 'auto'", () => {
  it('measures the pool sizes this machine has, advises one and predicts larger machines', async () => {
    const run = await runVitest('core', ['auto'])
    expect(run.code, run.output).toBe(0)
    const bench = benchNamed(run, 'auto pool [threads]')
    const cores = run.json?.environment.effectiveCores ?? 0
    expect(bench.options).toMatchObject({ workersAuto: true })
    expect(bench.results.map((r) => r.workers)).toEqual(
      cores > 1 ? Array.from({ length: cores - 1 }, (_, i) => i + 2) : [1],
    )
    const [summary] = bench.scaling ?? []
    expect(summary?.advice.workers).toBeGreaterThanOrEqual(1)
    // Predictions start past the largest measured size and stop at the batch's 8 tasks.
    expect(summary?.predictions.every((p) => p.workers > cores && p.workers <= 8)).toBe(true)
    for (const p of summary?.predictions ?? []) expect(p.low).toBeLessThanOrEqual(p.high)
    if (cores < 8) expect(run.stdout).toMatch(/threads on more cores, predicted by Amdahl's law/)
    expect(run.stdout).toMatch(cores > 2 ? /→ threads: use \d workers/ : /workers: 'auto' could measure only 2 here/)
  })
})
