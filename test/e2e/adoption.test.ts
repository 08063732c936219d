// The adoption matrix: the plugin dropped into the project layouts people have
// (test.projects, monorepos, CommonJS, a DOM root), run through the CLI on both Vitest
// lines. In each, every unit test runs once, each of our benches once, and no
// bench starts before the last unit test has ended.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ParallelBenchJson } from '../../src/report/json.js'
import { benchTitles, count, expectOnceAndLast, type Marked, runMarked } from '../support/markers.js'
import { fixture, startVitest } from '../support/run-vitest.js'
import { line } from '../support/vitest-line.js'

const packageJson = (name: string, monorepo = 'adopt-monorepo'): string =>
  join(fixture(monorepo), 'packages', name, 'parallel-bench.json')

/** The titles in a package's JSON report, which its own config puts beside it (then removed); undefined when absent. */
function packageReport(name: string, monorepo = 'adopt-monorepo'): string[] | undefined {
  const file = packageJson(name, monorepo)
  if (!existsSync(file)) return undefined
  const json = JSON.parse(readFileSync(file, 'utf8')) as ParallelBenchJson
  rmSync(file)
  return json.benches.map((bench) => bench.fullName)
}

/** Each user plugin labelled in `labels` had its `config` and `configResolved` hooks called once (fixtures/shared/counting-plugin.ts). */
function expectPluginsLoadedOnce(marked: Marked, labels: string[]): void {
  const why = `${JSON.stringify(Object.fromEntries(marked.events))}\n${marked.run.output}`
  for (const label of labels) {
    expect(count(marked, `plugin-config ${label}`), why).toBe(1)
    expect(count(marked, `plugin-configResolved ${label}`), why).toBe(1)
  }
}

function clearPackageReports(): void {
  for (const name of ['b', 'c']) rmSync(packageJson(name), { force: true })
}

/** Resolves once `condition` holds; throws after `ms`. */
async function until(condition: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting:\n${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe(`adoption matrix (Vitest ${line.name})`, () => {
  it('CommonJS: a local .cjs helper, `require`, `__dirname`, `__filename` and a CommonJS package work in both worker models', async () => {
    const marked = await runMarked('adopt-cjs')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['cjs'], ['cjs'])
    expect(benchTitles(marked.run)).toEqual(['cjs [processes]', 'cjs [threads]'])
    // The bench project shares the root's Vite server: the user's config and plugins load once.
    expectPluginsLoadedOnce(marked, ['root'])
  })

  it('a DOM root (happy-dom) with a setup file that needs the DOM: the bench project takes its own setupFiles', async () => {
    const marked = await runMarked('adopt-dom')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['dom'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [threads]'])
  })

  it('test.projects inline without `extends: true`: the root plugin still runs the bench, once, last', async () => {
    const marked = await runMarked('adopt-inline')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['a'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [threads]'])
  })

  it('a --project filter that leaves out the bench project says so in one line', async () => {
    const marked = await runMarked('adopt-inline', ['--project', 'unit'])
    expect(marked.run.code, marked.run.output).toBe(0)
    expect(count(marked, 'unit-start a')).toBe(1)
    expect(count(marked, 'bench-start work')).toBe(0)
    expect(marked.run.output).toContain('the --project filter leaves out the "parallel-bench" project')
  })

  it('test.projects by glob with the plugin in the root config: benches in a package run, once, last', async () => {
    const marked = await runMarked('adopt-glob')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['a', 'b'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [processes]'])
  })

  it('monorepo run from the root: each package that declares the plugin gets a bench project with its config (alias, define, setup file, outputFile)', async () => {
    clearPackageReports()
    const marked = await runMarked('adopt-monorepo')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['a', 'b', 'c'], ['work', 'spin'])
    expect(marked.run.json, 'no report at the monorepo root').toBeUndefined()
    expect(packageReport('b')).toEqual(['work [threads]'])
    expect(packageReport('c')).toEqual(['spin [threads]'])
    expect(marked.run.stdout.match(/^Legend$/gm)).toHaveLength(1)
  })

  it('the root and a package both declare the plugin: each bench runs once, with its nearest config; each plugin loads once', async () => {
    rmSync(packageJson('b', 'adopt-nested'), { force: true })
    const marked = await runMarked('adopt-nested')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['b'], ['top', 'work'])
    expectPluginsLoadedOnce(marked, ['root', 'b'])
    expect(benchTitles(marked.run)).toEqual(['top [threads]'])
    expect(packageReport('b', 'adopt-nested')).toEqual(['work [threads]'])
    expect(marked.run.stdout.match(/^Legend$/gm)).toHaveLength(1)
  })

  it("monorepo: `--project b` keeps b's benches", async () => {
    clearPackageReports()
    const marked = await runMarked('adopt-monorepo', ['--project', 'b'])
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['b'], ['work'])
    expect(count(marked, 'unit-start a') + count(marked, 'bench-start spin')).toBe(0)
    expect(packageReport('b')).toEqual(['work [threads]'])
    expect(packageReport('c')).toBeUndefined()
  })

  it('monorepo run from the package', async () => {
    const marked = await runMarked('adopt-monorepo/packages/b')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['b'], ['work'])
    expect(benchTitles(marked.run)).toEqual(['work [threads]'])
  })

  it('watch mode: a rerun prints the report again, without the legend', async () => {
    const started = startVitest('adopt-inline', [], { command: ['watch'], timeoutMs: 120_000 })
    let output = ''
    started.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const reports = (): number => output.match(/^Parallel bench {2}Node/gm)?.length ?? 0
    const bench = join(fixture('adopt-inline'), 'work.bench.ts')
    const source = readFileSync(bench, 'utf8')
    try {
      await until(
        () => reports() === 1 && output.includes('Waiting for file changes'),
        60_000,
        () => output,
      )
      writeFileSync(bench, `${source}\n`)
      await until(
        () => reports() === 2,
        60_000,
        () => output,
      )
    } finally {
      writeFileSync(bench, source)
      started.child.kill()
    }
    await started.done
    expect(output.match(/^Legend$/gm), output).toHaveLength(1)
  })
})
