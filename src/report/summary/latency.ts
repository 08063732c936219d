// The words of the latency view (`latency: true`): its title, each row's label and cells, and what
// offloading adds per call, for the terminal, JSON and HTML alike.
import { type AddedLatency, addedLatency } from '../../analysis/latency.js'
import { formatDuration } from '../../format.js'
import type { LatencyResult, LatencyRow } from '../../types.js'

export const LATENCY_COLUMNS = ['path', 'p50', 'p99', 'calls'] as const

export function latencyTitle(result: LatencyResult): string {
  return `latency per call (tinybench, pool of ${result.workers}, ${formatDuration(result.elapsedMs)} of ${formatDuration(result.budgetMs)} latencyTime)`
}

/** Where the call ran, and how many were in flight. */
export function latencyRowLabel(row: LatencyRow): string {
  if (row.path === 'inline') return 'inline (in a worker)'
  return row.inFlight === 1 ? `${row.path}, one at a time` : `${row.path}, ${row.inFlight} in flight`
}

export function latencyCells(row: LatencyRow): string[] {
  return [latencyRowLabel(row), formatDuration(row.p50Ms), formatDuration(row.p99Ms), String(row.samples)]
}

function signed(ms: number): string {
  return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`
}

/** "+0.41 ms p50, +1.9 ms p99 per call through threads" (with "4 in flight" for a concurrent row). */
export function addedLatencySentence(added: AddedLatency): string {
  const { row } = added
  const how = row.inFlight === 1 ? '' : ` with ${row.inFlight} in flight`
  return `${signed(added.p50Ms)} p50, ${signed(added.p99Ms)} p99 per call through ${row.path}${how}`
}

/** One sentence per pool row: what offloading adds to a call against calling fn inline. */
export function latencySentences(result: LatencyResult): string[] {
  return addedLatency(result).map(addedLatencySentence)
}
