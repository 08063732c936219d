// Shapes shared by the measurement engine, the verdict logic and the reporters.
// Everything here is plain data: it is stored in `task.meta`, survives blob
// reports + `--merge-reports`, and is written to the JSON output with its facts put in words
// (report/json.ts). Facts, not sentences: see facts.ts.

import type { Diagnostic, NoBaseline, RegressionNote, VerdictReason } from './contracts/facts.js'
import type { BenchErrorCode } from './errors.js'

/** `async`: up to `workers` calls of fn in flight in one worker thread, no pool (worker/concurrent-batch.ts). */
export type Model = 'async' | 'threads' | 'processes'
export type Level = 'error' | 'warn' | 'off'
export type Baseline = 'worker' | 'inline'
export type BenchKind = Model | 'compare'

/** The second form of a bench: the function is an export of a module (for heavy or unusual set-ups). */
export interface ModuleFunction {
  /** The module, e.g. `new URL('./work.ts', import.meta.url)`, or an absolute path / file URL string. */
  module: URL | string
  /** Name of the exported function. */
  export: string
}

export type BenchSubject<Input> = ((input: Input) => unknown) | ModuleFunction

/**
 * - `PASS`: the interval's lower bound reaches the budget.
 * - `FAIL`: the interval's upper bound is below the budget.
 * - `INCONCLUSIVE`: the interval straddles the budget (or the workers were starved).
 * - `SKIPPED`: only this machine cannot reach the budget (too few effective cores).
 * - `MEASURED`: no budget was set; the numbers are reported only.
 */
export type VerdictStatus = 'PASS' | 'FAIL' | 'INCONCLUSIVE' | 'SKIPPED' | 'MEASURED'

/** One paired round: the serial arm and the parallel arm, run back to back. */
export interface RoundSample {
  /** Which arm ran first (alternates round by round, ABBA). */
  order: 'serial-first' | 'parallel-first'
  /** Wall time of the serial arm (all tasks on one worker), host clock, ms. */
  serialMs: number
  /** Wall time of the parallel arm (the same tasks across the pool), host clock, ms. */
  parallelMs: number
  /** Sum over tasks of the time the worker spent inside `fn`, serial arm, ms. */
  serialBusyMs: number
  /** Sum over tasks of the time the workers spent inside `fn`, parallel arm, ms. */
  parallelBusyMs: number
  /** Sum over tasks of the CPU time of the workers, parallel arm, ms (undefined when the platform cannot tell). */
  parallelCpuMs?: number | undefined
  /** CPU time that processes outside our own tree used during the parallel arm, ms, tick-grained (Linux; undefined where it cannot be told). */
  parallelOtherMs?: number | undefined
  /** The same for the serial arm: with parallelOtherMs, the most other load can have delayed the rounds. */
  serialOtherMs?: number | undefined
  /**
   * Run-queue delay (Linux schedstat: time runnable but waiting for a CPU) of the thread calling fn,
   * inside the calls, summed over the serial arm's tasks, ms. Undefined where the platform cannot
   * tell, or for tasks under 1 ms.
   */
  serialDelayMs?: number | undefined
  /** The same, summed over every task of the parallel arm (on every worker), ms. */
  parallelDelayMs?: number | undefined
  /**
   * The serial arm's run-queue delay on its critical path, ms: its worker's, inside the calls and
   * waking up to take each task (and, where fn's work runs off the calling thread, its helper
   * threads' and processes'). One task at a time, so all of it.
   */
  serialPathDelayMs?: number | undefined
  /**
   * The parallel arm's run-queue delay on its critical path, ms: how much sooner the pool's
   * first-free-worker schedule would have ended had no task waited for a CPU (never more than the
   * tasks' delay together).
   */
  parallelPathDelayMs?: number | undefined
  /**
   * Of serialPathDelayMs, the part our own threads can have caused (the host thread, messaging, V8's
   * helpers: the CPU they spent beside the calling threads), ms; it stays in. Undefined where it was not read
   * (the readings around the arm failed, or not Linux): then all of the path delay counts as load.
   */
  serialSelfDelayMs?: number | undefined
  /** The same for parallelPathDelayMs. */
  parallelSelfDelayMs?: number | undefined
  /** The longest single task inside fn in the serial arm, ms: no pool finishes a batch sooner. */
  serialLongestMs?: number | undefined
  /** Time inside fn of each task in the serial arm, in dispatch (input) order, ms: the spread of task costs. */
  serialTaskMs?: number[] | undefined
  /** Run-queue delay of each task in the serial arm, in dispatch order, ms: the task costs on the CPU are the difference. */
  serialTaskDelayMs?: number[] | undefined
  /**
   * Tiny tasks only: the whole batch called in one loop inside a worker, ms. Below ~50 µs a task,
   * timing each call would mostly time the clock; this is then the inline cost instead of serialBusyMs.
   */
  inlineMs?: number | undefined
}

export interface SpeedupEstimate {
  /** exp(median of the per-round log-ratios). */
  speedup: number
  /** Lower bound of the confidence interval for the speedup. */
  low: number
  /** Upper bound of the confidence interval for the speedup. */
  high: number
  /** Confidence level of [low, high], e.g. 0.95. */
  confidence: number
  /** speedup / workers. */
  efficiency: number
}

export interface Verdict {
  status: VerdictStatus
  /** Why this status, as data (report/summary/facts.ts `verdictReasonText` says it in one sentence). */
  why: VerdictReason
  /** The speedup the budget asks for (minSpeedup, or minEfficiency × workers), when a budget is set. */
  target?: number | undefined
  /**
   * What the verdict rests on: the measured speedup; the speedup on the CPU the pool got (the
   * run-queue delay taken out, when other load made it material); or the batch's structural bound
   * (a budget above what its tasks allow FAILs under any load).
   */
  basis?: 'measured' | 'on-cpu-got' | 'bound' | undefined
}

/** The measurement of one model at one pool size. */
export interface ModelResult {
  model: Model
  workers: number
  tasks: number
  rounds: RoundSample[]
  /** Spawn → ready (bench file loaded) per worker, ms. */
  startupMs: number[]
  /** Median per-task cost of dispatch + messaging + result return, ms (wall latency minus time in `fn`). */
  roundTripMs: number
  /** Inline cost of one task: time inside `fn` per task in the serial arm (no messaging), median over rounds, ms. */
  callMs?: number | undefined
  /** Memory added per worker after the run, bytes: a child's private memory (USS), or the host's RSS growth per thread. */
  memoryBytes?: number | undefined
  estimate: SpeedupEstimate
  /**
   * Net speedup vs calling fn inline: the serial arm's time inside fn (the whole batch, every input,
   * no messaging) over the parallel batch time, paired per round; exp(median). Does parallelism pay at all?
   */
  netSpeedup?: number | undefined
  /** The interval of `netSpeedup`, at the speedup's confidence (`high` is null in JSON when unbounded). */
  netInterval?: { low: number; high: number } | undefined
  /**
   * The speedup on the CPU the pool got: each arm's wall time less the run-queue delay on its
   * critical path, paired per round (analysis/load-correction.ts). Present when other load made the
   * delay material; the verdict was then drawn on it. `high` is null in JSON when unbounded.
   */
  onCpuGot?: { speedup: number; low: number; high: number; confidence: number } | undefined
  /** Median share of each arm's wall time spent waiting for a CPU (Linux schedstat); absent where not measured. */
  runQueueDelay?: { serialShare: number; parallelShare: number } | undefined
  /** The most any pool of this size can speed the batch up, from its measured task costs. */
  structuralBound?: number | undefined
  verdict: Verdict
  /** This row against the same row of a stored run (`compareWith`); absent when no baseline was set or it could not be read. */
  regression?: Regression | undefined
  /** Diagnostics for the reader: too-small tasks, starved workers, overridden level, ... (words: report/summary/facts.ts). */
  diagnostics: Diagnostic[]
}

/** Which of two models runs the batch faster, by absolute parallel batch time, with an interval on the ratio. */
export interface ModelRanking {
  /** The pair ranked: `ratio` is the first's batch time over the second's. Absent in older results: threads, processes. */
  models?: [Model, Model] | undefined
  /** Undefined when the interval cannot tell. */
  faster: Model | undefined
  /** The first model's parallel batch time / the second's (median of the paired rounds), and its interval. */
  ratio: number
  low: number
  high: number
  confidence: number
  /** The pool size compared: the largest both models were measured at. */
  workers: number
}

/** A speedup predicted by a model, not measured, with the range the measured intervals allow. */
export interface PredictedSpeedup {
  workers: number
  speedup: number
  low: number
  high: number
}

/** What one model's measured pool sizes say about pool sizes: advice, and a model-based prediction. */
export interface ScalingSummary {
  model: Model
  /**
   * Amdahl's serial fraction fitted to the measured speedups (the point 1 worker = 1x is implied),
   * and the fits to the intervals' upper and lower bounds (`low` is the optimistic one).
   */
  serialFraction: { value: number; low: number; high: number }
  /** The smallest measured pool reaching 90% of the best measured speedup, and the memory its workers add. */
  advice: { workers: number; speedup: number; memoryBytes?: number | undefined }
  /**
   * Amdahl's law with the fitted serial fraction at larger pools than measured, capped by the
   * batch (tasks / ⌈tasks / workers⌉): a prediction from a model, not a measurement.
   */
  predictions: PredictedSpeedup[]
}

/**
 * How a row compares with the same row (file, full name, model, pool size) of a stored run:
 * - `PASS`: the interval's lower bound on the change is ≥ 1 − maxRegression;
 * - `IMPROVED`: a PASS whose lower bound is above 1 (measurably faster than the baseline);
 * - `FAIL`: the interval's upper bound is below 1 − maxRegression (fails the test at level `error`);
 * - `INCONCLUSIVE`: the interval straddles 1 − maxRegression, or a FAIL while the workers were starved;
 * - `NEW`: no comparable row in the baseline.
 */
export type RegressionStatus = 'PASS' | 'IMPROVED' | 'FAIL' | 'INCONCLUSIVE' | 'NEW'

/** A row with nothing to compare with: the bench is new, or its baseline row is not comparable. */
export interface RegressionNew {
  status: 'NEW'
  /** Why there is no comparison. */
  why: NoBaseline
  maxRegression: number
}

/** A row compared with its baseline row, on the per-round log-ratios of both runs. */
export interface RegressionComparison {
  status: Exclude<RegressionStatus, 'NEW'>
  /** What the reader should know beside the numbers (report/summary/facts.ts `regressionText` says it all in one line). */
  notes: RegressionNote[]
  /** The share of the speedup that may be lost, e.g. 0.1. */
  maxRegression: number
  /**
   * `speedup`; or `efficiency` = speedup / min(workers, effective cores) when that capacity differs
   * between the runs (different effective cores), so a smaller machine is not read as a regression.
   */
  metric: 'speedup' | 'efficiency'
  /** The baseline row: its speedup (exp of the median log-ratio), pool size, machine and round count. */
  baseline: { speedup: number; workers: number; effectiveCores: number; rounds: number }
  /** This run's speedup and effective cores. */
  now: { speedup: number; effectiveCores: number }
  /** now / baseline of the metric: exp(Hodges–Lehmann shift between the two runs' per-round log-ratios). */
  change: number
  /** Bounds of the change's distribution-free (Mann–Whitney) interval; `high` is null in JSON when unbounded. */
  low: number
  high: number
  /** Achieved coverage of [low, high], at least the row's confidence. */
  confidence: number
}

export type Regression = RegressionNew | RegressionComparison

/** The stored run a bench was compared with (`compareWith`): where it is, when it was measured, or why it could not be read. */
export interface ComparedWith {
  /** The path as given (the option's value, or the environment variable's). */
  file: string
  /** Where the path came from: `compareWith`, or VITEST_PARALLEL_BENCH_COMPARE_WITH. */
  from: 'option' | 'environment'
  /** The stored run's `generatedAt`. */
  generatedAt?: string | undefined
  /** Why nothing could be compared (missing file, bad JSON, another schema); absent when it was read. */
  problem?: string | undefined
  /** Rows of the stored run that could not be used (no valid rounds, unknown model). */
  skippedRows: number
}

export interface BenchResult {
  /** Result schema version, bumped on breaking changes. */
  schema: 1
  name: string
  kind: BenchKind
  /** Test file, relative to the Vitest root. */
  file: string
  /** Full test title including describe blocks. */
  fullName: string
  /** Options after defaults and validation (functions are omitted). */
  options: Record<string, unknown>
  results: ModelResult[]
  /** For `benchCompare`: threads' parallel batch time against processes', paired round by round. */
  ranking?: ModelRanking | undefined
  /** For `benchCompare`: every pair of its models (async, threads, processes), each paired round by round. */
  rankings?: ModelRanking[] | undefined
  /** Per model: the pool size to use, and what Amdahl's law predicts on larger machines. */
  scaling?: ScalingSummary[] | undefined
  /** The machine that measured it (after --merge-reports, not necessarily the one reporting). */
  environment?: EnvironmentInfo | undefined
  /** The stored run its rows were compared with, when `compareWith` (or its environment variable) was set. */
  comparedWith?: ComparedWith | undefined
  /** Set when the bench failed to measure (error in fn, timeout, ...). */
  error?: { code: BenchErrorCode; message: string } | undefined
  /** `latency: true`: what one call costs inline and through each warm pool (tinybench). */
  latency?: LatencyResult | undefined
}

/** Where one call ran: `inline` = `fn` called directly inside a worker (the time inside fn). */
export type LatencyPath = 'inline' | Model

/** One latency distribution, as tinybench's statistics give it (ms). */
export interface LatencyRow {
  path: LatencyPath
  /** Calls in flight at once: 1, or the pool size (tinybench `concurrency: 'task'`, `threshold`). */
  inFlight: number
  samples: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  maxMs: number
}

/** `latency: true`: per-call latency on the largest pool, measured after its rounds. */
export interface LatencyResult {
  /** The pool size the calls went through, and the calls in flight of the concurrent rows. */
  workers: number
  /** `latencyTime`, ms: shared equally by the rows. */
  budgetMs: number
  /** How long the latency step took, ms (at most the budget plus one call per row). */
  elapsedMs: number
  rows: LatencyRow[]
}

export interface EnvironmentInfo {
  node: string
  platform: string
  arch: string
  cpu: string
  /** os.availableParallelism() */
  cores: number
  /** min(availableParallelism, affinity, cgroup quota) */
  effectiveCores: number
  vitest: string
  /** The machine's label in a merged run: `VITEST_BLOB_LABEL` where it was set, else absent. */
  label?: string | undefined
}

/** The test artifact that carries a bench's whole result (every round) from the bench test to the reporter. */
export const RESULT_ARTIFACT = 'vitest-parallel-bench:result'

/**
 * What `task.meta.parallelBench` holds once a bench has finished, for the Vitest UI and HTML report
 * to show: one small row per (model, pool size); the whole result is in the artifact and the JSON report.
 */
export interface BenchSummary {
  rows: { model: Model; workers: number; speedup: number; interval: [number, number | null]; verdict: string }[]
  error?: string | undefined
  /** Where the rest is. */
  details: string
}
