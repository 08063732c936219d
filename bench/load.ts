// Verdicts on a busy machine (issue 18, DESIGN §4): do budgets hold when other processes compete
// for the CPU? A matrix of workloads × background load × budgets, on real pools, against the
// quiet truth measured in the same run by raw pools timed by hand (no harness).
//
// Workloads (2 workers, fixed CPU work: xorshift iteration counts, never time-based spinning):
//   equal    4 equal tasks: structural bound 2.00x
//   unequal  tasks of 3:1:1 cost: no pool of 2 can beat 5/3 = 1.67x (the longest task alone)
// Background load (child processes started here, killed by pid):
//   none, half (a duty-cycle hog: 5 ms on, 5 ms off), one (a spinning core), mid (one hog that
//   starts a third of the way into the run), bursty (150 ms on, 150 ms off), two (two spinning
//   cores: more than a 2-core machine can serve beside the pool)
// Budgets: truth × 0.9 (should PASS), truth × 1.1 (should FAIL), structural bound × 1.1 (must FAIL,
// never be excused).
// Each repetition records one measurement of up to maxRounds rounds with no early stop, then
// replays the engine's sequential procedure on it for each budget, look by look, exactly as
// measure.ts decides (isDecidedUnderLoad) and run-bench.ts judges (rowVerdict): when the
// procedure stops depends on the budget, the rounds it has seen do not.
//
// Run alone on the machine (it starts its own load):
//   npm run bench:load -- [repetitions] [--loads none,one,...] [--workloads equal,unequal] [--models threads,processes]
import { type ChildProcess, spawn } from 'node:child_process'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Piscina } from 'piscina'
import { isDecidedUnderLoad, rowEvidence, rowVerdict } from '../dist/analysis/row-verdict.js'
import { estimateSpeedup, lookLevel, lookPlan, median, sequentialCoverage } from '../dist/analysis/statistics.js'
import { type Measurement, measure } from '../dist/host/measure.js'
import { firstDecidingRound } from '../dist/host/options.js'
import type { BenchPool, PoolOptions } from '../dist/pools/pool.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import type { Model, RoundSample, VerdictStatus } from '../dist/types.js'
import { createRawForkPool } from './raw/fork-pool.mjs'
import { startBenchLoader } from './support/module-loader.mjs'
import { spin } from './workloads/spin.ts'

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    loads: { type: 'string', default: 'none,half,one,mid,bursty,two' },
    workloads: { type: 'string', default: 'equal,unequal' },
    models: { type: 'string', default: 'threads' },
    'task-ms': { type: 'string', default: '25' },
  },
})
const REPETITIONS = Number(positionals[0] ?? '5')
const WORKERS = 2
const TASK_MS = Number(flags['task-ms'])
const CONFIDENCE = 0.95
const MIN_ROUNDS = firstDecidingRound(CONFIDENCE)
const MAX_ROUNDS = 40
const RAW_ROUNDS = 30

type LoadKind = 'none' | 'half' | 'one' | 'mid' | 'bursty' | 'two'
type WorkloadKind = 'equal' | 'unequal'
type BudgetKind = 'below' | 'above' | 'bound'
const LOADS = flags.loads.split(',') as LoadKind[]
const WORKLOADS = flags.workloads.split(',') as WorkloadKind[]
const MODELS = flags.models.split(',') as Model[]

const WEIGHTS: Record<WorkloadKind, number[]> = { equal: [1, 1, 1, 1], unequal: [3, 1, 1] }
/** tasks / ⌈tasks / workers⌉ for equal tasks; total / longest-first makespan otherwise. */
const BOUNDS: Record<WorkloadKind, number> = { equal: 2, unequal: 5 / 3 }

// ── background load ───────────────────────────────────────────────────────

const HOG_CODE: Record<Exclude<LoadKind, 'none'>, string> = {
  one: 'for(;;){}',
  mid: 'for(;;){}',
  two: 'for(;;){}',
  half: 'const on=()=>{const t=performance.now();while(performance.now()-t<5);setTimeout(on,5)};on()',
  bursty: 'const on=()=>{const t=performance.now();while(performance.now()-t<150);setTimeout(on,150)};on()',
}

/** Starts the load; the returned function kills every hog by pid. */
function startLoad(kind: LoadKind, expectedRunMs: number): () => void {
  const hogs: ChildProcess[] = []
  const hog = (): void => {
    hogs.push(spawn(process.execPath, ['-e', HOG_CODE[kind as Exclude<LoadKind, 'none'>]], { stdio: 'ignore' }))
  }
  let timer: NodeJS.Timeout | undefined
  if (kind === 'mid') timer = setTimeout(hog, expectedRunMs / 3)
  else if (kind !== 'none') for (let i = 0; i < (kind === 'two' ? 2 : 1); i++) hog()
  return () => {
    clearTimeout(timer)
    for (const child of hogs) child.kill('SIGKILL')
  }
}

// ── workloads ─────────────────────────────────────────────────────────────

function calibrateIterations(ms: number): number {
  let iterations = 1_000_000
  spin(iterations)
  for (;;) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      spin(iterations)
      times.push(performance.now() - start)
    }
    const took = median(times)
    if (took >= ms / 4) return Math.round((iterations * ms) / took)
    iterations *= 4
  }
}
const ITERATIONS = calibrateIterations(TASK_MS)
const inputsOf = (workload: WorkloadKind): number[] => WEIGHTS[workload].map((w) => w * ITERATIONS)

// ── the quiet truth, by raw pools timed by hand ───────────────────────────

async function rawTruth(model: Model, inputs: number[]): Promise<number> {
  let run: (input: number) => Promise<unknown>
  let destroy: () => Promise<void>
  if (model === 'threads') {
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./raw/thread-worker.mjs', import.meta.url)),
      minThreads: WORKERS,
      maxThreads: WORKERS,
      concurrentTasksPerWorker: 1,
      workerData: { exportName: 'spin' },
      execArgv: [],
    })
    run = (input) => pool.run(input)
    destroy = () => pool.destroy()
  } else {
    const pool = createRawForkPool(WORKERS, { RAW_EXPORT: 'spin' })
    await pool.ready
    run = (input) => pool.run(input)
    destroy = () => pool.destroy()
  }
  const serial = async (): Promise<number> => {
    const start = performance.now()
    for (const input of inputs) await run(input)
    return performance.now() - start
  }
  const parallel = async (): Promise<number> => {
    let next = 0
    const start = performance.now()
    const lane = async (): Promise<void> => {
      while (next < inputs.length) await run(inputs[next++] as number)
    }
    await Promise.all(Array.from({ length: WORKERS }, lane))
    return performance.now() - start
  }
  try {
    await serial()
    await parallel()
    const logs: number[] = []
    for (let r = 0; r < RAW_ROUNDS; r++) {
      // ABBA, as the engine pairs its arms.
      let s: number
      let p: number
      if (r % 2 === 0) {
        s = await serial()
        p = await parallel()
      } else {
        p = await parallel()
        s = await serial()
      }
      logs.push(Math.log(s / p))
    }
    return Math.exp(median(logs))
  } finally {
    await destroy()
  }
}

// ── one measurement, replayed per budget ──────────────────────────────────

const SPIN_URL = new URL('./workloads/spin.ts', import.meta.url).href
const modules = await startBenchLoader(new URL('..', import.meta.url).pathname)

function createPool(model: Model): BenchPool {
  const options: PoolOptions = {
    size: WORKERS,
    setup: { target: { kind: 'module', url: SPIN_URL, exportName: 'spin' }, loader: modules.loader },
    taskTimeout: 30_000,
    startupTimeout: 60_000,
    maxMemoryMb: undefined,
  }
  return model === 'threads' ? createThreadPool(options) : createProcessPool(options)
}

async function record(model: Model, inputs: number[]): Promise<Measurement> {
  const pool = createPool(model)
  try {
    const [m] = await measure({
      pools: [
        { pool, workload: { tasks: inputs.length, input: (i) => inputs[i], transfer: false }, target: undefined },
      ],
      options: { time: 120_000, minRounds: MAX_ROUNDS, maxRounds: MAX_ROUNDS, warmupRounds: 1, confidence: CONFIDENCE },
    })
    return m as Measurement
  } finally {
    await pool.destroy()
  }
}

interface Replay {
  status: VerdictStatus
  basis: string | undefined
  rounds: number
  measured: number
  onCpuGot: number | undefined
  parallelShare: number | undefined
}

/** The engine's sequential procedure on the first rounds of a recorded run, for one budget. */
function replay(rounds: RoundSample[], target: number): Replay {
  const plan = lookPlan(CONFIDENCE, MIN_ROUNDS, MAX_ROUNDS)
  const coverage = sequentialCoverage(plan)
  let n = MIN_ROUNDS
  for (; n <= rounds.length; n++) {
    const seen = rounds.slice(0, n)
    const level = lookLevel(plan, n)
    if (isDecidedUnderLoad(estimateSpeedup(seen, WORKERS, level), rowEvidence(seen, WORKERS, level), target)) break
  }
  n = Math.min(n, rounds.length)
  const seen = rounds.slice(0, n)
  const level = lookLevel(plan, n)
  const measured = { ...estimateSpeedup(seen, WORKERS, level) }
  measured.confidence = Math.min(measured.confidence, coverage)
  const evidence = rowEvidence(seen, WORKERS, level)
  const verdict = rowVerdict({
    measured,
    evidence,
    target,
    option: 'minSpeedup',
    workers: WORKERS,
    starvedByFallback: false,
  })
  return {
    status: verdict.status,
    basis: verdict.basis,
    rounds: n,
    measured: measured.speedup,
    onCpuGot: evidence.onCpuGot?.speedup,
    parallelShare: evidence.load?.parallelShare,
  }
}

// ── main ──────────────────────────────────────────────────────────────────

console.log('vitest-parallel-bench: verdicts on a busy machine (bench/load.ts, issue 18)')
console.log(
  `machine: ${cpus()[0]?.model ?? '?'}, ${availableParallelism()} cores, Node ${process.version}; ${WORKERS} workers, tasks ≈ ${TASK_MS} ms per weight unit; ` +
    `procedure: minRounds ${MIN_ROUNDS}, maxRounds ${MAX_ROUNDS}, confidence ${CONFIDENCE}; ${REPETITIONS} repetitions\n`,
)

const x = (value: number | undefined): string => (value === undefined ? '—' : `${value.toFixed(2)}x`)
const pct = (value: number | undefined): string => (value === undefined ? '—' : `${Math.round(value * 100)}%`)

interface Cell {
  budget: BudgetKind
  statuses: VerdictStatus[]
}
const table: {
  model: Model
  workload: WorkloadKind
  load: LoadKind
  truth: number
  cells: Cell[]
  errors: number[]
}[] = []
for (const model of MODELS) {
  for (const workload of WORKLOADS) {
    const inputs = inputsOf(workload)
    const truth = await rawTruth(model, inputs)
    console.log(
      `${model} ${workload}: quiet truth by raw pools timed by hand ${x(truth)} (bound ${x(BOUNDS[workload])})`,
    )
    const budgets: Record<BudgetKind, number> = {
      below: truth * 0.9,
      above: truth * 1.1,
      bound: BOUNDS[workload] * 1.1,
    }
    for (const load of LOADS) {
      const row = {
        model,
        workload,
        load,
        truth,
        cells: (Object.keys(budgets) as BudgetKind[]).map((budget) => ({ budget, statuses: [] as VerdictStatus[] })),
        errors: [] as number[],
      }
      table.push(row)
      for (let rep = 0; rep < REPETITIONS; rep++) {
        const roundMs = TASK_MS * inputs.reduce((a, b) => a + b, 0) * (1.5 / ITERATIONS)
        const stop = startLoad(load, roundMs * MAX_ROUNDS)
        let m: Measurement
        try {
          m = await record(model, inputs)
        } finally {
          stop()
        }
        const line: string[] = []
        for (const cell of row.cells) {
          const r = replay(m.rounds, budgets[cell.budget])
          cell.statuses.push(r.status)
          line.push(`${cell.budget} ${r.status}${r.basis === 'bound' ? '(bound)' : ''}@${r.rounds}`)
        }
        const full = replay(m.rounds, Number.POSITIVE_INFINITY)
        const judged = full.onCpuGot ?? full.measured
        row.errors.push(judged / truth - 1)
        console.log(
          `  ${load.padEnd(6)} rep ${rep + 1}: measured ${x(full.measured)}, on the CPU it got ${x(full.onCpuGot)} ` +
            `(delay ${pct(full.parallelShare)} of the parallel arm) | ${line.join(' · ')}`,
        )
      }
    }
  }
}
await modules.close()

console.log(
  '\nConfusion table: verdicts per budget (PASS / FAIL / INCONCLUSIVE), and the judged speedup against the quiet truth',
)
console.log(
  'model    workload  load     truth   | 10% below truth | 10% above truth | above the bound | judged − truth (median)',
)
for (const row of table) {
  const counts = (cell: Cell): string => {
    const n = (status: VerdictStatus): number => cell.statuses.filter((s) => s === status).length
    return `${n('PASS')}/${n('FAIL')}/${n('INCONCLUSIVE')}`.padEnd(15)
  }
  console.log(
    `${row.model.padEnd(8)} ${row.workload.padEnd(9)} ${row.load.padEnd(8)} ${x(row.truth).padEnd(7)} | ${row.cells.map(counts).join(' | ')} | ${(100 * median(row.errors)).toFixed(1)}%`,
  )
}
