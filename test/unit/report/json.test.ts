import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { JSON_SCHEMA } from '../../../src/contracts/baseline.js'
import { jsonBench, jsonReport, writeJsonReport } from '../../../src/report/json.js'
import {
  environment,
  erroredBench,
  notPayingBench,
  scalingBench,
  threadsWinCompare,
} from '../../support/synthetic-results.js'

const generatedAt = '2025-01-31T12:00:00.000Z'

describe('jsonReport', () => {
  test('a versioned document: schema, time, environment, benches with every raw round', () => {
    const benches = [threadsWinCompare(), erroredBench()]
    const doc = jsonReport(benches, environment, { generatedAt })
    expect(doc).toEqual({
      schema: 'vitest-parallel-bench/v1',
      generatedAt,
      environment,
      benches: benches.map(jsonBench),
    })
    expect(Object.keys(doc)).toEqual(['schema', 'generatedAt', 'environment', 'benches'])
    expect(doc.schema).toBe(JSON_SCHEMA)
    expect(doc.benches[0]?.results[0]?.rounds).toHaveLength(10)
    expect(doc.benches[0]?.results[0]?.rounds[0]).toEqual({
      order: 'serial-first',
      serialMs: 800,
      parallelMs: 800 / 1.93,
      serialBusyMs: 792,
      parallelBusyMs: 792,
      parallelCpuMs: 784,
    })
    // Each row's facts, and beside them the same facts in the report's words.
    const [threads, processes] = doc.benches[0]?.results ?? []
    expect(threads?.verdict).toEqual({
      status: 'PASS',
      why: { kind: 'reaches', option: 'minSpeedup', target: 1.6 },
      target: 1.6,
      reason: 'Speedup 1.93x (95% CI 1.90–1.96x) reaches minSpeedup 1.6x.',
    })
    expect(processes?.verdict.reason).toBe(
      'Speedup 1.58x (95% CI 1.55–1.61x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
    )
    const slow = jsonBench(notPayingBench()).results[0]
    expect(slow?.diagnostics.map((d) => d.kind)).toEqual(['granularity'])
    expect(slow?.warnings).toEqual([
      expect.stringMatching(/^tasks are too small for their overhead: messaging is 99\.9% of each task/),
    ])
    expect(doc.benches[1]?.error).toEqual({ code: 'TASK_FAILED', message: expect.stringContaining('fn threw') })
  })

  test('levelOverride only when the level was overridden', () => {
    expect(jsonReport([], environment, { generatedAt, levelOverride: 'warn' })).toMatchObject({ levelOverride: 'warn' })
    expect(jsonReport([], environment, { generatedAt })).not.toHaveProperty('levelOverride')
    expect(jsonReport([], environment, { generatedAt, levelOverride: undefined })).not.toHaveProperty('levelOverride')
  })

  test('does not share the caller’s array', () => {
    const benches = [scalingBench()]
    const doc = jsonReport(benches, environment, { generatedAt })
    benches.pop()
    expect(doc.benches).toHaveLength(1)
  })
})

describe('writeJsonReport', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parallel-bench-json-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('creates parent directories and writes parseable JSON that round-trips', async () => {
    const doc = jsonReport([threadsWinCompare(), scalingBench()], environment, { generatedAt, levelOverride: 'off' })
    const path = join(dir, 'reports', 'nested', 'parallel-bench.json')
    await writeJsonReport(path, doc)
    const text = await readFile(path, 'utf8')
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.parse(text)).toEqual(doc)
    expect(await readdir(join(dir, 'reports', 'nested'))).toEqual(['parallel-bench.json'])
  })

  test('replaces an existing report and leaves no temporary file', async () => {
    const path = join(dir, 'parallel-bench.json')
    await writeFile(path, 'old')
    await writeJsonReport(path, jsonReport([], environment, { generatedAt }))
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ schema: JSON_SCHEMA, benches: [] })
    expect(await readdir(dir)).toEqual(['parallel-bench.json'])
  })

  test('a failed write rejects and leaves no temporary file behind', async () => {
    const target = join(dir, 'is-a-directory')
    await writeFile(join(dir, 'keep'), '')
    await mkdir(target)
    await expect(writeJsonReport(target, jsonReport([], environment, { generatedAt }))).rejects.toThrow()
    expect((await readdir(dir)).sort()).toEqual(['is-a-directory', 'keep'])
  })
})
