// What offloading one call adds to its latency: each pool row's percentiles minus the inline row's
// (tinybench's percentiles, taken as they are). Pure.
import type { LatencyResult, LatencyRow } from '../types.js'

/** A pool row beside the inline row: its p50 and p99 minus inline's, ms (a difference of percentiles). */
export interface AddedLatency {
  row: LatencyRow
  p50Ms: number
  p99Ms: number
}

/** Every pool row's added latency; none without an inline row. */
export function addedLatency(result: LatencyResult): AddedLatency[] {
  const inline = result.rows.find((row) => row.path === 'inline')
  if (inline === undefined) return []
  return result.rows
    .filter((row) => row.path !== 'inline')
    .map((row) => ({ row, p50Ms: row.p50Ms - inline.p50Ms, p99Ms: row.p99Ms - inline.p99Ms }))
}
