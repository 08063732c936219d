// `latency: true` checked against hand-timed figures in the same run (issue 20, item 4). Ours: the
// latency step (host/latency.ts: tinybench on our warm pools) with its p50 and p99 per path. By
// hand: performance.now() around each call of the same function — inline inside a raw piscina
// worker (bench/raw/inline-batch.mjs, a batch of one: as ours, in a worker thread), through raw
// piscina (`pool.run`) and a raw `fork` pool (bench/raw/), one at a time and with 2 in flight —
// and a plain sorted-array percentile. Each repetition runs ours and the hand-timed rows back to
// back, order rotating; a row's ratio is the median over repetitions of ours/hand. A third column
// times our own pools by hand (performance.now() around `pool.run`): ours/that is tinybench's error
// alone, that/raw is what our pools add to a call.
// Goals: p50 within 10%, p99 within 20%; the step lasts at most latencyTime plus one call per row.
//
//   npm run bench:latency                  (builds first; run it when the machine is quiet)
//   node --import tsx bench/latency.ts [repetitions=5] [latencyTime=1000] [callMs=0.5]
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { measureLatency } from '../dist/host/latency.js'
import type { BenchPool } from '../dist/pools/pool.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import type { LatencyRow } from '../dist/types.js'
import { spin } from './raw/work.mjs'
import { startBenchLoader } from './support/module-loader.mjs'
import { calibrateIterations, type RawPool, startRawPool } from './support/raw-timing.ts'

// Our pools hand the host's flags to their workers (`--import tsx` would load twice in a child).
process.execArgv.splice(0)
const REPETITIONS = Number(process.argv[2] ?? 5)
const BUDGET_MS = Number(process.argv[3] ?? 1000)
const CALL_MS = Number(process.argv[4] ?? 0.5)
const WORKERS = 2
const WORK = new URL('./raw/work.mjs', import.meta.url).href
const MODELS = ['threads', 'processes'] as const

const iterations = calibrateIterations(spin, CALL_MS)
const modules = await startBenchLoader(fileURLToPath(new URL('..', import.meta.url)))

/** The hand-timed yardstick's percentile: linear interpolation between the two nearest ranks. */
function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const below = sorted[Math.floor(at)] as number
  const above = sorted[Math.ceil(at)] as number
  return below + (above - below) * (at - Math.floor(at))
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5)
}

/**
 * Calls `call` with `inFlight` at once until `ms` have passed, each timed by hand around its
 * promise, or by the time the call itself reports (`timed`: the raw inline worker's own clock).
 */
async function timeByHand(
  call: () => Promise<unknown>,
  inFlight: number,
  ms: number,
  timed = false,
): Promise<number[]> {
  const samples: number[] = []
  const deadline = performance.now() + ms
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const start = performance.now()
      const value = await call()
      samples.push(timed ? (value as number) : performance.now() - start)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return samples
}

function ourPool(model: (typeof MODELS)[number]): BenchPool {
  const options = {
    size: WORKERS,
    setup: { target: { kind: 'module' as const, url: WORK, exportName: 'spin' }, loader: modules.loader },
    taskTimeout: 30_000,
    startupTimeout: 60_000,
    maxMemoryMb: undefined,
  }
  return model === 'threads' ? createThreadPool(options) : createProcessPool(options)
}

const key = (row: Pick<LatencyRow, 'path' | 'inFlight'>): string => `${row.path}×${row.inFlight}`

const ours: BenchPool[] = []
const raw: Record<string, RawPool> = {}
const inlineWorker = new Piscina({
  filename: fileURLToPath(new URL('./raw/inline-batch.mjs', import.meta.url)),
  minThreads: 1,
  maxThreads: 1,
  execArgv: [],
})
const inlineCall = (): Promise<number> => inlineWorker.run([iterations])
const ratios: Record<
  string,
  { p50: number[]; p99: number[]; ours: LatencyRow[]; hand: number[][]; pooled: number[][] }
> = {}
const overruns: number[] = []
try {
  for (const model of MODELS) {
    const pool = ourPool(model)
    ours.push(pool)
    await pool.ready
    raw[model] = await startRawPool(model, WORKERS, 'spin')
  }
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`)
  console.log(
    `spin of ~${CALL_MS} ms (${iterations} iterations), pools of ${WORKERS}, latencyTime ${BUDGET_MS} ms, ${REPETITIONS} repetitions\n`,
  )
  // One untimed pass of each, so both sides start warm.
  await measureLatency({ pools: ours, input: () => iterations, budgetMs: 100 })
  await timeByHand(inlineCall, 1, 50, true)
  for (const model of MODELS) await timeByHand(() => (raw[model] as RawPool).run(iterations), WORKERS, 50)

  for (let rep = 0; rep < REPETITIONS; rep++) {
    const turn = rep % 3
    const hand: Record<string, number[]> = {}
    const pooled: Record<string, number[]> = {}
    const byHandOnOurs = async (share: number): Promise<void> => {
      for (const pool of ours) {
        const call = () => pool.run({ op: 'run', input: iterations })
        pooled[key({ path: pool.model, inFlight: 1 })] = await timeByHand(call, 1, share)
        pooled[key({ path: pool.model, inFlight: WORKERS })] = await timeByHand(call, WORKERS, share)
      }
    }
    const byHand = async (share: number): Promise<void> => {
      hand[key({ path: 'inline', inFlight: 1 })] = await timeByHand(inlineCall, 1, share, true)
      for (const model of MODELS) {
        const pool = raw[model] as RawPool
        hand[key({ path: model, inFlight: 1 })] = await timeByHand(() => pool.run(iterations), 1, share)
        hand[key({ path: model, inFlight: WORKERS })] = await timeByHand(() => pool.run(iterations), WORKERS, share)
      }
    }
    const share = BUDGET_MS / (1 + 2 * MODELS.length)
    if (turn === 1) await byHand(share)
    if (turn !== 0) await byHandOnOurs(share)
    const start = performance.now()
    const result = await measureLatency({ pools: ours, input: () => iterations, budgetMs: BUDGET_MS })
    const wall = performance.now() - start
    // What latency: true may add: its budget, and one call per row that the budget's end lets finish.
    overruns.push(wall - BUDGET_MS - result.rows.reduce((sum, row) => sum + row.maxMs, 0))
    if (turn !== 1) await byHand(share)
    if (turn === 0) await byHandOnOurs(share)
    for (const row of result.rows) {
      const samples = hand[key(row)] ?? []
      ratios[key(row)] ??= { p50: [], p99: [], ours: [], hand: [], pooled: [] }
      const entry = ratios[key(row)]
      entry?.p50.push(row.p50Ms / percentile(samples, 0.5))
      entry?.p99.push(row.p99Ms / percentile(samples, 0.99))
      entry?.ours.push(row)
      entry?.hand.push(samples)
      const onOurs = pooled[key(row)]
      if (onOurs !== undefined) entry?.pooled.push(onOurs)
    }
    console.log(`  repetition ${rep + 1}: latency step ${wall.toFixed(0)} ms for a ${BUDGET_MS} ms budget`)
  }

  const table = [
    [
      'path',
      'p50 ours',
      'p50 hand',
      'ours/hand',
      'p99 ours',
      'p99 hand',
      'ours/hand',
      'calls',
      'our pool by hand p50/p99',
    ],
  ]
  const misses: string[] = []
  const fmt = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`
  for (const [path, entry] of Object.entries(ratios)) {
    const p50 = median(entry.p50)
    const p99 = median(entry.p99)
    table.push([
      path,
      fmt(median(entry.ours.map((row) => row.p50Ms))),
      fmt(median(entry.hand.map((samples) => percentile(samples, 0.5)))),
      `${p50.toFixed(3)}x`,
      fmt(median(entry.ours.map((row) => row.p99Ms))),
      fmt(median(entry.hand.map((samples) => percentile(samples, 0.99)))),
      `${p99.toFixed(3)}x`,
      `${median(entry.ours.map((row) => row.samples))} / ${median(entry.hand.map((samples) => samples.length))}`,
      entry.pooled.length === 0
        ? '–'
        : `${fmt(median(entry.pooled.map((samples) => percentile(samples, 0.5))))} / ${fmt(median(entry.pooled.map((samples) => percentile(samples, 0.99))))}`,
    ])
    if (Math.abs(p50 - 1) > 0.1) misses.push(`${path} p50 ${((p50 - 1) * 100).toFixed(1)}%`)
    if (Math.abs(p99 - 1) > 0.2) misses.push(`${path} p99 ${((p99 - 1) * 100).toFixed(1)}%`)
  }
  const widths = table[0]?.map((_, c) => Math.max(...table.map((row) => row[c]?.length ?? 0))) ?? []
  console.log('')
  for (const row of table) console.log(`  ${row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ')}`)
  const worst = Math.max(...overruns)
  console.log(
    `\n  the step past latencyTime + one call per row: worst ${worst.toFixed(1)} ms over ${REPETITIONS} repetitions (goal ≤ 0)`,
  )
  console.log(
    misses.length === 0 ? '  goals met: p50 within 10%, p99 within 20%' : `  goals missed: ${misses.join(', ')}`,
  )
} finally {
  await Promise.all(ours.map((pool) => pool.destroy()))
  await Promise.all(Object.values(raw).map((pool) => pool.destroy()))
  await inlineWorker.destroy()
  await modules.close()
}
