// Accuracy on async work and on a compare with a clear winner (issue 13), each number against an
// independent measurement in the same run:
//   - the speedup of each model against raw pools timed by hand (piscina, child_process.fork
//     answering over IPC: bench/raw/*.mjs, the very same function), ABBA rounds;
//   - net vs inline against the batch awaited inline in this process's main thread, timed by hand,
//     over our own median parallel batch time;
//   - verdicts at budgets 10% below and above the raw truth (should PASS / FAIL), rounds to decide;
//   - the compare ranking (threads and processes in the same rounds) against the raw batch times;
//   - the async model (up to WORKERS calls in flight in one worker thread, no pool, measured in the
//     same rounds as both pools) against the batch awaited by hand in this process: one await at a
//     time against WORKERS lanes under Promise.all, ABBA rounds (issue 20: within 3%, median);
//   - the recommendation ("is a pool needed at all?") on libuv-bound async work (no pool needed),
//     CPU-bound sync work (async ~1.0x, a pool pays) and work with threads of its own (async scrypt
//     and zlib gzip on libuv's pool: no pool needed, or a pool only adds overhead), numbers beside it.
// The work is async PBKDF2 on libuv's thread pool (the calling thread only waits), in two cases,
// each in a fresh child process of this script so that UV_THREADPOOL_SIZE holds from the start:
//   libuv 4 (Node's default): every worker can keep a core busy, so both models scale;
//   libuv 1: worker threads share their process's single libuv thread, so threads cannot scale,
//            while every child process has its own: processes can, and are clearly faster.
//
//   npm run build && node --import tsx bench/async-accuracy.ts [repetitions=5]   (run it on a quiet machine)
import { spawnSync } from 'node:child_process'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { rankAllPairs, rankModels } from '../dist/analysis/ranking.js'
import { lookPlan, median } from '../dist/analysis/statistics.js'
import { decideVerdict } from '../dist/analysis/verdict.js'
import { type Measurement, measure } from '../dist/host/measure.js'
import { createAsyncPool } from '../dist/pools/async-pool.js'
import type { BenchPool } from '../dist/pools/pool.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import { recommendation } from '../dist/report/summary/advice.js'
import type { BenchResult, Model, ModelResult } from '../dist/types.js'
import { compress, derive, scryptKey, spin } from './raw/work.mjs'
import { startBenchLoader } from './support/module-loader.mjs'
import {
  abbaRounds,
  calibrateIterations,
  startRawPool,
  timeLanes,
  timeParallel,
  timeSerial,
} from './support/raw-timing.ts'

const REPETITIONS = Number(process.argv[2] ?? 5)
const CASE = process.env.ASYNC_ACCURACY_CASE
const WORKERS = 2
const TASKS = 8
const RAW_ROUNDS = 10
const TASK_MS = 20
const WORK = new URL('./raw/work.mjs', import.meta.url).href
const OPTIONS = { time: 60_000, minRounds: 7, maxRounds: 40, warmupRounds: 1, confidence: 0.95 }

if (CASE === undefined) {
  // The parent: one child process per case, each with its own libuv pool size.
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`)
  console.log(`${TASKS} async PBKDF2 tasks of ~${TASK_MS} ms on ${WORKERS} workers, ${REPETITIONS} repetitions\n`)
  for (const size of ['4', '1']) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      {
        stdio: 'inherit',
        env: { ...process.env, ASYNC_ACCURACY_CASE: size, UV_THREADPOOL_SIZE: size },
      },
    )
    if (child.status !== 0) process.exit(child.status ?? 1)
  }
  process.exit(0)
}

// Our pools hand this process's flags to their workers: no `--import tsx` there.
process.execArgv.splice(0)

/** PBKDF2 iterations that take about `ms` here, awaited one at a time. */
async function calibrate(ms: number): Promise<number> {
  let iterations = 20_000
  for (;;) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      await derive(iterations)
      times.push(performance.now() - start)
    }
    const took = median(times)
    if (took >= ms / 4) return Math.round((iterations * ms) / took)
    iterations *= 4
  }
}

/** Raw speedup by hand: ABBA rounds of the batch one task at a time vs all at once on the same pool. */
async function rawRounds(run: (input: number) => Promise<unknown>, iterations: number) {
  const inputs = Array<number>(TASKS).fill(iterations)
  const { serialMs, parallelMs } = await abbaRounds(
    () => timeSerial(run, inputs),
    () => timeParallel(run, inputs),
    RAW_ROUNDS,
  )
  const ratios = serialMs.map((s, r) => s / (parallelMs[r] as number))
  return { speedup: Math.exp(median(ratios.map(Math.log))), parallelMs: median(parallelMs) }
}

/** The async model's truth by hand: one await at a time against WORKERS lanes under Promise.all, in this thread. */
async function asyncByHand(run: (input: number) => Promise<unknown>, input: number) {
  const inputs = Array<number>(TASKS).fill(input)
  const lanes = (): Promise<number> => timeLanes(run, inputs, WORKERS)
  const { serialMs, parallelMs } = await abbaRounds(() => timeSerial(run, inputs), lanes, RAW_ROUNDS)
  const ratios = serialMs.map((s, r) => s / (parallelMs[r] as number))
  return { speedup: Math.exp(median(ratios.map(Math.log))), parallelMs: median(parallelMs) }
}

async function rawTruth(model: Exclude<Model, 'async'>, iterations: number) {
  const pool = await startRawPool(model, WORKERS, 'derive')
  try {
    return await rawRounds((input) => pool.run(input), iterations)
  } finally {
    await pool.destroy()
  }
}

/** The batch awaited inline in this thread, timed by hand: median of RAW_ROUNDS batches. */
async function inlineByHand(iterations: number): Promise<number> {
  const times: number[] = []
  for (let r = 0; r < RAW_ROUNDS; r++) {
    const start = performance.now()
    for (let i = 0; i < TASKS; i++) await derive(iterations)
    times.push(performance.now() - start)
  }
  return median(times)
}

const modules = await startBenchLoader(fileURLToPath(new URL('..', import.meta.url)))

/** Three rows share the error budget, as in a benchCompare of async, threads and processes. */
const ROW_CONFIDENCE = 1 - 0.05 / 3
const MODELS: Model[] = ['async', 'threads', 'processes']

/** Every model in the same rounds, each with its budget: what benchCompare does. */
async function ours(
  exportName: string,
  input: number,
  targets: Partial<Record<Model, number>>,
): Promise<Record<Model, Measurement>> {
  const options = {
    size: WORKERS,
    setup: { target: { kind: 'module' as const, url: WORK, exportName }, loader: modules.loader },
    taskTimeout: 30_000,
    startupTimeout: 60_000,
    maxMemoryMb: undefined,
  }
  const pools: BenchPool[] = []
  try {
    // One at a time, as runBench starts them.
    const asyncPool = (o: typeof options): BenchPool => createAsyncPool(o, TASKS)
    for (const create of [createProcessPool, createThreadPool, asyncPool]) {
      const pool = create(options)
      pools.push(pool)
      await pool.ready
    }
    const [processes, threads, concurrent] = pools as [BenchPool, BenchPool, BenchPool]
    const workload = { tasks: TASKS, input: () => input, transfer: false }
    const [a, t, p] = await measure({
      pools: [
        { pool: concurrent, workload, target: targets.async },
        { pool: threads, workload, target: targets.threads },
        { pool: processes, workload, target: targets.processes },
      ],
      options: { ...OPTIONS, confidence: ROW_CONFIDENCE, minRounds: 8 },
    })
    return { async: a as Measurement, threads: t as Measurement, processes: p as Measurement }
  } finally {
    await Promise.all(pools.map((pool) => pool.destroy()))
  }
}

function row(model: Model, m: Measurement): ModelResult {
  return {
    model,
    workers: WORKERS,
    tasks: TASKS,
    rounds: m.rounds,
    startupMs: m.startupMs,
    roundTripMs: m.roundTripMs,
    estimate: m.estimate,
    verdict: { status: 'MEASURED', why: { kind: 'no-budget' } },
    diagnostics: m.synchronous ? [{ kind: 'synchronous-fn', speedup: m.estimate.speedup }] : [],
    ...(m.net === undefined ? {} : { netSpeedup: m.net.speedup, netInterval: { low: m.net.low, high: m.net.high } }),
  }
}

/** The recommendation a benchCompare of the three models would print for these measurements. */
function advise(name: string, measured: Record<Model, Measurement>): string {
  const results = MODELS.map((model) => row(model, measured[model]))
  const bench: BenchResult = {
    schema: 1,
    name,
    kind: 'compare',
    file: 'bench/async-accuracy.ts',
    fullName: name,
    options: {},
    results,
    rankings: rankAllPairs(results, lookPlan(ROW_CONFIDENCE, 8, OPTIONS.maxRounds), MODELS),
  }
  return recommendation(bench) ?? '(none)'
}

const iterations = await calibrate(TASK_MS)
console.log(`libuv pool of ${CASE} thread(s) (UV_THREADPOOL_SIZE=${CASE}), ${iterations} PBKDF2 iterations per task`)
const models = MODELS
type Tally = { errors: number[]; netErrors: number[]; covered: number; pass: number; fail: number; rounds: number[] }
const tally: Record<Model, Tally> = {
  async: { errors: [], netErrors: [], covered: 0, pass: 0, fail: 0, rounds: [] },
  threads: { errors: [], netErrors: [], covered: 0, pass: 0, fail: 0, rounds: [] },
  processes: { errors: [], netErrors: [], covered: 0, pass: 0, fail: 0, rounds: [] },
}
const noPoolNeeded: string[] = []
const rankings: string[] = []
const rawWinners: string[] = []
let runs = 0
for (let rep = 0; rep < REPETITIONS; rep++) {
  const truth = {
    async: await asyncByHand(derive, iterations),
    threads: await rawTruth('threads', iterations),
    processes: await rawTruth('processes', iterations),
  }
  const inline = await inlineByHand(iterations)
  rawWinners.push(truth.threads.parallelMs < truth.processes.parallelMs ? 'threads' : 'processes')
  for (const factor of [0.9, 1.1]) {
    const targets = {
      async: truth.async.speedup * factor,
      threads: truth.threads.speedup * factor,
      processes: truth.processes.speedup * factor,
    }
    const measured = await ours('derive', iterations, targets)
    runs++
    const line: string[] = []
    for (const model of models) {
      const m = measured[model]
      const t = tally[model]
      const status = decideVerdict({
        estimate: m.estimate,
        target: targets[model],
        starved: false,
        option: 'minSpeedup',
      }).status
      if (factor < 1 && status === 'PASS') t.pass++
      if (factor > 1 && status === 'FAIL') t.fail++
      t.rounds.push(m.rounds.length)
      t.errors.push(m.estimate.speedup / truth[model].speedup - 1)
      if (m.estimate.low <= truth[model].speedup && truth[model].speedup <= m.estimate.high) t.covered++
      const handNet = inline / median(m.rounds.map((r) => r.parallelMs))
      if (m.net !== undefined) t.netErrors.push(m.net.speedup / handNet - 1)
      line.push(
        `${model} ${m.estimate.speedup.toFixed(2)}x [${m.estimate.low.toFixed(2)}–${m.estimate.high.toFixed(2)}] vs raw ${truth[model].speedup.toFixed(2)}x, ` +
          `net ${m.net?.speedup.toFixed(2)}x vs by hand ${handNet.toFixed(2)}x: ${status} at ${targets[model].toFixed(2)}x after ${m.rounds.length} rounds`,
      )
    }
    const ranking = rankModels(
      [row('threads', measured.threads), row('processes', measured.processes)],
      lookPlan(0.975, 8, OPTIONS.maxRounds),
    )
    rankings.push(ranking?.faster ?? 'undecided')
    line.push(`ranking: ${ranking?.faster ?? 'undecided'} (threads/processes ${ranking?.ratio.toFixed(2)}x)`)
    const advice = advise('async pbkdf2', measured)
    noPoolNeeded.push(advice.includes('on top: no pool needed') ? 'no pool needed' : 'other')
    line.push(`→ ${advice}`)
    console.log(`  rep ${rep + 1}, budgets ×${factor}: ${line.join('; ')}`)
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
const medianAbs = (values: number[]): string => (values.length === 0 ? '–' : pct(median(values.map(Math.abs))))
console.log()
for (const model of models) {
  const t = tally[model]
  console.log(
    `  ${model.padEnd(9)} speedup median |error| ${medianAbs(t.errors)}, net vs inline median |error| ${medianAbs(t.netErrors)}, ` +
      `interval covers raw ${t.covered}/${runs}, PASS at truth−10% ${t.pass}/${REPETITIONS}, FAIL at truth+10% ${t.fail}/${REPETITIONS}, ` +
      `median rounds ${median(t.rounds)}`,
  )
}
const count = (list: string[], value: string): number => list.filter((x) => x === value).length
console.log(
  `  compare: ours ranked threads ${count(rankings, 'threads')}, processes ${count(rankings, 'processes')}, undecided ${count(rankings, 'undecided')} of ${runs}; ` +
    `raw parallel batch faster: threads ${count(rawWinners, 'threads')}, processes ${count(rawWinners, 'processes')} of ${REPETITIONS}`,
)
console.log(
  `  recommendation on libuv-bound pbkdf2: 'no pool needed' ${count(noPoolNeeded, 'no pool needed')} of ${runs}\n`,
)

// The recommendation on three kinds of work, with the libuv pool at Node's default (once, in that case's child).
if (CASE === '4') {
  const scenarios = [
    {
      name: 'CPU-bound sync spin',
      exportName: 'spin',
      input: calibrateIterations(spin, TASK_MS),
      expect: 'a pool pays',
    },
    { name: 'async scrypt (libuv threads)', exportName: 'scryptKey', input: 4096, expect: 'no pool needed' },
    { name: 'async zlib gzip (libuv threads)', exportName: 'compress', input: 1_000_000, expect: 'no pool needed' },
  ]
  for (const scenario of scenarios) {
    let right = 0
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const run = (x: number): Promise<unknown> =>
        scenario.exportName === 'spin'
          ? Promise.resolve(spin(x))
          : scenario.exportName === 'scryptKey'
            ? scryptKey(x)
            : compress(x)
      const byHand = await asyncByHand(run, scenario.input)
      const measured = await ours(scenario.exportName, scenario.input, {})
      const advice = advise(scenario.name, measured)
      // The verdict follows "on top: " ("too close to tell whether a pool pays" is no verdict).
      if (advice.includes(`on top: ${scenario.expect}`)) right++
      const error = measured.async.estimate.speedup / byHand.speedup - 1
      console.log(
        `  ${scenario.name}, rep ${rep + 1}: async ${measured.async.estimate.speedup.toFixed(2)}x vs by hand ${byHand.speedup.toFixed(2)}x (${pct(error)}); → ${advice}`,
      )
    }
    console.log(`  ${scenario.name}: '${scenario.expect}' ${right} of ${REPETITIONS}\n`)
  }
}
await modules.close()
