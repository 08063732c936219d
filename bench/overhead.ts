// Harness overhead vs raw Node, side by side in one run (issue 7, DESIGN §8):
//   1. round trip per task (small input/output)   goal ≤ 1.2x raw
//   2. 1 MiB input per task, copied and transferred
//   3. startup to first result, TypeScript bench  goal ≤ 2x raw
//   4. speedup accuracy on equal CPU tasks         goal within 3%
//   5. `vitest run` on fixtures/demo vs the time of its measured arms
//   6. the death watch of child processes (setpriv --pdeathsig): startup per child with and without
// Raw = piscina running a plain JS function, or child_process.fork answering
// over IPC (advanced serialization): bench/raw/*.mjs, the same functions.
// Every ratio is the median of per-repetition ratios, raw and ours interleaved.
// The 1 MiB rows swing most (0.6–2x from run to run on a shared VM): a 1 MiB
// message costs ~0.45 or ~1.1 ms by whether malloc has pages at hand.
//
//   npm run bench:overhead                     (builds first; run it under `flock /tmp/cpu.lock`)
//   node --expose-gc --import tsx bench/overhead.ts [roundtrip] [payload] [startup] [accuracy] [demo] [deathwatch]
import { fork, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { type Measurement, measure, transferables } from '../dist/host/measure.js'
import { deathWatch } from '../dist/pools/death-watch.js'
import type { BenchPool } from '../dist/pools/pool.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import type { BenchTarget, WorkerSetup } from '../dist/worker/protocol.js'
import { createRawForkPool, type RawForkPool } from './raw/fork-pool.mjs'
import { startBenchLoader } from './support/module-loader.mjs'
import { abbaRounds, timeParallel, timeSerial } from './support/raw-timing.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const RAW = join(ROOT, 'bench', 'raw')
const WORK_MJS = new URL('./raw/work.mjs', import.meta.url).href
const THREAD_WORKER = join(RAW, 'thread-worker.mjs')
const TASK_TIMEOUT = 30_000

// Our pools hand the host's flags to their workers: `--import tsx`
// would give every forked child a second set of hooks the raw children lack, and
// worker threads refuse `--expose-gc` (ERR_WORKER_INVALID_EXEC_ARGV).
process.execArgv.splice(0)

// Workers load modules as inside Vitest: through Vite's module runner, fed by a Vite server here.
const modules = await startBenchLoader(ROOT)

const sections = new Set(process.argv.slice(2))
const wants = (name: string): boolean => sections.size === 0 || sections.has(name)

// ---------------------------------------------------------------- helpers

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`
const ms = (value: number): string => `${value.toFixed(1)} ms`
const ratio = (ours: number, raw: number): string => `${(ours / raw).toFixed(2)}x`

interface Row {
  item: string
  raw: string
  ours: string
  ratio: string
  goal: string
}

const summary: Row[] = []

type Samples = Record<string, number[]>

/**
 * One row: medians of both, and the median of the per-repetition ratios ours/raw. Samples of one
 * repetition ran back to back, so pairing them cancels the slow spells of a shared machine.
 */
function compare(
  item: string,
  samples: Samples,
  oursKey: string,
  rawKey: string,
  format: (value: number) => string,
  goal: string,
): Row {
  const ours = samples[oursKey] ?? []
  const raw = samples[rawKey] ?? []
  const paired = median(ours.map((value, i) => value / (raw[i] ?? Number.NaN)))
  return { item, raw: format(median(raw)), ours: format(median(ours)), ratio: `${paired.toFixed(2)}x`, goal }
}

function printSamples(samples: Samples, format: (value: number) => string, rawOf?: (name: string) => string): void {
  const width = Math.max(...Object.keys(samples).map((name) => name.length))
  for (const [name, values] of Object.entries(samples)) {
    const rawKey = rawOf?.(name)
    const relative =
      rawKey === undefined || rawKey === name
        ? ''
        : `  ${compare('', samples, name, rawKey, format, '').ratio.padStart(6)} of raw`
    console.log(`  ${name.padEnd(width)}  ${format(median(values)).padStart(10)}${relative}`)
  }
}

function table(rows: readonly Row[]): void {
  const header: Row = { item: 'measurement', raw: 'raw', ours: 'ours', ratio: 'ours/raw', goal: 'goal' }
  const all = [header, ...rows]
  const width = (key: keyof Row): number => Math.max(...all.map((r) => r[key].length))
  for (const row of all) {
    console.log(
      `  ${row.item.padEnd(width('item'))}  ${row.raw.padStart(width('raw'))}  ${row.ours.padStart(width('ours'))}  ${row.ratio.padStart(width('ratio'))}  ${row.goal}`,
    )
  }
}

/** Runs every variant `reps` times, rotating the order each repetition so drift hits all alike. */
async function interleaved<K extends string>(
  reps: number,
  variants: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[]
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length] as K
      samples[name].push(await variants[name]())
    }
  }
  return samples
}

function moduleSetup(exportName: string): WorkerSetup {
  const target: BenchTarget = { kind: 'module', url: WORK_MJS, exportName }
  return { target, loader: modules.loader }
}

function ourPool(model: 'threads' | 'processes', size: number, setup: WorkerSetup): BenchPool {
  const options = { size, setup, taskTimeout: TASK_TIMEOUT, startupTimeout: 60_000, maxMemoryMb: undefined }
  return model === 'threads' ? createThreadPool(options) : createProcessPool(options)
}

function rawPiscina(size: number, workerData: Record<string, unknown>): { pool: Piscina; ready: Promise<void> } {
  const pool = new Piscina({
    filename: THREAD_WORKER,
    minThreads: size,
    maxThreads: size,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    workerData,
    execArgv: [],
  })
  let count = 0
  const ready = new Promise<void>((resolve) => {
    pool.on('message', (message: unknown) => {
      if (message === 'raw-ready' && ++count === size) resolve()
    })
  })
  return { pool, ready }
}

function rawFork(size: number, env: Record<string, string>): RawForkPool {
  return createRawForkPool(size, env)
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? ((): void => {})

/** ms per task, one task in flight at a time. */
async function perTask(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < count; i++) await run(i)
  return (performance.now() - start) / count
}

/** The per-task work of runBatch's lane in src/host/measure.ts (kept in step with it by hand). */
async function measureLane(pool: BenchPool, inputs: readonly unknown[], transfer: boolean): Promise<number> {
  let next = 0
  let busyMs = 0
  let cpuMs: number | undefined = 0
  const overheadMs: number[] = []
  const start = performance.now()
  while (next < inputs.length) {
    const input = inputs[next++]
    const sent = performance.now()
    const reply = await pool.run({ op: 'run', input }, transfer ? transferables(input) : undefined)
    overheadMs.push(performance.now() - sent - reply.busyMs)
    busyMs += reply.busyMs
    cpuMs = cpuMs === undefined || reply.cpuMs === undefined ? undefined : cpuMs + reply.cpuMs
  }
  void busyMs
  return (performance.now() - start) / inputs.length
}

/**
 * The per-task timeout that thread-pool.ts could hand piscina instead of AbortSignal.timeout:
 * piscina accepts any `{ once, off }` emitter; this one is a closure and a timer.
 */
function timeoutSignal(ms: number): {
  signal: {
    aborted: boolean
    once(name: 'abort', listener: () => void): void
    off(name: 'abort', listener: () => void): void
    removeListener(name: 'abort', listener: () => void): void
  }
  clear(): void
} {
  let listener: (() => void) | undefined
  const signal = {
    aborted: false,
    once: (_name: 'abort', l: () => void): void => {
      listener = l
    },
    off: (): void => {
      listener = undefined
    },
    removeListener: (): void => {
      listener = undefined
    },
  }
  const timer = setTimeout(() => {
    signal.aborted = true
    listener?.()
  }, ms)
  return { signal, clear: () => clearTimeout(timer) }
}

/** Cost of one call of `fn`, ms (median of 7 batches). */
function microCost(calls: number, fn: (i: number) => unknown): number {
  const batches: number[] = []
  for (let b = 0; b < 7; b++) {
    const start = performance.now()
    for (let i = 0; i < calls; i++) fn(i)
    batches.push((performance.now() - start) / calls)
  }
  return median(batches)
}

/** The worker-side read of CPU time and run-queue delay (cpu-time.ts), timed inside a worker thread. */
async function cpuReadCostInThread(): Promise<number> {
  const cpuTimeUrl = new URL('../dist/worker/cpu-time.js', import.meta.url).href
  const code = `
    const { parentPort } = require('node:worker_threads')
    import(${JSON.stringify(cpuTimeUrl)}).then(({ threadTimes }) => {
      for (let i = 0; i < 200; i++) threadTimes()
      const start = performance.now()
      for (let i = 0; i < 2000; i++) threadTimes()
      parentPort.postMessage((performance.now() - start) / 2000)
    })`
  const worker = new Worker(code, { eval: true })
  const cost = await new Promise<number>((resolve) => worker.once('message', resolve))
  await worker.terminate()
  return cost
}

// ---------------------------------------------------------------- 1. round trip

async function roundTrip(): Promise<void> {
  console.log(
    '\n1. Round trip per task: small input { id, values: [4 numbers] } → { id, sum }, one task in flight, 1 worker',
  )
  const TASKS = 500
  const inputs = Array.from({ length: TASKS }, (_, id) => ({ id, values: [1, 2, 3, id] }))
  const piscina = rawPiscina(1, { exportName: 'echo' })
  const fork = rawFork(1, { RAW_EXPORT: 'echo' })
  const threads = ourPool('threads', 1, moduleSetup('echo'))
  const processes = ourPool('processes', 1, moduleSetup('echo'))
  await Promise.all([piscina.ready, fork.ready, threads.ready, processes.ready])
  const variants = {
    'raw piscina': () => perTask(TASKS, (i) => piscina.pool.run(inputs[i])),
    'raw piscina + AbortSignal.timeout': () =>
      perTask(TASKS, (i) => piscina.pool.run(inputs[i], { signal: AbortSignal.timeout(TASK_TIMEOUT) })),
    'raw piscina + timer and emitter signal': () =>
      perTask(TASKS, async (i) => {
        const timeout = timeoutSignal(TASK_TIMEOUT)
        try {
          return await piscina.pool.run(inputs[i], { signal: timeout.signal })
        } finally {
          timeout.clear()
        }
      }),
    'ours threads: pool.run': () => perTask(TASKS, (i) => threads.run({ op: 'run', input: inputs[i] })),
    'ours threads: measure lane': () => measureLane(threads, inputs, false),
    'raw fork': () => perTask(TASKS, (i) => fork.run(inputs[i])),
    'ours processes: pool.run': () => perTask(TASKS, (i) => processes.run({ op: 'run', input: inputs[i] })),
    'ours processes: measure lane': () => measureLane(processes, inputs, false),
  }
  await interleaved(2, variants) // warm-up: JIT, IPC buffers
  const samples: Samples = await interleaved(25, variants)
  await Promise.all([piscina.pool.destroy(), fork.destroy(), threads.destroy(), processes.destroy()])

  const rawOf = (name: string): string =>
    name.includes('fork') || name.includes('processes') ? 'raw fork' : 'raw piscina'
  printSamples(samples, us, rawOf)
  const rows: Row[] = [
    compare('round trip, threads (BenchPool.run)', samples, 'ours threads: pool.run', 'raw piscina', us, '≤ 1.2x'),
    compare('round trip, threads (+ measure lane)', samples, 'ours threads: measure lane', 'raw piscina', us, '≤ 1.2x'),
    compare('round trip, processes (BenchPool.run)', samples, 'ours processes: pool.run', 'raw fork', us, '≤ 1.2x'),
    compare(
      'round trip, processes (+ measure lane)',
      samples,
      'ours processes: measure lane',
      'raw fork',
      us,
      '≤ 1.2x',
    ),
  ]
  summary.push(...rows)

  // What measure.ts and the pools add per task, each alone (host side unless noted).
  const signalCost = microCost(20_000, () => AbortSignal.timeout(TASK_TIMEOUT))
  const nowCost = microCost(200_000, () => performance.now())
  const small = inputs[0]
  const transferablesCost = microCost(200_000, () => transferables(small))
  const cpuRead = await cpuReadCostInThread()
  console.log('  per-task extras, each alone:')
  console.log(
    `    AbortSignal.timeout(${TASK_TIMEOUT}) per piscina task (thread-pool.ts): ${us(signalCost)} to create; in piscina: +${us(median(samples['raw piscina + AbortSignal.timeout'] ?? []) - median(samples['raw piscina'] ?? []))}; a setTimeout + plain emitter signal instead: +${us(median(samples['raw piscina + timer and emitter signal'] ?? []) - median(samples['raw piscina'] ?? []))}`,
  )
  console.log(`    performance.now() (measure lane: 2, worker: 2):           ${us(nowCost)} each`)
  console.log(`    transferables(small input) (only with transfer):         ${us(transferablesCost)}`)
  console.log(`    threadTimes() in a worker thread (2 per task ≥ 1 ms only): ${us(cpuRead)}`)
}

// ---------------------------------------------------------------- 2. 1 MiB input

async function payload(): Promise<void> {
  console.log('\n2. 1 MiB input per task (Uint8Array) → its byteLength, one task in flight, 1 worker')
  const TASKS = 24
  const MiB = 1 << 20
  const fresh = (): Uint8Array[] => Array.from({ length: TASKS }, (_, i) => new Uint8Array(MiB).fill(i & 0xff))
  const piscina = rawPiscina(1, { exportName: 'size' })
  const fork = rawFork(1, { RAW_EXPORT: 'size' })
  const threads = ourPool('threads', 1, moduleSetup('size'))
  const processes = ourPool('processes', 1, moduleSetup('size'))
  await Promise.all([piscina.ready, fork.ready, threads.ready, processes.ready])
  // Raw and ours take turns task by task, so both meet the same allocator and GC state: a 1 MiB
  // message is bimodal here (~0.45 or ~1.1 ms, by whether malloc has pages at hand), and sample
  // by sample one side could sit in the slow mode. Inputs are made before the clock starts (a
  // transferred buffer cannot be sent twice); the previous sample's garbage is collected first.
  type Send = (input: Uint8Array) => Promise<unknown>
  const pair = async (raw: Send, ours: Send): Promise<[number, number]> => {
    const rawInputs = fresh()
    const ourInputs = fresh()
    collectGarbage()
    const spent = [0, 0]
    for (let i = 0; i < TASKS; i++) {
      for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = performance.now()
        await (side === 0 ? raw(rawInputs[i] as Uint8Array) : ours(ourInputs[i] as Uint8Array))
        spent[side] = (spent[side] as number) + performance.now() - start
      }
    }
    return [(spent[0] as number) / TASKS, (spent[1] as number) / TASKS]
  }
  const pairs: Record<string, [string, string, () => Promise<[number, number]>]> = {
    copy: [
      'raw piscina, copy',
      'ours threads, copy',
      () =>
        pair(
          (input) => piscina.pool.run(input),
          (input) => threads.run({ op: 'run', input }),
        ),
    ],
    transfer: [
      'raw piscina, transfer',
      'ours threads, transfer',
      () =>
        pair(
          (input) => piscina.pool.run(input, { transferList: [input.buffer as ArrayBuffer] }),
          (input) => threads.run({ op: 'run', input }, transferables(input)),
        ),
    ],
    fork: [
      'raw fork',
      'ours processes',
      () =>
        pair(
          (input) => fork.run(input),
          (input) => processes.run({ op: 'run', input }),
        ),
    ],
  }
  const samples: Samples = {}
  for (const [rawName, ourName] of Object.values(pairs)) {
    samples[rawName] = []
    samples[ourName] = []
  }
  for (let rep = -1; rep < 25; rep++) {
    for (const [rawName, ourName, run] of Object.values(pairs)) {
      const [raw, ours] = await run()
      if (rep < 0) continue // warm-up
      samples[rawName]?.push(raw)
      samples[ourName]?.push(ours)
    }
  }
  await Promise.all([piscina.pool.destroy(), fork.destroy(), threads.destroy(), processes.destroy()])
  printSamples(samples, us)
  summary.push(
    compare('1 MiB input, threads, copied', samples, 'ours threads, copy', 'raw piscina, copy', us, '≤ 1.2x'),
    compare(
      '1 MiB input, threads, transfer: true',
      samples,
      'ours threads, transfer',
      'raw piscina, transfer',
      us,
      '≤ 1.2x',
    ),
    compare('1 MiB input, processes (IPC copy)', samples, 'ours processes', 'raw fork', us, '≤ 1.2x'),
  )
}

// ---------------------------------------------------------------- 3. startup

/** bench/startup.mjs in a child on this Node, without tsx (its hooks would be inherited by worker threads). */
async function startupSamples(reps: number): Promise<Samples> {
  const child = spawn(process.execPath, [join(ROOT, 'bench', 'startup.mjs'), String(reps)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`bench/startup.mjs exited with ${code}`)
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Samples
}

async function startup(): Promise<void> {
  console.log('\n3. Startup to first result, 2 workers: spawn → both ready → one task answered')
  console.log('   raw: plain work.mjs; ours: spin-bench.ts (imports vitest-parallel-bench, and ./work extensionless),')
  console.log("   loaded through Vite's module runner from a Vite server in this process")
  const samples = await startupSamples(15)
  printSamples(samples, ms, (name) =>
    name.includes('fork') || name.includes('processes') ? 'raw fork (.mjs)' : 'raw piscina (.mjs)',
  )
  summary.push(
    compare('startup, threads (TS bench vs .mjs)', samples, 'ours threads, TS bench', 'raw piscina (.mjs)', ms, '≤ 2x'),
    compare(
      'startup, processes (TS bench vs .mjs)',
      samples,
      'ours processes, TS bench',
      'raw fork (.mjs)',
      ms,
      '≤ 2x',
    ),
  )
}

// ---------------------------------------------------------------- 4. accuracy

function spinMs(iterations: number): number {
  const start = performance.now()
  let x = 2463534242
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
  }
  if (x === 0.5) console.log(x)
  return performance.now() - start
}

/** Paired ABBA rounds timed by hand: serial = tasks one at a time, parallel = all at once. */
async function rawSpeedup(
  run: (input: number) => Promise<unknown>,
  tasks: number,
  iterations: number,
  rounds: number,
): Promise<number[]> {
  const inputs = Array<number>(tasks).fill(iterations)
  const { serialMs, parallelMs } = await abbaRounds(
    () => timeSerial(run, inputs),
    () => timeParallel(run, inputs),
    rounds,
  )
  return serialMs.map((s, r) => Math.log(s / (parallelMs[r] as number)))
}

/** measure()'s own estimate, and its per-round log-ratios (to pool across blocks like the raw ones). */
async function oursSpeedup(
  model: 'threads' | 'processes',
  tasks: number,
  iterations: number,
  rounds: number,
): Promise<{ speedup: number; logRatios: number[] }> {
  const pool = ourPool(model, 2, moduleSetup('spin'))
  try {
    const result = (
      await measure({
        pools: [{ pool, workload: { tasks, input: () => iterations, transfer: false }, target: undefined }],
        options: { time: 600_000, minRounds: rounds, maxRounds: rounds, warmupRounds: 1, confidence: 0.95 },
      })
    )[0] as Measurement
    return {
      speedup: result.estimate.speedup,
      logRatios: result.rounds.map((r) => Math.log(r.serialMs / r.parallelMs)),
    }
  } finally {
    await pool.destroy()
  }
}

async function accuracy(): Promise<void> {
  const TASKS = 8
  const ROUNDS = 10
  const BLOCKS = 3
  // About 20 ms per task on this machine.
  spinMs(1e6)
  const iterations = Math.round((20 / spinMs(10_000_000)) * 10_000_000)
  console.log(
    `\n4. Accuracy: ${TASKS} equal spin tasks (~20 ms, ${iterations} iterations) on 2 workers vs 1 at a time, ${BLOCKS} × ${ROUNDS} rounds each`,
  )
  const rawThreadLogs: number[] = []
  const rawForkLogs: number[] = []
  const oursThreads: number[] = []
  const oursProcesses: number[] = []
  const oursThreadLogs: number[] = []
  const oursProcessLogs: number[] = []
  for (let block = 0; block < BLOCKS; block++) {
    const piscina = rawPiscina(2, { exportName: 'spin' })
    await piscina.ready
    rawThreadLogs.push(...(await rawSpeedup((input) => piscina.pool.run(input), TASKS, iterations, ROUNDS)))
    await piscina.pool.destroy()
    const threads = await oursSpeedup('threads', TASKS, iterations, ROUNDS)
    oursThreads.push(threads.speedup)
    oursThreadLogs.push(...threads.logRatios)
    const processes = await oursSpeedup('processes', TASKS, iterations, ROUNDS)
    oursProcesses.push(processes.speedup)
    oursProcessLogs.push(...processes.logRatios)
    const fork = rawFork(2, { RAW_EXPORT: 'spin' })
    await fork.ready
    rawForkLogs.push(...(await rawSpeedup((input) => fork.run(input), TASKS, iterations, ROUNDS)))
    await fork.destroy()
  }
  const rawThreads = Math.exp(median(rawThreadLogs))
  const rawProcesses = Math.exp(median(rawForkLogs))
  const ours = { threads: Math.exp(median(oursThreadLogs)), processes: Math.exp(median(oursProcessLogs)) }
  const diff = (a: number, b: number): string => `${(((a - b) / b) * 100).toFixed(1)}%`
  console.log(
    `  threads:   raw ${rawThreads.toFixed(3)}x, ours ${ours.threads.toFixed(3)}x (measure() per block: ${oursThreads.map((s) => s.toFixed(3)).join(', ')})`,
  )
  console.log(
    `  processes: raw ${rawProcesses.toFixed(3)}x, ours ${ours.processes.toFixed(3)}x (measure() per block: ${oursProcesses.map((s) => s.toFixed(3)).join(', ')})`,
  )
  summary.push(
    {
      item: 'speedup, threads (equal CPU tasks)',
      raw: `${rawThreads.toFixed(3)}x`,
      ours: `${ours.threads.toFixed(3)}x`,
      ratio: diff(ours.threads, rawThreads),
      goal: 'within ±3%',
    },
    {
      item: 'speedup, processes (equal CPU tasks)',
      raw: `${rawProcesses.toFixed(3)}x`,
      ours: `${ours.processes.toFixed(3)}x`,
      ratio: diff(ours.processes, rawProcesses),
      goal: 'within ±3%',
    },
  )
}

// ---------------------------------------------------------------- 5. demo

interface DemoJson {
  benches: {
    name: string
    options: { warmupRounds?: number }
    results: { model: string; startupMs: number[]; rounds: { serialMs: number; parallelMs: number }[] }[]
  }[]
}

/** Vitest's own JSON report: how long each test (one bench, all its models) took. */
interface VitestJson {
  testResults: { assertionResults: { title: string; duration?: number | null }[] }[]
}

async function timeVitest(args: string[]): Promise<number> {
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs')
  const start = performance.now()
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', '--root', join(ROOT, 'fixtures', 'demo'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
      stdio: 'ignore',
    })
    child.on('close', resolve)
  })
  const elapsed = performance.now() - start
  if (code !== 0) console.log(`  (vitest ${args.join(' ')} exited with code ${code})`)
  return elapsed
}

async function demo(): Promise<void> {
  console.log('\n5. `vitest run --root fixtures/demo`: wall time vs the time of its measured arms')
  const reportDir = mkdtempSync(join(tmpdir(), 'overhead-demo-'))
  const vitestReport = join(reportDir, 'vitest.json')
  try {
    // Vitest alone: start, load the config and plugin, collect the bench file, run nothing.
    const noBench = ['-t', '^no bench has this name$']
    const bare = median([await timeVitest(noBench), await timeVitest(noBench)])
    const total = await timeVitest(['--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`])
    const json = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo', 'parallel-bench.json'), 'utf8')) as DemoJson
    const tests = (JSON.parse(readFileSync(vitestReport, 'utf8')) as VitestJson).testResults.flatMap(
      (f) => f.assertionResults,
    )
    let arms = 0
    let startup = 0
    let warmup = 0
    let inTests = 0
    for (const bench of json.benches) {
      const test = tests.find((t) => t.title.startsWith(`${bench.name} [`))
      inTests += test?.duration ?? 0
      for (const result of bench.results) {
        const own = result.rounds.reduce((sum, r) => sum + r.serialMs + r.parallelMs, 0)
        const start = Math.max(...result.startupMs)
        arms += own
        startup += start
        // The warm-up rounds are not recorded: count them at the median round's length.
        warmup += (bench.options.warmupRounds ?? 1) * median(result.rounds.map((r) => r.serialMs + r.parallelMs))
        console.log(
          `  ${`${bench.name} [${result.model}]`.padEnd(52)} ${String(result.rounds.length).padStart(2)} rounds: arms ${ms(own).padStart(9)}, startup ${ms(start)}`,
        )
      }
      console.log(`  ${`  the test "${bench.name}"`.padEnd(52)} took ${ms(test?.duration ?? Number.NaN)}`)
    }
    const rest = inTests - arms - startup - warmup
    console.log(`  total ${ms(total)}:`)
    console.log(`    measured arms                         ${ms(arms).padStart(10)}`)
    console.log(`    worker startup (slowest worker/pool)  ${ms(startup).padStart(10)}`)
    console.log(`    warm-up rounds (≈ median round)       ${ms(warmup).padStart(10)}`)
    console.log(`    rest inside the bench tests           ${ms(rest).padStart(10)}  (memory probe, pool shutdown)`)
    console.log(
      `    Vitest around the tests               ${ms(total - inTests).padStart(10)}  (alone, with no bench run: ${ms(bare)})`,
    )
    summary.push({
      item: 'vitest run fixtures/demo vs Σ arms + startup',
      raw: ms(arms + startup),
      ours: ms(total),
      ratio: ratio(total, arms + startup),
      goal: 'report',
    })
  } finally {
    rmSync(reportDir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------- 6. death watch

/** Spawn → first IPC message of a child that is ready at once, ms. */
async function childReadyMs(how: 'plain' | 'setpriv' | 'watchdog'): Promise<number> {
  const watch = deathWatch()
  const entry = join(RAW, 'ready-child.mjs')
  const start = performance.now()
  const child =
    how === 'setpriv' && watch !== undefined
      ? fork(entry, [], {
          execPath: watch.execPath,
          execArgv: watch.prefix,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
      : fork(entry, how === 'watchdog' ? ['watchdog'] : [], {
          execArgv: [],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
  await new Promise((resolve) => child.once('message', resolve))
  const elapsed = performance.now() - start
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  return elapsed
}

async function deathwatch(): Promise<void> {
  console.log('\n6. Death watch of a child process: spawn → first message of a child that is ready at once')
  const watch = deathWatch()
  if (watch === undefined) {
    console.log('  no setpriv --pdeathsig here: children rely on IPC disconnect and the module server')
    return
  }
  console.log(
    `  ${watch.execPath} ${watch.prefix.slice(0, -1).join(' ')} node …, against a plain fork and a watchdog thread`,
  )
  const samples = await interleaved(30, {
    'plain fork': () => childReadyMs('plain'),
    'fork via setpriv --pdeathsig': () => childReadyMs('setpriv'),
    'fork + watchdog thread': () => childReadyMs('watchdog'),
  })
  const added = (key: string): string =>
    ms(median((samples[key as keyof typeof samples] ?? []).map((value, i) => value - (samples['plain fork'][i] ?? 0))))
  printSamples(samples, ms, () => 'plain fork')
  console.log(
    `  added per child (median of paired differences): setpriv ${added('fork via setpriv --pdeathsig')}, watchdog thread ${added('fork + watchdog thread')}`,
  )
  summary.push(
    compare(
      'startup per child, death watch (setpriv)',
      samples,
      'fork via setpriv --pdeathsig',
      'plain fork',
      ms,
      '≤ +5 ms',
    ),
  )
}

// ---------------------------------------------------------------- main

console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`)
if (wants('roundtrip')) await roundTrip()
if (wants('payload')) await payload()
if (wants('startup')) await startup()
if (wants('accuracy')) await accuracy()
if (wants('demo')) await demo()
if (wants('deathwatch')) await deathwatch()
console.log('\nSummary')
table(summary)
await modules.close()
