// Startup to first result, 2 workers: spawn → both ready → one task answered,
// ours (a TypeScript bench file loaded through Vite's module runner) against raw
// piscina / raw fork loading a plain work.mjs, interleaved, in one process.
// Plain JavaScript, run by bench/overhead.ts as a child without tsx: a module
// hook in this process would be inherited by its worker threads and slow them.
// Prints one JSON object: { "<variant>": [ms, ...] }.   Usage: node bench/startup.mjs [reps]
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import { createRawForkPool } from './raw/fork-pool.mjs'
import { startBenchLoader } from './support/module-loader.mjs'

const ROOT = join(import.meta.dirname, '..')
const SPIN_BENCH = join(ROOT, 'bench', 'raw', 'spin-bench.ts')
const reps = Number(process.argv[2] ?? 15)

const modules = await startBenchLoader(ROOT)
const { loader } = modules

async function ours(model) {
  const setup = { target: { kind: 'file', file: SPIN_BENCH, key: `${model}::spin` }, loader }
  const options = { size: 2, setup, taskTimeout: 30_000, startupTimeout: 60_000, maxMemoryMb: undefined }
  const start = performance.now()
  const pool = model === 'threads' ? createThreadPool(options) : createProcessPool(options)
  await pool.ready
  await pool.run({ op: 'run', input: 1000 })
  const elapsed = performance.now() - start
  await pool.destroy()
  return elapsed
}

async function rawThreads() {
  const start = performance.now()
  const pool = new Piscina({
    filename: join(ROOT, 'bench', 'raw', 'thread-worker.mjs'),
    minThreads: 2,
    maxThreads: 2,
    workerData: { exportName: 'spin' },
    execArgv: [],
  })
  let ready = 0
  await new Promise((resolve) => pool.on('message', (m) => m === 'raw-ready' && ++ready === 2 && resolve()))
  await pool.run(1000)
  const elapsed = performance.now() - start
  await pool.destroy()
  return elapsed
}

async function rawFork() {
  const start = performance.now()
  const pool = createRawForkPool(2, { RAW_EXPORT: 'spin' })
  await pool.ready
  await pool.run(1000)
  const elapsed = performance.now() - start
  await pool.destroy()
  return elapsed
}

const variants = {
  'raw piscina (.mjs)': rawThreads,
  'ours threads, TS bench': () => ours('threads'),
  'raw fork (.mjs)': rawFork,
  'ours processes, TS bench': () => ours('processes'),
}
const names = Object.keys(variants)
const samples = Object.fromEntries(names.map((name) => [name, []]))
// Rep -1 warms Vite's transform cache and the OS's file cache; it is not kept.
for (let rep = -1; rep < reps; rep++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + Math.max(rep, 0)) % names.length]
    const elapsed = await variants[name]()
    if (rep >= 0) samples[name].push(elapsed)
  }
}
await modules.close()
console.log(JSON.stringify(samples))
