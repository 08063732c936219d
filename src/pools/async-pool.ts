// The async model's "pool": one worker thread, in which fn's calls overlap (worker/concurrent-batch.ts).
// Its size is the concurrency, the calls in flight, so that efficiency and budgets read as for a pool.
import type { BenchPool, PoolOptions } from './pool.js'
import { createThreadPool } from './thread-pool.js'

export function createAsyncPool(options: PoolOptions): BenchPool {
  const thread = createThreadPool({ ...options, size: 1 })
  return {
    model: 'async',
    size: options.size,
    ready: thread.ready,
    pids: () => thread.pids(),
    run: (request, transferList) => thread.run(request, transferList),
    destroy: () => thread.destroy(),
  }
}
