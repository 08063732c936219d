// What users will do to the plugin, through Vitest, for threads and processes:
// every case ends in a clear error for that bench only, nothing hangs, nothing is orphaned.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { benchChildren, isAlive, processTable, processTree, spinningPid, waitFor } from '../support/processes.js'
import { benchNamed, runVitest, startVitest, type VitestRun } from '../support/run-vitest.js'

/** The error recorded for a bench in the JSON report (the report is written even when benches fail). */
function errorOf(run: VitestRun, title: string): { code: string; message: string } {
  const error = benchNamed(run, title).error
  if (error === undefined) throw new Error(`bench "${title}" has no error\n${run.output}`)
  return error
}

function expectMeasured(run: VitestRun, title: string): void {
  const bench = benchNamed(run, title)
  expect(bench.error, run.output).toBeUndefined()
  expect(bench.results[0]?.rounds.length).toBeGreaterThan(0)
}

afterEach(async () => {
  // Whatever a case did, no bench child process may survive it.
  expect(await waitFor(() => benchChildren().length === 0, 2000)).toBe(true)
})

describe('reliability', () => {
  it('rejects invalid options with a TypeError/RangeError naming the option, and still runs the good bench', async () => {
    const run = await runVitest('reliability', ['options'])
    expect(run.code).toBe(1)
    const cases: [string, RegExp][] = [
      ['unknown key [threads]', /TypeError: .*Unknown option `minSpeed`\. Did you mean `minSpeedup`\?/],
      ['wrong type [threads]', /TypeError: .*`tasks` must be an integer >= 1, got "8"/],
      ['minSpeedup <= 0 [threads]', /RangeError: .*`minSpeedup` must be a number > 0, got 0/],
      ['minEfficiency above 1 [processes]', /RangeError: .*`minEfficiency` must be a number in \(0, 1\], got 1\.5/],
      ['zero workers [threads]', /RangeError: .*`workers` must be an integer >= 1, an array of them or 'auto', got 0/],
      ['fractional tasks [processes]', /RangeError: .*`tasks` must be an integer >= 1, got 2\.5/],
      ['unknown level [threads]', /RangeError: .*`level` must be one of 'error', 'warn', 'off', got "loud"/],
      ['ten thousand workers [processes]', /RangeError: .*`workers` must be at most \d+ \(4 × this machine's/],
      ['a billion tasks [threads]', /RangeError: .*`tasks` must be at most 100000/],
      ['a billion warm-up rounds [threads]', /RangeError: .*`warmupRounds` must be at most 100 /],
      ['a timeout past Node timers [processes]', /RangeError: .*`taskTimeout` must be at most 2147483647/],
    ]
    for (const [title, message] of cases) {
      expect(run.output).toMatch(message)
      const bench = benchNamed(run, title)
      expect(bench.error?.code).toBe('INVALID_OPTION')
      // Nothing was spawned or measured.
      expect(bench.results).toEqual([])
    }
    // The stack points at the user's call that passed the bad option, with a code frame.
    expect(run.output).toMatch(/❯ options\.bench\.ts:5:1/)
    expectMeasured(run, 'good [threads]')
  })

  it('fails a throwing fn with its own message and a stack into the bench file; the next bench runs', async () => {
    const run = await runVitest('reliability', ['throws'])
    expect(run.code).toBe(1)
    for (const title of ['throws [threads]', 'throws [processes]']) {
      expect(errorOf(run, title)).toEqual({ code: 'TASK_FAILED', message: expect.stringContaining('boom from fn') })
    }
    expect(run.output).toContain('benchThreads("throws"): boom from fn')
    expect(run.output).toContain('benchProcesses("throws"): boom from fn')
    expect(run.output).toMatch(/explode throws\.bench\.ts:5:9/)
    expectMeasured(run, 'good after throws [threads]')
  })

  it('shows any thrown value faithfully, codes it TASK_FAILED or INPUT_FAILED, and fails a non-string name alone', async () => {
    const run = await runVitest('reliability', ['odd-values'])
    expect(run.code).toBe(1)
    for (const model of ['threads', 'processes']) {
      expect(errorOf(run, `throws a null-prototype object [${model}]`)).toEqual({
        code: 'TASK_FAILED',
        message: expect.stringContaining("[Object: null prototype] { reason: 'odd null-prototype' }"),
      })
      expect(errorOf(run, `throws an object whose toString throws [${model}]`)).toEqual({
        code: 'TASK_FAILED',
        message: expect.stringContaining("reason: 'sneaky object'"),
      })
      expect(errorOf(run, `throws a symbol [${model}]`)).toEqual({
        code: 'TASK_FAILED',
        message: expect.stringContaining('Symbol(odd symbol)'),
      })
      expect(errorOf(run, `input throws a null-prototype object [${model}]`)).toEqual({
        code: 'INPUT_FAILED',
        message: expect.stringContaining(
          "input(0) threw in the host: [Object: null prototype] { reason: 'odd null-prototype' }",
        ),
      })
    }
    expect(errorOf(run, '123 [threads]')).toEqual({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('the bench name must be a string, got 123 (number)'),
    })
    expectMeasured(run, 'good beside odd values [threads]')
  })

  it('hands a child its setup over IPC: a 200 KiB define works, and nothing leaks into the environment', async () => {
    const run = await runVitest('reliability', ['--config', 'vitest.big-define.config.ts', 'big-define'])
    expect(run.code, run.output).toBe(0)
    expectMeasured(run, 'reads a 200 KiB define [processes]')
  })

  it('says which key or export is missing, and why a file failed to import in the worker', async () => {
    const run = await runVitest('reliability', ['not-found', 'import-fails'])
    expect(run.code).toBe(1)
    const conditional = errorOf(run, 'conditional [threads]')
    expect(conditional.code).toBe('NOT_FOUND')
    expect(conditional.message).toContain('no bench registered under "threads::conditional"')
    expect(conditional.message).toContain('registered: "threads::good beside missing"')
    const wrongExport = errorOf(run, 'wrong export [processes]')
    expect(wrongExport.code).toBe('NOT_FOUND')
    expect(wrongExport.message).toMatch(/work\.ts has no exported function `nope` \(exported functions: work\)/)
    const importFails = errorOf(run, 'file fails to import in the worker [threads]')
    expect(importFails.code).toBe('LOAD_FAILED')
    expect(importFails.message).toMatch(/could not load .*import-fails\.bench\.ts in a bench worker: /)
    expect(importFails.message).toContain('this module cannot load outside Vitest')
    expect(importFails.message).toContain('How workers load your code')
    expectMeasured(run, 'good beside missing [threads]')
  })

  it('reports the exit code or signal of a worker that exits or crashes, without hanging the pool', async () => {
    const run = await runVitest('reliability', ['exits'])
    expect(run.code).toBe(1)
    expect(errorOf(run, 'process.exit(3) [processes]')).toEqual({
      code: 'WORKER_EXIT',
      message: expect.stringMatching(/child process \(pid \d+\) exited with code 3 while running a task/),
    })
    expect(errorOf(run, 'fatal signal [processes]')).toEqual({
      code: 'WORKER_EXIT',
      message: expect.stringMatching(/was killed by SIGSEGV/),
    })
    expect(errorOf(run, 'process.exit(3) in a thread [threads]')).toEqual({
      code: 'WORKER_EXIT',
      message: expect.stringContaining('worker thread exited with code 3'),
    })
    expectMeasured(run, 'good after exits [threads]')
  })

  it('kills an infinite loop at taskTimeout and fails with a timeout error', async () => {
    const started = performance.now()
    const run = await runVitest('reliability', ['hangs'])
    expect(run.code).toBe(1)
    for (const title of ['infinite loop [threads]', 'infinite loop [processes]']) {
      expect(errorOf(run, title)).toEqual({
        code: 'TIMEOUT',
        message: expect.stringContaining('longer than taskTimeout (1000 ms)'),
      })
    }
    // Two benches × 1 s timeout, plus Vitest and pool start-up: nowhere near a hang.
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  it('stops a thread or a process that allocates without bound at maxMemoryMb; Vitest survives to report it', async () => {
    const run = await runVitest('reliability', ['memory'])
    expect(run.code).toBe(1)
    for (const title of ['unbounded allocation [threads]', 'unbounded allocation [processes]']) {
      expect(errorOf(run, title)).toEqual({
        code: 'OUT_OF_MEMORY',
        message: expect.stringContaining('ran out of memory'),
      })
    }
    // Not "killed by SIGABRT" with V8's dump: the dump is swallowed once it is known to be an out-of-memory.
    expect(run.output).not.toContain('SIGABRT')
    expect(run.output).not.toContain('Native stack trace')
  })

  it('explains a non-cloneable input or return value, with the bench name', async () => {
    const run = await runVitest('reliability', ['clone'])
    expect(run.code).toBe(1)
    for (const title of [
      'function input [threads]',
      'function input [processes]',
      'function result [threads]',
      'function result [processes]',
    ]) {
      expect(errorOf(run, title).code).toBe('NOT_CLONEABLE')
    }
    expect(run.output).toContain('benchThreads("function input"): () => 1 could not be cloned')
    expect(run.output).toContain('benchProcesses("function result"):')
    expect(run.output).toContain('Inputs and return values cross to the worker by structured clone')
  })

  for (const [signal, kind] of [
    ['SIGINT', 'processes'],
    ['SIGTERM', 'threads'],
  ] as const) {
    it(`leaves no worker behind within 2 s when Vitest gets ${signal} during a ${kind} bench`, async () => {
      const markers = mkdtempSync(join(tmpdir(), 'markers-'))
      const { child, done } = startVitest('reliability', ['long', '-t', `long \\[${kind}\\]`], {
        env: { MARKER_DIR: markers },
      })
      try {
        // Wait until fn runs in the workers, then interrupt.
        expect(await waitFor(() => existsSync(join(markers, kind)), 60_000)).toBe(true)
        const tree = processTree(child.pid as number)
        expect(tree.length).toBeGreaterThan(1)
        child.kill(signal)
        const sent = performance.now()
        const gone = await waitFor(() => tree.every((p) => !isAlive(p.pid)), 2000)
        expect(
          gone,
          `still alive after ${Math.round(performance.now() - sent)} ms: ${tree
            .filter((p) => isAlive(p.pid))
            .map((p) => p.args)
            .join('\n')}`,
        ).toBe(true)
        await done
      } finally {
        child.kill('SIGKILL')
        rmSync(markers, { recursive: true, force: true })
      }
    })
  }

  it('measures normally when fn sends its own IPC messages, which the pool never takes for replies', async () => {
    const run = await runVitest('reliability', ['ipc'])
    expect(run.code, run.output).toBe(0)
    expectMeasured(run, 'sends its own IPC messages [processes]')
    expectMeasured(run, 'sends its own IPC messages [threads]')
  })

  it("codes a throwing input(i) apart from the options, and says which task's input failed", async () => {
    const run = await runVitest('reliability', ['input-fails'])
    expect(run.code).toBe(1)
    for (const title of ['input throws [threads]', 'input throws [processes]']) {
      expect(errorOf(run, title)).toEqual({
        code: 'INPUT_FAILED',
        message: expect.stringContaining('input(2) threw in the host: Error: no such fixture file'),
      })
    }
  })

  it('bounds start-up by startupTimeout, with its own message, whatever taskTimeout says', async () => {
    const started = performance.now()
    const run = await runVitest('reliability', ['slow-start'])
    expect(run.code).toBe(1)
    for (const title of ['slow start [threads]', 'slow start [processes]']) {
      expect(errorOf(run, title)).toEqual({
        code: 'TIMEOUT',
        message: expect.stringContaining(
          'did not finish starting (spawn, setup files, loading the bench file) within startupTimeout (1000 ms)',
        ),
      })
    }
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  for (const model of ['processes', 'threads'] as const) {
    it(`leaves nothing behind within 10 s when the Vitest worker that owns a ${model} pool is SIGKILLed while fn spins`, async () => {
      const markers = mkdtempSync(join(tmpdir(), 'markers-'))
      const { child, done } = startVitest('reliability', ['orphan', '-t', `spins forever \\[${model}\\]`], {
        env: { MARKER_DIR: markers },
      })
      try {
        // The pid of a worker inside fn's endless loop (a child process, or the owner itself for threads).
        const spinning = await spinningPid(markers, model)
        expect(spinning).toBeDefined()
        const owner = model === 'threads' ? spinning : processTable().find((p) => p.pid === spinning)?.ppid
        expect(owner).toBeDefined()
        const tree = processTree(owner as number)
        process.kill(owner as number, 'SIGKILL')
        const gone = await waitFor(() => tree.every((p) => !isAlive(p.pid)), 10_000)
        expect(
          gone,
          `still alive: ${tree
            .filter((p) => isAlive(p.pid))
            .map((p) => p.args)
            .join('\n')}`,
        ).toBe(true)
      } finally {
        child.kill('SIGKILL')
        await done
        rmSync(markers, { recursive: true, force: true })
      }
    })
  }

  it('--bail stops after the first failure and leaves nothing running', async () => {
    const started = performance.now()
    const run = await runVitest('reliability', ['bail', '--bail=1'])
    expect(run.code).toBe(1)
    expect(errorOf(run, 'fails first [threads]').message).toContain('first failure')
    expect(benchNamed(run, 'fails first [threads]').error?.code).toBe('TASK_FAILED')
    expect(performance.now() - started).toBeLessThan(30_000)
  })
})
