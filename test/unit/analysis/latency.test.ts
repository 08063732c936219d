import { describe, expect, it } from 'vitest'
import { addedLatency } from '../../../src/analysis/latency.js'
import type { LatencyResult, LatencyRow } from '../../../src/types.js'

const row = (path: LatencyRow['path'], inFlight: number, p50Ms: number, p99Ms: number): LatencyRow => ({
  path,
  inFlight,
  samples: 400,
  p50Ms,
  p99Ms,
  meanMs: p50Ms,
  maxMs: p99Ms * 2,
})

const latency: LatencyResult = {
  workers: 4,
  budgetMs: 500,
  elapsedMs: 512,
  rows: [
    row('inline', 1, 0.1, 0.2),
    row('threads', 1, 0.51, 2.1),
    row('threads', 4, 0.9, 4.2),
    row('processes', 1, 0.08, 0.15),
  ],
}

describe('addedLatency', () => {
  it("is each pool row's p50 and p99 minus the inline row's", () => {
    const added = addedLatency(latency)
    expect(added.map((a) => [a.row.path, a.row.inFlight])).toEqual([
      ['threads', 1],
      ['threads', 4],
      ['processes', 1],
    ])
    expect(added[0]?.p50Ms).toBeCloseTo(0.41, 10)
    expect(added[0]?.p99Ms).toBeCloseTo(1.9, 10)
  })

  it('is empty without an inline row', () => {
    expect(addedLatency({ ...latency, rows: latency.rows.filter((r) => r.path !== 'inline') })).toEqual([])
  })
})
