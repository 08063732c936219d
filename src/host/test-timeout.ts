// The Vitest test timeout of one bench test, derived from its resolved options.
import type { ResolvedOptions } from '../contracts/options.js'

/**
 * The longest one bench test can take, derived from its options: per measured (model, pool size),
 * start-up, warm-up, `minRounds`, then rounds until `time` (plus the one running when it passes),
 * the memory probe, each task bounded by `taskTimeout`; then shutdown. With `latency`, its
 * `latencyTime` once, plus one call per latency row (inline, and two per model) that may overrun it.
 * `minRounds` takes precedence over `time`. Used as the Vitest test timeout, as a backstop only:
 * every task and start-up already has its own bound.
 */
export function testTimeoutMs(options: ResolvedOptions, models: number): number {
  const shutdownMs = 5_000
  let total = 0
  for (const workers of options.workers) {
    const roundMs = (options.tasks + Math.ceil(options.tasks / workers)) * options.taskTimeout
    const rounds = options.warmupRounds + options.minRounds + 1
    total += options.startupTimeout + rounds * roundMs + options.time + options.taskTimeout + shutdownMs
  }
  const latencyMs = options.latency ? options.latencyTime + (1 + 2 * models) * options.taskTimeout : 0
  return Math.min(models * total + latencyMs, 2 ** 31 - 1)
}
