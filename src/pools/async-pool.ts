// The async model's "pool": one worker thread, in which fn's calls overlap (worker/concurrent-batch.ts).
// Its size is the concurrency, the calls in flight, so that efficiency and budgets read as for a pool.
import type { BenchPool, PoolOptions } from './pool.js'
import { createThreadPool } from './thread-pool.js'

/**
 * `tasks`: the batch's size. A batch is one message here, so its bound is every call's `taskTimeout`
 * end to end (the serial arm runs them one at a time); a call that hangs is caught there.
 */
export function createAsyncPool(options: PoolOptions, tasks: number): BenchPool {
  const taskTimeout = Math.min(options.taskTimeout * Math.max(1, tasks), 2 ** 31 - 1)
  const thread = createThreadPool({ ...options, size: 1, taskTimeout })
  return {
    model: 'async',
    size: options.size,
    ready: thread.ready,
    pids: () => thread.pids(),
    run: (request, transferList) => thread.run(request, transferList),
    destroy: () => thread.destroy(),
  }
}
