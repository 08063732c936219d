// `latency: true`: what one call costs, not a batch. After the rounds, on the warm pools, tinybench
// measures the latency distribution of one call: inline (fn called inside a worker: the time inside
// fn the worker reports), through each pool one call at a time (`pool.run`, as the host sees it),
// and with `workers` calls in flight (`concurrency: 'task'`, `threshold`). Its statistics, not ours.
// No abort signal of its own: an abort destroys the pools (run-bench.ts), and the call in flight rejects.
import { Bench, type FnReturnedObject } from 'tinybench'
import type { BenchPool } from '../pools/pool.js'
import type { LatencyPath, LatencyResult, LatencyRow } from '../types.js'

export interface LatencySpec {
  /** The warm pools, one per model, all of the same size. */
  pools: readonly BenchPool[]
  /** Input of call `i`, made in the host. */
  input: (index: number) => unknown
  /** `latencyTime`: the whole step, shared equally by the rows, ms. */
  budgetMs: number
}

/** One row to measure: where the call goes, how many at once, and the call itself. */
interface LatencyPlan {
  path: LatencyPath
  inFlight: number
  call: () => Promise<FnReturnedObject | undefined>
  /** Called just before the row's first call. */
  start: () => void
}

function plans(spec: LatencySpec): LatencyPlan[] {
  const { pools, input } = spec
  let index = 0
  const next = (): unknown => input(index++)
  // tinybench's sequential budget sums what each call declares; declaring the wall time since the
  // previous call ended (its own overhead included) keeps a row within its share of the budget.
  let lastEnd = performance.now()
  const wallCost = (): number => {
    const now = performance.now()
    const cost = now - lastEnd
    lastEnd = now
    return cost
  }
  const first = pools[0]
  const rows: LatencyPlan[] = []
  if (first !== undefined) {
    rows.push({
      path: 'inline',
      inFlight: 1,
      // The worker's own time inside fn is the sample.
      call: async () => {
        const reply = await first.run({ op: 'run', input: next() })
        return { overriddenDuration: reply.busyMs, overriddenIterationCost: wallCost() }
      },
      start: () => void wallCost(),
    })
  }
  // The async model's "pool" is one thread whose calls overlap only inside a batch: a call through
  // it one at a time is the thread pool's row again, and N of them would queue, not overlap.
  for (const pool of pools.filter((candidate) => candidate.model !== 'async')) {
    rows.push({
      path: pool.model,
      inFlight: 1,
      call: async () => {
        await pool.run({ op: 'run', input: next() })
        return { overriddenIterationCost: wallCost() }
      },
      start: () => void wallCost(),
    })
    // A pool of one has no second call to overlap with: its concurrent row would repeat the first.
    // tinybench's task-concurrent mode keeps its budget by the clock and ignores the declared cost.
    if (pool.size > 1) {
      rows.push({
        path: pool.model,
        inFlight: pool.size,
        call: async () => {
          await pool.run({ op: 'run', input: next() })
          return undefined
        },
        start: () => {},
      })
    }
  }
  return rows
}

/** tinybench's statistics of one row; a call longer than the row's share still gives one sample. */
async function measureRow(plan: LatencyPlan, timeMs: number): Promise<LatencyRow> {
  const concurrent = plan.inFlight > 1
  // The pools are warm from the rounds: no warm-up, and a time budget that ends the row (iterations
  // is a minimum in sequential mode, a cap in task-concurrent mode, where 0 lifts it).
  const bench = new Bench({
    time: timeMs,
    iterations: concurrent ? 0 : 1,
    warmup: false,
    throws: true,
    ...(concurrent ? { concurrency: 'task' as const, threshold: plan.inFlight } : {}),
  })
  bench.add(plan.path, plan.call)
  plan.start()
  const [task] = await bench.run()
  const result = task?.result
  if (result === undefined || !('latency' in result)) {
    throw new Error(`tinybench gave no latency for ${plan.path} (${result?.state ?? 'no task'})`)
  }
  const { latency } = result
  return {
    path: plan.path,
    inFlight: plan.inFlight,
    samples: latency.samplesCount,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    meanMs: latency.mean,
    maxMs: latency.max,
  }
}

/**
 * tinybench's task-concurrent mode starts no call once its `time` has passed, and the clock starts
 * before the first: a row needs a share it can start in.
 */
const MIN_SHARE_MS = 1

/** Every row, one after the other on the warm pools, within `budgetMs` (plus the call in flight when each row's share ends). */
export async function measureLatency(spec: LatencySpec): Promise<LatencyResult> {
  const start = performance.now()
  const rows = plans(spec)
  const share = Math.max(MIN_SHARE_MS, spec.budgetMs / Math.max(1, rows.length))
  const measured: LatencyRow[] = []
  for (const plan of rows) measured.push(await measureRow(plan, share))
  return {
    workers: Math.max(...spec.pools.map((pool) => pool.size)),
    budgetMs: spec.budgetMs,
    elapsedMs: performance.now() - start,
    rows: measured,
  }
}
