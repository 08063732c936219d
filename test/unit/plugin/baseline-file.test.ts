import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { logRatios, median } from '../../../src/analysis/statistics.js'
import { benchIdentity, comparedWith, JSON_SCHEMA } from '../../../src/contracts/baseline.js'
import { readBaseline } from '../../../src/plugin/baseline-file.js'
import { jsonReport } from '../../../src/report/json.js'
import { baselineNotice } from '../../../src/report/summary/labels.js'
import { benchResult, environment, modelResult } from '../../support/synthetic-results.js'

const dir = mkdtempSync(join(tmpdir(), 'parallel-bench-baseline-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, content: unknown): string {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
  return name
}

const threads = modelResult({ model: 'threads', workers: 2, speedup: 1.9, low: 1.85, high: 1.95, roundCount: 6 })
const processes = modelResult({
  model: 'processes',
  workers: 2,
  speedup: 1.6,
  low: 1.5,
  high: 1.7,
  diagnostics: [{ kind: 'starved', basis: 'rounds', rounds: 3, of: 6, otherCores: 1.5, needed: 2, effectiveCores: 2 }],
})
const compare = benchResult('hash', 'compare', [threads, processes])
compare.options = { ...compare.options, workersSetByUser: false, baseline: 'inline' }
compare.environment = { ...environment, effectiveCores: 4 }
const single = benchResult('json', 'threads', [
  modelResult({ model: 'threads', workers: 1, speedup: 1, low: 1, high: 1 }),
])
const doc = jsonReport([compare, single], environment, { generatedAt: '2026-11-27T12:00:00.000Z' })

describe('readBaseline', () => {
  it('reduces a report to the rows a comparison needs, keyed by file and full name', async () => {
    const snapshot = await readBaseline(dir, write('main.json', doc), 'option')
    expect(snapshot).toMatchObject({ file: 'main.json', from: 'option', generatedAt: doc.generatedAt, skippedRows: 0 })
    expect(snapshot.problem).toBeUndefined()
    const rows = snapshot.benches[benchIdentity(compare.file, compare.fullName)]
    expect(rows?.map((r) => [r.model, r.workers])).toEqual([
      ['threads', 2],
      ['processes', 2],
    ])
    const [first, second] = rows ?? []
    expect(first?.logRatios).toEqual(logRatios(threads.rounds))
    expect(first?.speedup).toBeCloseTo(Math.exp(median(logRatios(threads.rounds))), 12)
    // The bench's own options and machine: defaulted pool, inline serial arm, 4 cores (not the report's 2).
    expect(first).toMatchObject({ workersSetByUser: false, serialArm: 'inline', effectiveCores: 4, starved: false })
    expect(second?.starved).toBe(true)
    // The synthetic rounds carry no other-load measure.
    expect(second?.otherCores).toBeUndefined()
    // Missing fields (older reports): exact pool sizes, worker serial arm, the report's machine.
    expect(snapshot.benches[benchIdentity(single.file, single.fullName)]?.[0]).toMatchObject({
      workersSetByUser: true,
      serialArm: 'worker',
      effectiveCores: environment.effectiveCores,
    })
  })

  it('reports a missing file, bad JSON or another schema as a problem, never throws', async () => {
    const missing = await readBaseline(dir, 'nope.json', 'environment')
    expect(missing).toMatchObject({ problem: 'not found', benches: {} })
    expect(baselineNotice(missing)).toBe(
      'No regression check: the baseline nope.json (from VITEST_PARALLEL_BENCH_COMPARE_WITH) not found.',
    )
    expect((await readBaseline(dir, write('bad.json', '{"schema": '), 'option')).problem).toMatch(
      /^is not valid JSON \(/,
    )
    expect(
      (await readBaseline(dir, write('other.json', { ...doc, schema: 'vitest-parallel-bench/v2' }), 'option')).problem,
    ).toBe(`has schema "vitest-parallel-bench/v2"; this version reads "${JSON_SCHEMA}"`)
    expect((await readBaseline(dir, write('array.json', [1, 2]), 'option')).problem).toBe(
      'is not a vitest-parallel-bench JSON report (no `schema`)',
    )
    expect((await readBaseline(dir, write('nobenches.json', { ...doc, benches: 3 }), 'option')).problem).toMatch(
      /^is malformed/,
    )
    expect((await readBaseline(dir, '.', 'option')).problem).toMatch(/^could not be read \(/)
  })

  it('leaves out and counts rows it cannot use', async () => {
    const broken = structuredClone(doc)
    const [bench] = broken.benches
    if (bench === undefined) throw new Error('no bench')
    const [row] = bench.results
    if (row === undefined) throw new Error('no row')
    row.rounds[0] = { ...row.rounds[0], serialMs: 0 } as (typeof row.rounds)[number]
    const snapshot = await readBaseline(dir, write('broken.json', broken), 'option')
    expect(snapshot.skippedRows).toBe(1)
    expect(snapshot.benches[benchIdentity(compare.file, compare.fullName)]?.map((r) => r.model)).toEqual(['processes'])
    expect(baselineNotice(snapshot)).toBe(
      'Compared with the baseline broken.json, measured 2026-11-27T12:00:00.000Z; 1 unreadable row left out.',
    )
    expect(comparedWith(snapshot)).not.toHaveProperty('benches')
  })
})
