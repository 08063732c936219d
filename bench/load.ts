// Verdicts on a busy machine (issue 18, DESIGN §4): do budgets hold when other processes compete
// for the CPU? A matrix of workloads × background load × budgets, on real pools, against the
// quiet truth measured in the same run by raw pools timed by hand (no harness).
//
// Workloads (2 workers, fixed work: iteration counts, never time-based spinning):
//   equal    4 equal xorshift tasks: structural bound 2.00x
//   unequal  xorshift tasks of 3:1:1 cost: no pool of 2 can beat 5/3 = 1.67x (the longest task alone)
//   small    16 equal xorshift tasks of ~1.6 ms: many short calls, a wake-up each
//   async    4 equal async PBKDF2 calls: the work runs on libuv's thread pool, the calling thread waits
//   helper   4 equal xorshift tasks done by a long-lived helper process each worker starts (a
//            compiler's service process): the calling thread waits on a pipe
// Background load (child processes started here, killed by pid):
//   none, half (a duty-cycle hog: 5 ms on, 5 ms off), one (a spinning core), mid (one hog that
//   starts a third of the way into the run), bursty (150 ms on, 150 ms off), two (two spinning
//   cores: more than a 2-core machine can serve beside the pool)
// Budgets: truth × 0.9 (should PASS), truth × 1.1 (should FAIL), the same replayed as if the batch
// had no structural bound (for CPU-bound work the truth lies at the bound, which would otherwise
// decide it: this asks whether the interval alone fails it), structural bound × 1.1 (must FAIL,
// never be excused).
// Each repetition records one measurement of up to maxRounds rounds with no early stop, then
// replays the engine's sequential procedure on it for each budget, look by look, exactly as
// measure.ts decides (isDecidedUnderLoad) and run-bench.ts judges (rowVerdict): when the
// procedure stops depends on the budget, the rounds it has seen do not.
//
// Run alone on the machine (it starts its own load):
//   npm run bench:load -- [repetitions] [--loads none,one,...] [--workloads equal,unequal] [--models threads,processes]
//     [--task-ms 25] [--dump rounds.jsonl]
import { spawnSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { judgedEstimate } from '../dist/analysis/load-correction.js'
import { firstDecidingRound } from '../dist/analysis/rounds.js'
import { isDecidedUnderLoad, rowEvidence, rowVerdict } from '../dist/analysis/row-verdict.js'
import { estimateSpeedup, lookLevel, lookPlan, median, sequentialCoverage } from '../dist/analysis/statistics.js'
import { type Measurement, measure } from '../dist/host/measure.js'
import type { BenchPool, PoolOptions } from '../dist/pools/pool.js'
import { createProcessPool } from '../dist/pools/process-pool.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'
import type { Model as AnyModel, RoundSample, VerdictStatus } from '../dist/types.js'

/** The pools this bench measures (async concurrency is bench/async-accuracy.ts's). */
type Model = Exclude<AnyModel, 'async'>

import { startBenchLoader } from './support/module-loader.mjs'
import { abbaRounds, calibrateIterations, startRawPool, timeLanes, timeSerial } from './support/raw-timing.ts'
import { derive } from './workloads/off-thread.mjs'
import { spin } from './workloads/spin.ts'

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    loads: { type: 'string', default: 'none,half,one,mid,bursty,two' },
    workloads: { type: 'string', default: 'equal,unequal' },
    models: { type: 'string', default: 'threads' },
    'task-ms': { type: 'string', default: '25' },
    // Writes every recorded measurement's rounds (JSON lines) for study offline.
    dump: { type: 'string' },
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
type WorkloadKind = 'equal' | 'unequal' | 'small' | 'async' | 'helper'
type BudgetKind = 'below' | 'above' | 'above-interval' | 'bound'
const LOADS = flags.loads.split(',') as LoadKind[]
const WORKLOADS = flags.workloads.split(',') as WorkloadKind[]
const MODELS = flags.models.split(',') as Model[]

const SPIN_URL = new URL('./workloads/spin.ts', import.meta.url).href
const OFF_THREAD_URL = new URL('./workloads/off-thread.mjs', import.meta.url).href
const WORKLOADS_SPEC: Record<WorkloadKind, { url: string; exportName: string; weights: number[]; bound: number }> = {
  equal: { url: SPIN_URL, exportName: 'spin', weights: [1, 1, 1, 1], bound: 2 },
  // Total over the longest-first makespan: 5 units over the longest task's 3.
  unequal: { url: SPIN_URL, exportName: 'spin', weights: [3, 1, 1], bound: 5 / 3 },
  // 16 tasks of 1/16 unit (~1.6 ms): the run-queue delay of many short calls.
  small: { url: SPIN_URL, exportName: 'spin', weights: new Array(16).fill(1 / 16), bound: 2 },
  async: { url: OFF_THREAD_URL, exportName: 'derive', weights: [1, 1, 1, 1], bound: 2 },
  helper: { url: OFF_THREAD_URL, exportName: 'viaHelper', weights: [1, 1, 1, 1], bound: 2 },
}

// ── background load ───────────────────────────────────────────────────────

const HOG_CODE: Record<Exclude<LoadKind, 'none'>, string> = {
  one: 'for(;;){}',
  mid: 'for(;;){}',
  two: 'for(;;){}',
  half: 'const on=()=>{const t=performance.now();while(performance.now()-t<5);setTimeout(on,5)};on()',
  bursty: 'const on=()=>{const t=performance.now();while(performance.now()-t<150);setTimeout(on,150)};on()',
}

/**
 * Starts the load; the returned function kills every hog by pid. Each hog is started through a
 * shell that exits at once, so it belongs to init, not to this process: here this process is the
 * pools' host, and a hog below it would count as our own tree (as fn's helper processes do).
 */
function startLoad(kind: LoadKind, expectedRunMs: number): () => void {
  const hogs: number[] = []
  const hog = (): void => {
    const code = HOG_CODE[kind as Exclude<LoadKind, 'none'>].replace(/'/g, `'\\''`)
    const started = spawnSync('sh', ['-c', `'${process.execPath}' -e '${code}' >/dev/null 2>&1 & echo $!`], {
      encoding: 'utf8',
    })
    const pid = Number(started.stdout.trim())
    if (Number.isInteger(pid) && pid > 0) hogs.push(pid)
  }
  let timer: NodeJS.Timeout | undefined
  if (kind === 'mid') timer = setTimeout(hog, expectedRunMs / 3)
  else if (kind !== 'none') for (let i = 0; i < (kind === 'two' ? 2 : 1); i++) hog()
  return () => {
    clearTimeout(timer)
    for (const pid of hogs) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }
}

// ── workloads ─────────────────────────────────────────────────────────────

const ITERATIONS = calibrateIterations(spin, TASK_MS)

/** PBKDF2 iterations that take about `ms` here, one call at a time. */
async function calibrateDerive(ms: number): Promise<number> {
  let iterations = 1000
  for (;;) {
    const start = performance.now()
    await derive(iterations)
    const took = performance.now() - start
    if (took >= ms / 4) return Math.round((iterations * ms) / took)
    iterations *= 4
  }
}
const DERIVE_ITERATIONS = WORKLOADS.includes('async') ? await calibrateDerive(TASK_MS) : 0
const inputsOf = (workload: WorkloadKind): number[] =>
  WORKLOADS_SPEC[workload].weights.map((w) => Math.round(w * (workload === 'async' ? DERIVE_ITERATIONS : ITERATIONS)))

// ── the quiet truth, by raw pools timed by hand ───────────────────────────

async function rawTruth(model: Model, workload: WorkloadKind, inputs: number[]): Promise<number> {
  const { url, exportName } = WORKLOADS_SPEC[workload]
  const { run, destroy } = await startRawPool(model, WORKERS, exportName, url.endsWith('.ts') ? RAW_WORK_URL : url)
  const parallel = (): Promise<number> => timeLanes(run, inputs, WORKERS)
  try {
    const { serialMs, parallelMs } = await abbaRounds(() => timeSerial(run, inputs), parallel, RAW_ROUNDS)
    return Math.exp(median(serialMs.map((s, r) => Math.log(s / (parallelMs[r] as number)))))
  } finally {
    await destroy()
  }
}

// ── one measurement, replayed per budget ──────────────────────────────────

/** The raw pools run plain JavaScript: work.mjs has the same xorshift spin as workloads/spin.ts. */
const RAW_WORK_URL = new URL('./raw/work.mjs', import.meta.url).href
const modules = await startBenchLoader(new URL('..', import.meta.url).pathname)

function createPool(model: Model, workload: WorkloadKind): BenchPool {
  const { url, exportName } = WORKLOADS_SPEC[workload]
  const options: PoolOptions = {
    size: WORKERS,
    setup: { target: { kind: 'module', url, exportName }, loader: modules.loader },
    taskTimeout: 30_000,
    startupTimeout: 60_000,
    maxMemoryMb: undefined,
  }
  return model === 'threads' ? createThreadPool(options) : createProcessPool(options)
}

async function record(model: Model, workload: WorkloadKind, inputs: number[]): Promise<Measurement> {
  const pool = createPool(model, workload)
  const equalTasks = new Set(inputs).size === 1
  try {
    const [m] = await measure({
      pools: [
        {
          pool,
          workload: { tasks: inputs.length, input: (i) => inputs[i], transfer: false, equalTasks },
          target: undefined,
        },
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

/**
 * The engine's sequential procedure on the first rounds of a recorded run, for one budget;
 * `intervalOnly`: as if the batch had no structural bound, so that the interval (measured or
 * corrected) decides a budget the bound would otherwise rule out.
 */
function replay(rounds: RoundSample[], target: number, equalTasks: boolean, intervalOnly = false): Replay {
  const evidenceOf = (seen: RoundSample[], level: number) => {
    const evidence = rowEvidence(seen, WORKERS, level, equalTasks)
    return intervalOnly ? { ...evidence, bound: undefined } : evidence
  }
  const plan = lookPlan(CONFIDENCE, MIN_ROUNDS, MAX_ROUNDS)
  const coverage = sequentialCoverage(plan)
  let n = MIN_ROUNDS
  for (; n <= rounds.length; n++) {
    const seen = rounds.slice(0, n)
    const level = lookLevel(plan, n)
    const evidence = evidenceOf(seen, level)
    if (isDecidedUnderLoad(estimateSpeedup(seen, WORKERS, level), evidence, target)) break
  }
  n = Math.min(n, rounds.length)
  const seen = rounds.slice(0, n)
  const level = lookLevel(plan, n)
  const measured = { ...estimateSpeedup(seen, WORKERS, level) }
  measured.confidence = Math.min(measured.confidence, coverage)
  const evidence = evidenceOf(seen, level)
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
    const truth = await rawTruth(model, workload, inputs)
    const bound = WORKLOADS_SPEC[workload].bound
    const equalTasks = new Set(inputs).size === 1
    console.log(`${model} ${workload}: quiet truth by raw pools timed by hand ${x(truth)} (bound ${x(bound)})`)
    const budgets: Record<BudgetKind, number> = {
      below: truth * 0.9,
      above: truth * 1.1,
      'above-interval': truth * 1.1,
      bound: bound * 1.1,
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
        const roundMs = TASK_MS * WORKLOADS_SPEC[workload].weights.reduce((a, b) => a + b, 0) * 1.5
        const stop = startLoad(load, roundMs * MAX_ROUNDS)
        let m: Measurement
        try {
          m = await record(model, workload, inputs)
        } finally {
          stop()
        }
        if (flags.dump !== undefined)
          appendFileSync(flags.dump, `${JSON.stringify({ model, workload, load, truth, rep, rounds: m.rounds })}\n`)
        const line: string[] = []
        for (const cell of row.cells) {
          const r = replay(m.rounds, budgets[cell.budget], equalTasks, cell.budget === 'above-interval')
          cell.statuses.push(r.status)
          line.push(`${cell.budget} ${r.status}${r.basis === 'bound' ? '(bound)' : ''}@${r.rounds}`)
        }
        const full = replay(m.rounds, Number.POSITIVE_INFINITY, equalTasks)
        // The error is the judged speedup's over every recorded round, not the first decided look's.
        const judged = judgedEstimate(m.rounds, WORKERS, CONFIDENCE).estimate.speedup
        row.errors.push(judged / truth - 1)
        console.log(
          `  ${load.padEnd(6)} rep ${rep + 1}: judged over ${m.rounds.length} rounds ${x(judged)}; at the first look measured ${x(full.measured)}, on the CPU it got ${x(full.onCpuGot)} ` +
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
  'model    workload  load     truth   | 10% below truth | 10% above truth | same, bound ignored | above the bound | judged − truth (median)',
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
