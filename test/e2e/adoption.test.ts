// The adoption matrix: the plugin dropped into the project layouts people have
// (test.projects, monorepos, CommonJS, a DOM root), run through the CLI on both
// Vitest lines. In each, every unit test runs once, each of our benches once,
// and no bench starts before the last unit test has ended.
import { describe, expect, it } from 'vitest'
import { benchTitles, expectOnceAndLast, runMarked } from '../support/markers.js'
import { line } from '../support/vitest-line.js'

describe(`adoption matrix (Vitest ${line.name})`, () => {
  it('CommonJS: a local .cjs helper, `require`, `__dirname`, `__filename` and a CommonJS package work in both worker models', async () => {
    const marked = await runMarked('adopt-cjs')
    expect(marked.run.code, marked.run.output).toBe(0)
    expectOnceAndLast(marked, ['cjs'], ['cjs'])
    expect(benchTitles(marked.run)).toEqual(['cjs [processes]', 'cjs [threads]'])
  })
})
