import { describe, expect, it } from 'vitest'
import { jsonBench } from '../../../src/report/json.js'
import { latencyCells, latencySentences, latencyTitle } from '../../../src/report/summary/latency.js'
import type { BenchResult, LatencyRow } from '../../../src/types.js'
import { syntheticLatency as latency } from '../../support/synthetic-latency.js'

describe('latency wording', () => {
  it('says what offloading adds per call, signed, with the calls in flight where more than one', () => {
    expect(latencySentences(latency)).toEqual([
      '+410 µs p50, +1.90 ms p99 per call through threads',
      '+800 µs p50, +4.00 ms p99 per call through threads with 4 in flight',
      '−20.0 µs p50, −50.0 µs p99 per call through processes',
    ])
  })

  it('titles the view with the pool size and the time it took against its budget; labels each path', () => {
    expect(latencyTitle(latency)).toBe('latency per call (tinybench, pool of 4, 512 ms of 500 ms latencyTime)')
    expect(latency.rows.map((r) => latencyCells(r)[0])).toEqual([
      'inline (in a worker)',
      'threads, one at a time',
      'threads, 4 in flight',
      'processes, one at a time',
    ])
    expect(latencyCells(latency.rows[1] as LatencyRow)).toEqual(['threads, one at a time', '510 µs', '2.10 ms', '400'])
  })
})

describe('latency in the views', () => {
  const bench: BenchResult = {
    schema: 1,
    name: 'b',
    kind: 'compare',
    file: 'a.bench.ts',
    fullName: 'b',
    options: {},
    results: [],
    latency,
  }

  it('writes the rows and the sentences into the JSON bench', () => {
    const written = jsonBench(bench)
    expect(written.latency?.rows).toEqual(latency.rows)
    expect(written.latency?.added).toEqual(latencySentences(latency))
    expect(jsonBench({ ...bench, latency: undefined })).not.toHaveProperty('latency')
  })
})
