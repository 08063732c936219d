// Models against each other, pair by pair: which runs the batch faster, with an interval on the ratio. Pure.
import type { Model, ModelRanking, ModelResult } from '../types.js'
import { type LookPlan, lookLevel, median, sequentialCoverage, signTestInterval } from './statistics.js'

/**
 * Ranks model `a` against model `b` by what a user waits for, the parallel batch time, at the
 * largest pool size (concurrency, for `async`) both were measured at. They ran in the same rounds,
 * so their batch times pair up round by round: the ratio (a's over b's) is exp(median of the
 * per-round log-ratios), with the sign-test interval at the plan's level (a confidence sequence,
 * so it holds wherever the rounds stopped). A model is faster only when the interval says so.
 */
export function rankPair(
  results: readonly ModelResult[],
  plan: LookPlan,
  a: Model = 'threads',
  b: Model = 'processes',
): ModelRanking | undefined {
  const common = results.filter((r) => r.model === a && results.some((o) => o.model === b && o.workers === r.workers))
  if (common.length === 0) return undefined
  const workers = Math.max(...common.map((r) => r.workers))
  const first = results.find((r) => r.model === a && r.workers === workers)
  const second = results.find((r) => r.model === b && r.workers === workers)
  if (first === undefined || second === undefined) return undefined
  const logs: number[] = []
  for (let i = 0; i < Math.min(first.rounds.length, second.rounds.length); i++) {
    const x = first.rounds[i]?.parallelMs ?? 0
    const y = second.rounds[i]?.parallelMs ?? 0
    if (x > 0 && y > 0) logs.push(Math.log(x / y))
  }
  if (logs.length === 0) return undefined
  const interval = signTestInterval(logs, lookLevel(plan, logs.length))
  const low = Math.exp(interval.low)
  const high = Math.exp(interval.high)
  return {
    models: [a, b],
    faster: high < 1 ? a : low > 1 ? b : undefined,
    ratio: Math.exp(median(logs)),
    low,
    high,
    confidence: Math.min(interval.confidence, sequentialCoverage(plan)),
    workers,
  }
}

/** Threads against processes (what `expectFaster` judges). */
export function rankModels(results: readonly ModelResult[], plan: LookPlan): ModelRanking | undefined {
  return rankPair(results, plan, 'threads', 'processes')
}

/** Every pair of the measured models, in the order given (`async` first: the pools are ranked against it). */
export function rankAllPairs(
  results: readonly ModelResult[],
  plan: LookPlan,
  models: readonly Model[],
): ModelRanking[] {
  const present = models.filter((model) => results.some((r) => r.model === model))
  return present.flatMap((a, i) => present.slice(i + 1).flatMap((b) => rankPair(results, plan, a, b) ?? []))
}
