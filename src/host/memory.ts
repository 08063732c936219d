// Memory added per worker, one measure for every model, read once after the rounds.
import { descendants, type ProcessTree, privateBytesOf, privateBytesOfAll } from '../machine/process-tree.js'
import type { BenchPool } from '../pools/pool.js'

/** A pool under test, with what was there before it started (see PoolUnderTest in measure.ts). */
export interface MeasuredPool {
  pool: BenchPool
  /** This process's RSS before the pool was created. */
  residentBefore?: number | undefined
  /** This process's descendants before the pool was created. */
  processesBefore?: ReadonlySet<number> | undefined
}

/**
 * One measure for both models, memory added per worker: a child's private memory; for threads,
 * what the pool added to this process's resident memory, shared out. Both include the private
 * memory of processes fn started that are still running (Linux): below a child, or, for threads,
 * below this process and outside every pool.
 */
export async function memoryPerWorker(
  under: MeasuredPool,
  pools: readonly MeasuredPool[],
  tree: ProcessTree | undefined,
): Promise<number | undefined> {
  const { pool, residentBefore } = under
  if (pool.model !== 'processes') {
    if (residentBefore === undefined) return undefined
    // The async model is one thread however many calls it has in flight.
    const threads = pool.model === 'async' ? 1 : pool.size
    const own = Math.max(0, process.memoryUsage().rss - residentBefore) / threads
    if (tree === undefined) return own
    const inPools = new Set(
      pools.flatMap((other) => other.pool.pids()).flatMap((pid) => [pid, ...descendants(tree, pid)]),
    )
    const started = descendants(tree, process.pid).filter(
      (pid) => !inPools.has(pid) && under.processesBefore?.has(pid) !== true,
    )
    return own + privateBytesOfAll(started) / threads
  }
  // Read from here where /proc has it; only elsewhere does each child report its own memory.
  const perChild =
    tree === undefined
      ? []
      : pool.pids().map((pid) => {
          const own = privateBytesOf(pid)
          return own === undefined ? undefined : own + privateBytesOfAll(descendants(tree, pid))
        })
  if (perChild.length > 0 && perChild.every((bytes) => bytes !== undefined)) return Math.max(...perChild)
  const replies = await Promise.all(Array.from({ length: pool.size }, () => pool.run({ op: 'memory' })))
  return Math.max(...replies.map((m) => m.bytes))
}
