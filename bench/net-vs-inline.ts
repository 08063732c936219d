// Net speedup vs calling fn inline, checked against an independent measurement
// in the same run: a batch of UNEQUAL tasks (task i costs i + 1 units, so the
// last task is 8x the first), in both dispatch orders. Ours: measure()'s net
// estimate (the serial arm's time inside fn over the parallel batch, paired per
// round). By hand: the same batch run inline in one loop in a plain worker
// thread, timed around the loop, over ours' median parallel batch time.
// Goal: within 5%, and the same in both orders (the old tinybench-of-input(0)
// estimate swung by multiples with the order).
//
//   npm run build && node --import tsx bench/net-vs-inline.ts [rounds=15]
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { median } from '../dist/analysis/statistics.js'
import { type Measurement, measure } from '../dist/host/measure.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import { startBenchLoader } from './support/module-loader.mjs'

process.execArgv.splice(0)
const ROUNDS = Number(process.argv[2] ?? 15)
const TASKS = 8
const UNIT = 400_000 // spin iterations per unit of cost (~1.5–2 ms)
const WORK = new URL('./raw/work.mjs', import.meta.url).href

const modules = await startBenchLoader(fileURLToPath(new URL('..', import.meta.url)))
const handPool = new Piscina({
  filename: fileURLToPath(new URL('./raw/inline-batch.mjs', import.meta.url)),
  minThreads: 1,
  maxThreads: 1,
  execArgv: [],
})

const orders = {
  ascending: Array.from({ length: TASKS }, (_, i) => (i + 1) * UNIT),
  descending: Array.from({ length: TASKS }, (_, i) => (TASKS - i) * UNIT),
}

console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`)
console.log(`${TASKS} tasks costing 1..${TASKS} units (${UNIT} spin iterations each) on 2 workers, ${ROUNDS} rounds\n`)
const rows: string[][] = [
  ['model', 'order', 'ours net [CI]', 'inline by hand', 'parallel (ours)', 'hand net', 'ours/hand'],
]
for (const model of ['threads', 'processes'] as const) {
  for (const [order, inputs] of Object.entries(orders)) {
    const pool = (model === 'threads' ? createThreadPool : createProcessPool)({
      size: 2,
      setup: { target: { kind: 'module', url: WORK, exportName: 'spin' }, loader: modules.loader },
      taskTimeout: 30_000,
      startupTimeout: 60_000,
      maxMemoryMb: undefined,
    })
    try {
      const result = (
        await measure({
          pools: [{ pool, workload: { tasks: TASKS, input: (i) => inputs[i], transfer: false }, target: undefined }],
          options: { time: 0, minRounds: ROUNDS, maxRounds: ROUNDS, warmupRounds: 1, confidence: 0.95 },
        })
      )[0] as Measurement
      // The independent inline batch, timed in a plain worker thread, as many times, after a warm-up.
      await handPool.run(inputs)
      const hand: number[] = []
      for (let r = 0; r < ROUNDS; r++) hand.push(await handPool.run(inputs))
      const parallel = median(result.rounds.map((round) => round.parallelMs))
      const handNet = median(hand) / parallel
      const net = result.net
      rows.push([
        model,
        order,
        net === undefined ? '–' : `${net.speedup.toFixed(3)}x [${net.low.toFixed(3)}–${net.high.toFixed(3)}]`,
        `${median(hand).toFixed(2)} ms`,
        `${parallel.toFixed(2)} ms`,
        `${handNet.toFixed(3)}x`,
        net === undefined ? '–' : `${((net.speedup / handNet - 1) * 100).toFixed(1)}%`,
      ])
    } finally {
      await pool.destroy()
    }
  }
}
await handPool.destroy()
await modules.close()
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => row[c]?.length ?? 0))) ?? []
for (const row of rows) console.log(`  ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`)
