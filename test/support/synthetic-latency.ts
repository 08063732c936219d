// A latency view with fixed numbers, for the tests of its arithmetic and its words.
import type { LatencyResult, LatencyRow } from '../../src/types.js'

const row = (path: LatencyRow['path'], inFlight: number, p50Ms: number, p99Ms: number): LatencyRow => ({
  path,
  inFlight,
  samples: 400,
  p50Ms,
  p99Ms,
  meanMs: p50Ms,
  maxMs: p99Ms * 2,
})

export const syntheticLatency: LatencyResult = {
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
