// Threads against processes: which runs the batch faster, with an interval on the ratio. Pure.
import type { ModelRanking, ModelResult } from '../types.js'
import { type LookPlan, lookLevel, median, sequentialCoverage, signTestInterval } from './statistics.js'

/**
 * Ranks threads against processes by what a user waits for, the parallel batch time, at the
 * largest pool size both were measured at. Both ran in the same rounds, so their batch times pair
 * up round by round: the ratio is exp(median of the per-round log-ratios), with the sign-test
 * interval at the plan's level (a confidence sequence, so it holds wherever the rounds stopped).
 * A model is faster only when the interval says so.
 */
export function rankModels(results: readonly ModelResult[], plan: LookPlan): ModelRanking | undefined {
  const workers = Math.max(...results.map((r) => r.workers))
  const threads = results.find((r) => r.model === 'threads' && r.workers === workers)
  const processes = results.find((r) => r.model === 'processes' && r.workers === workers)
  if (threads === undefined || processes === undefined) return undefined
  const logs: number[] = []
  for (let i = 0; i < Math.min(threads.rounds.length, processes.rounds.length); i++) {
    const a = threads.rounds[i]?.parallelMs ?? 0
    const b = processes.rounds[i]?.parallelMs ?? 0
    if (a > 0 && b > 0) logs.push(Math.log(a / b))
  }
  if (logs.length === 0) return undefined
  const interval = signTestInterval(logs, lookLevel(plan, logs.length))
  const low = Math.exp(interval.low)
  const high = Math.exp(interval.high)
  return {
    faster: high < 1 ? 'threads' : low > 1 ? 'processes' : undefined,
    ratio: Math.exp(median(logs)),
    low,
    high,
    confidence: Math.min(interval.confidence, sequentialCoverage(plan)),
    workers,
  }
}
