// The plugin in real project layouts: every unit test runs exactly once, each
// of our benches exactly once, native Vitest 5 benchmarks only where Vitest
// runs them, and every bench starts after the last other test has finished.
// The fixtures write timestamps (fixtures/shared/markers.ts) to prove it.
import { describe, expect, it } from 'vitest'
import { benchTitles, count, expectOnceAndLast, runMarked } from '../support/markers.js'
import { line } from '../support/vitest-line.js'

describe(`a good citizen in real project layouts (Vitest ${line.name})`, () => {
  it('a root include limited to src/ and a root exclude of the bench folder: benches of every extension still run, once, last', async () => {
    const marked = await runMarked('root-include')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['a', 'b'], ['ts', 'mts', 'js', 'mjs'])
    expect(benchTitles(marked.run)).toEqual([
      'javascript [threads]',
      'javascript module [processes]',
      'typescript [threads]',
      'typescript module [processes]',
    ])
  })

  it('one include for tests and benches: the root project does not run the bench', async () => {
    const marked = await runMarked('both-patterns')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['a'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [threads]'])
  })

  it('two inline test.projects: their tests run once, the bench after both', async () => {
    const marked = await runMarked('projects')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['unit-a', 'unit-b', 'integration-a', 'integration-b'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [processes]'])
  })

  it('runs last even when the other projects may use more workers than cores', async () => {
    const marked = await runMarked('projects', ['--maxWorkers=3'])
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['unit-a', 'unit-b', 'integration-a', 'integration-b'], ['work'])
  })
})

describe.runIf(line.name === '5')('beside Vitest 5 native benchmarks', () => {
  it('`vitest run`: our bench runs once; the native benchmark file is left alone and does not fail', async () => {
    const marked = await runMarked('native-bench')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['unit'], ['ours'])
    expect(count(marked, 'native-start sum')).toBe(0)
    expect(benchTitles(marked.run)).toEqual(['ours [threads]'])
  })

  it('`vitest bench --run`: the native benchmark runs in its project, ours once, one report block', async () => {
    const marked = await runMarked('native-bench', [], { command: ['bench', '--run'] })
    expect(marked.run.code, marked.run.output).toBe(0)
    expect(count(marked, 'native-start sum'), marked.run.output).toBe(1)
    expect(count(marked, 'bench-start ours'), marked.run.output).toBe(1)
    expect(benchTitles(marked.run)).toEqual(['ours [threads]'])
    expect(marked.run.stdout.match(/^Parallel bench {2}Node/gm)).toHaveLength(1)
  })

  it('`benchmark.enabled`: unit tests, the native benchmark and ours each run once', async () => {
    const marked = await runMarked('native-bench', [], { env: { NATIVE_BENCH_ENABLED: '1' } })
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['unit'], ['ours'])
    expect(count(marked, 'native-start sum'), marked.run.output).toBe(1)
    expect(benchTitles(marked.run)).toEqual(['ours [threads]'])
  })
})

describe.runIf(line.name === '4')('`vitest bench` on Vitest 4', () => {
  it('says in one line that the parallel benches run under `vitest run`, runs nothing of ours, and exits 0', async () => {
    const marked = await runMarked('both-patterns', [], { command: ['bench', '--run'] })
    expect(marked.run.output).toContain('vitest-parallel-bench: `vitest bench` on Vitest 4 runs only bench()')
    expect(count(marked, 'bench-start work')).toBe(0)
    // Our files were the only bench files: "No benchmark files found" does not fail the run.
    expect(marked.run.code, marked.run.output).toBe(0)
  })
})
