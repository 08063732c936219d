import { describe, expect, it } from 'vitest'
import { addedLatency } from '../../../src/analysis/latency.js'
import { syntheticLatency as latency } from '../../support/synthetic-latency.js'

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
