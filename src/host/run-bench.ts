// Host side of one bench test: resolve options, check the budget can be met,
// measure each model (and pool size), judge, record, and fail when asked to.
// Loaded lazily by the helpers, so bench files never load pools at collection.
import { isAbsolute, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { TestContext } from 'vitest'
import { benchOutcome } from '../analysis/outcome.js'
import { baselineRowFor, compareWithBaseline, type RegressionRow } from '../analysis/regression.js'
import { rowVerdict } from '../analysis/row-verdict.js'
import { scalingSummary } from '../analysis/scaling.js'
import { lookPlan } from '../analysis/statistics.js'
import {
  budgetFeasibility,
  budgetOption,
  budgetTarget,
  contention,
  dispatchOrder,
  granularity,
  parallelSlowdown,
  rankModels,
  taskBalance,
} from '../analysis/verdict.js'
import { describeThrown, ParallelBenchError } from '../errors.js'
import { cpuCapacity } from '../machine/effective-cores.js'
import { environmentInfo } from '../machine/environment.js'
import { descendants, processTree } from '../machine/process-tree.js'
import { baselineNotice, benchIdentity, comparedWith } from '../plugin/baseline-file.js'
import type { BenchPool, PoolOptions } from '../pools/pool.js'
import { createProcessPool } from '../pools/process-pool.js'
import { createThreadPool } from '../pools/thread-pool.js'
import { CHART_ANNOTATION, chartAttachment } from '../report/svg.js'
import { recommendation } from '../report/terminal.js'
import type {
  BenchKind,
  BenchResult,
  BenchSubject,
  EnvironmentInfo,
  Model,
  ModelResult,
  ModuleFunction,
  Regression,
  SpeedupEstimate,
  Verdict,
} from '../types.js'
import { hostModuleExport } from '../worker/load-target.js'
import type { LoaderSetup } from '../worker/module-runner.js'
import type { BenchTarget } from '../worker/protocol.js'
import { type BenchFunction, benchKey } from '../worker/registry.js'
import { type Measurement, measure, type PoolUnderTest } from './measure.js'
import { LEVEL_ENV, type ProvidedSettings, type ResolvedOptions, reportableOptions, resolveOptions } from './options.js'

export interface RunBenchInput {
  kind: BenchKind
  name: string
  subject: BenchSubject<unknown>
  options: unknown
  context: TestContext
  /** From the plugin; undefined when the bench file runs outside the project parallelBench() adds. */
  settings: ProvidedSettings | undefined
  /** Stack frames of the user's call to the helper (for errors that are the user's line). */
  definedAt?: string | undefined
}

const HELPER_NAMES: Record<BenchKind, string> = {
  threads: 'benchThreads',
  processes: 'benchProcesses',
  compare: 'benchCompare',
}

/** Read once per test worker: it walks /proc and the cgroup files. */
let environment: EnvironmentInfo | undefined

function moduleUrl(subject: ModuleFunction): string {
  const { module } = subject
  if (module instanceof URL) return module.href
  if (typeof module === 'string' && module.startsWith('file:')) return module
  if (typeof module === 'string' && isAbsolute(module)) return pathToFileURL(module).href
  throw new TypeError(
    `\`module\` must be a URL (e.g. new URL('./work.ts', import.meta.url)) or an absolute path, got ${JSON.stringify(module)}`,
  )
}

function benchTarget(input: RunBenchInput): BenchTarget {
  const { subject, context, kind, name } = input
  if (typeof subject === 'function') {
    const suitePath: string[] = []
    for (let suite = context.task.suite; suite !== undefined && suite !== context.task.file; suite = suite.suite) {
      suitePath.unshift(suite.name)
    }
    return { kind: 'file', file: context.task.file.filepath, key: benchKey(kind, suitePath, name) }
  }
  if (subject === null || typeof subject !== 'object' || typeof subject.export !== 'string') {
    throw new TypeError(`the second argument must be a function or { module, export }, got ${String(subject)}`)
  }
  return { kind: 'module', url: moduleUrl(subject), exportName: subject.export }
}

/** The function for the inline baseline, loaded once per bench: the user's own, or the module's export. */
async function inlineBaseline(
  target: BenchTarget,
  subject: BenchSubject<unknown>,
  loader: LoaderSetup,
): Promise<{ fn: BenchFunction; close: () => Promise<void> }> {
  if (target.kind === 'module') return hostModuleExport(target.url, target.exportName, loader)
  return { fn: subject as BenchFunction, close: async () => {} }
}

function workloadInput(options: ResolvedOptions): (index: number) => unknown {
  const { input } = options
  return typeof input === 'function' ? (input as (index: number) => unknown) : () => input
}

/**
 * Measures one pool size for every model in the same rounds (a compare pairs threads with
 * processes round by round), then judges each row.
 */
async function measureRows(
  models: readonly Model[],
  workers: number,
  target: BenchTarget,
  options: ResolvedOptions,
  input: RunBenchInput,
  loader: LoaderSetup,
  inlineFn: BenchFunction | undefined,
  warnings: string[],
  skipReason: string | undefined,
  compare: ((row: RegressionRow) => Regression) | undefined,
): Promise<ModelResult[]> {
  const poolOptions: PoolOptions = {
    size: workers,
    setup: { target, loader },
    taskTimeout: options.taskTimeout,
    startupTimeout: options.startupTimeout,
    maxMemoryMb: options.maxMemoryMb,
  }
  const budget = budgetTarget(options, workers)
  const started = new Map<Model, PoolUnderTest>()
  // Ctrl-C, --bail, a test timeout: stop the workers now, not after the round in flight.
  const stop = (): void => {
    for (const { pool } of started.values()) void pool.destroy()
  }
  input.context.signal.addEventListener('abort', stop, { once: true })
  try {
    // One pool at a time, processes first: each start-up is timed on its own, and what a thread
    // pool adds to this process's memory is not mixed up with the other pool's start.
    for (const model of [...models].sort((a, b) => (a === 'processes' ? -1 : b === 'processes' ? 1 : 0))) {
      const residentBefore = process.memoryUsage().rss
      // Processes a thread pool's fn starts are children of this process: know which were here before.
      const tree = model === 'threads' ? processTree() : undefined
      const processesBefore = tree === undefined ? undefined : new Set(descendants(tree, process.pid))
      const pool: BenchPool = model === 'threads' ? createThreadPool(poolOptions) : createProcessPool(poolOptions)
      started.set(model, {
        pool,
        workload: {
          tasks: options.tasks,
          input: workloadInput(options),
          transfer: options.transfer && model === 'threads',
          equalTasks: typeof options.input !== 'function',
        },
        target: budget,
        inlineFn,
        residentBefore,
        processesBefore,
      })
      await pool.ready
    }
    const measurements = await measure({
      pools: models.map((model) => started.get(model) as PoolUnderTest),
      // The error budget of the whole test is spread over its rows.
      options: { ...options, confidence: options.rowConfidence },
      signal: input.context.signal,
    })
    return models.map((model, index) =>
      judgeRow(model, workers, measurements[index] as Measurement, options, warnings, skipReason, compare),
    )
  } finally {
    input.context.signal.removeEventListener('abort', stop)
    await Promise.all([...started.values()].map(({ pool }) => pool.destroy()))
  }
}

/** A row of the report: the measurement with its verdict and the warnings that explain it. */
function judgeRow(
  model: Model,
  workers: number,
  measurement: Measurement,
  options: ResolvedOptions,
  warnings: readonly string[],
  skipReason: string | undefined,
  compare: ((row: RegressionRow) => Regression) | undefined,
): ModelResult {
  const budget = budgetTarget(options, workers)
  const { load, onCpuGot, bound } = measurement.evidence
  // /proc/stat minus our tree only where the run-queue delay is not measured (DESIGN §4).
  const starvation =
    load === undefined
      ? contention(measurement.rounds, workers, environment?.effectiveCores ?? workers, measurement.otherLoad)
      : { starved: false, starvedRounds: 0, detail: '' }
  const grain = granularity(measurement.callMs, measurement.roundTripMs)
  const verdict: Verdict =
    skipReason === undefined
      ? rowVerdict({
          measured: measurement.estimate,
          evidence: measurement.evidence,
          target: budget,
          option: budgetOption(options, workers),
          workers,
          starvedByFallback: starvation.starved,
        })
      : { status: 'SKIPPED', reason: skipReason, target: budget }
  const own = [...warnings]
  if (grain.warning !== undefined) own.push(grain.warning)
  const balance = taskBalance(measurement.rounds, workers)
  if (balance !== undefined) own.push(balance)
  const order = dispatchOrder(measurement.rounds, workers)
  if (order !== undefined) own.push(order)
  if (load?.material === true && onCpuGot !== undefined) own.push(loadNote(measurement.estimate, onCpuGot, load))
  if (starvation.starved) own.push(starvation.detail)
  if (measurement.stealShare !== undefined && measurement.stealShare >= STEAL_WARNING) {
    own.push(
      `the hypervisor took ${Math.round(measurement.stealShare * 100)}% of this machine's CPU time during the run (steal): the whole VM lost it, so no run-queue delay shows it and it is not corrected`,
    )
  }
  // For tasks too small for their overhead, per-call times mostly time the clock: no stretch to read.
  else if (grain.warning === undefined) {
    const slowdown = parallelSlowdown(measurement.rounds)
    if (slowdown !== undefined) own.push(slowdown)
  }
  if (measurement.stoppedBecause === 'time' && verdict.status === 'INCONCLUSIVE') {
    own.push(
      `stopped by the time budget (${options.time} ms) after ${measurement.rounds.length} rounds; raise \`time\` for a decision`,
    )
  }
  const regression = compare?.({
    model,
    workers,
    workersSetByUser: options.workersSetByUser,
    serialArm: options.baseline,
    rounds: measurement.rounds,
    speedup: measurement.estimate.speedup,
    effectiveCores: environment?.effectiveCores ?? workers,
    // A regression under load too heavy to correct is not the code's: the gate waits, as the budget does.
    starved: starvation.starved || (load?.material === true && !load.credible),
  })
  return {
    model,
    workers,
    tasks: options.tasks,
    rounds: measurement.rounds,
    startupMs: measurement.startupMs,
    roundTripMs: measurement.roundTripMs,
    callMs: measurement.callMs,
    memoryBytes: measurement.memoryBytes,
    estimate: measurement.estimate,
    ...(onCpuGot === undefined ? {} : { onCpuGot }),
    ...(load === undefined
      ? {}
      : { runQueueDelay: { serialShare: load.serialShare, parallelShare: load.parallelShare } }),
    ...(bound === undefined ? {} : { structuralBound: bound }),
    netSpeedup: measurement.net?.speedup,
    netInterval: measurement.net === undefined ? undefined : { low: measurement.net.low, high: measurement.net.high },
    verdict,
    ...(regression === undefined ? {} : { regression }),
    warnings: own,
  }
}

/** Hypervisor steal above this share of the run is worth saying: it slows both arms uncorrected. */
const STEAL_WARNING = 0.05

/** `1.01x measured · 1.92x [1.85–1.97] on the CPU it got (run-queue delay 34% of the parallel arm, 2% of the serial arm)`. */
function loadNote(
  measured: SpeedupEstimate,
  onCpuGot: SpeedupEstimate,
  load: { serialShare: number; parallelShare: number },
): string {
  const x = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '∞')
  const pct = (share: number): string => `${Math.round(share * 100)}%`
  return `other load: ${x(measured.speedup)}x measured · ${x(onCpuGot.speedup)}x [${x(onCpuGot.low)}–${x(onCpuGot.high)}] on the CPU it got (run-queue delay ${pct(load.parallelShare)} of the parallel arm, ${pct(load.serialShare)} of the serial arm)`
}

const EXPLANATIONS: Partial<Record<string, string>> = {
  NOT_CLONEABLE:
    'Inputs and return values cross to the worker by structured clone: functions, class instances with native handles (sockets, streams) and similar values cannot. Return plain data, and build such objects inside fn.',
}

/** Prefixes the bench's identity (and, for some codes, what to do) to an error. */
function withContext(error: unknown, where: string): unknown {
  if (!(error instanceof Error)) return error
  const explanation = error instanceof ParallelBenchError ? EXPLANATIONS[error.code] : undefined
  error.message = `${where}: ${error.message}${explanation === undefined ? '' : `\n${explanation}`}`
  if (error.stack !== undefined) {
    const firstLine = error.stack.indexOf('\n')
    error.stack = `${error.name}: ${error.message}${firstLine === -1 ? '' : error.stack.slice(firstLine)}`
  }
  return error
}

export async function runBench(input: RunBenchInput): Promise<void> {
  const { kind, context, settings } = input
  // A name that is no string (`benchThreads(123, …)`) fails this bench alone, below.
  const name = typeof input.name === 'string' ? input.name : describeThrown(input.name)
  const where = `${HELPER_NAMES[kind]}(${JSON.stringify(name)})`
  environment ??= environmentInfo()
  const machine = environment
  const meta: BenchResult = {
    schema: 1,
    name,
    kind,
    file: relative(process.cwd(), context.task.file.filepath),
    fullName: context.task.fullTestName,
    options: {},
    results: [],
    environment: machine,
    ...(settings?.comparison === undefined ? {} : { comparedWith: comparedWith(settings.comparison) }),
  }
  context.task.meta.parallelBench = meta
  let resolved: ResolvedOptions
  try {
    if (typeof input.name !== 'string')
      throw new TypeError(`the bench name must be a string, got ${describeThrown(input.name)} (${typeof input.name})`)
    if (settings === undefined) {
      throw new ParallelBenchError(
        'NOT_CONFIGURED',
        `${context.task.file.name} ran outside the "parallel-bench" project: add parallelBench() from 'vitest-parallel-bench/plugin' to the plugins of your Vitest config, and keep bench files out of other projects' include`,
      )
    }
    const options = resolveOptions(
      kind,
      input.options,
      settings.defaults,
      machine.effectiveCores,
      process.env[LEVEL_ENV],
    )
    meta.options = reportableOptions(options)
    const target = benchTarget(input)
    const models: Model[] = kind === 'compare' ? ['threads', 'processes'] : [kind]
    const warnings: string[] = []
    if (options.levelOverriddenFrom !== undefined) {
      warnings.push(`level '${options.levelOverriddenFrom}' overridden to '${options.level}' by ${LEVEL_ENV}`)
    }

    // Budgets that no machine could meet fail now, before anything is spawned.
    const skipReasons = new Map<number, string | undefined>()
    for (const workers of options.workers) {
      const feasibility = budgetFeasibility({
        target: budgetTarget(options, workers),
        option: budgetOption(options, workers),
        tasks: options.tasks,
        workers,
        tasksSetByUser: options.tasksSetByUser,
        workersSetByUser: options.workersSetByUser,
        // A fractional quota (1.5 CPUs) cannot give 2x: judge against the capacity, not the rounded count.
        effectiveCores: cpuCapacity(),
        // Tasks may differ in cost (input-dependent), so only min(tasks, workers) is a hard cap.
        equalTasks: false,
      })
      if (feasibility.kind === 'impossible') throw new ParallelBenchError('BUDGET_UNREACHABLE', feasibility.message)
      skipReasons.set(workers, feasibility.kind === 'skip' ? feasibility.reason : undefined)
    }

    // Against the stored run (compareWith), in this test, so a regression fails it like a budget, also under --shard.
    const comparison = settings.comparison
    const baselineRows =
      comparison?.problem === undefined ? comparison?.benches[benchIdentity(meta.file, meta.fullName)] : undefined
    const compare =
      comparison === undefined || comparison.problem !== undefined
        ? undefined
        : (row: RegressionRow): Regression =>
            compareWithBaseline(row, baselineRowFor(baselineRows, row), {
              maxRegression: options.maxRegression,
              // The same share of the test's error budget as the row's speedup interval.
              confidence: options.rowConfidence,
            })

    const inline =
      options.baseline === 'inline' ? await inlineBaseline(target, input.subject, settings.loader) : undefined
    try {
      for (const workers of options.workers) {
        const skip = skipReasons.get(workers)
        // Pushed as measured, so a later failure keeps what was measured.
        meta.results.push(
          ...(await measureRows(
            models,
            workers,
            target,
            options,
            input,
            settings.loader,
            inline?.fn,
            warnings,
            skip,
            compare,
          )),
        )
      }
      // Rows in the report's order: by model, then pool size.
      meta.results.sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) || a.workers - b.workers)
      meta.scaling = models.flatMap((model) => scalingSummary(meta.results.filter((r) => r.model === model)) ?? [])
      if (kind === 'compare') {
        meta.ranking = rankModels(meta.results, lookPlan(options.rowConfidence, options.minRounds, options.maxRounds))
      }
    } finally {
      await inline?.close()
    }
    resolved = options
  } catch (error) {
    const code =
      error instanceof ParallelBenchError
        ? error.code
        : error instanceof TypeError || error instanceof RangeError
          ? 'INVALID_OPTION'
          : 'TASK_FAILED'
    const failure = withContext(error, where)
    // A bad option is the user's line, not ours: point the stack at the bench call that passed it.
    if (code === 'INVALID_OPTION' && failure instanceof Error && input.definedAt !== undefined) {
      failure.stack = `${failure.name}: ${failure.message}\n${input.definedAt}`
    }
    meta.error = { code, message: failure instanceof Error ? failure.message : describeThrown(failure) }
    await annotateBaselineProblem(settings, context)
    throw failure
  }
  // A missed budget is a verdict, not a failure to measure: it does not set meta.error.
  await judge(meta, resolved, context, machine.effectiveCores, settings)
}

/** A baseline that could not be read is said on every bench (the UI shows annotations only), never thrown. */
async function annotateBaselineProblem(settings: ProvidedSettings | undefined, context: TestContext): Promise<void> {
  const comparison = settings?.comparison
  if (comparison?.problem !== undefined) await context.annotate(baselineNotice(comparison), 'warning')
}

/** Annotates every result, then fails or skips the test as the verdicts and options say. */
async function judge(
  meta: BenchResult,
  options: ResolvedOptions,
  context: TestContext,
  cores: number,
  settings: ProvidedSettings,
): Promise<void> {
  const outcome = benchOutcome(meta, options, cores)
  await annotateBaselineProblem(settings, context)
  for (const { message, type } of outcome.annotations) await context.annotate(message, type)
  const advice = recommendation(meta)
  if (advice !== undefined) await context.annotate(`→ ${advice}`, 'notice')
  // Before any failure: a missed budget is when the picture matters most.
  const chart = chartAttachment(meta)
  if (chart !== undefined) await context.annotate(CHART_ANNOTATION, 'notice', chart)
  if (outcome.failure !== undefined) throw new ParallelBenchError(outcome.failure.code, outcome.failure.message)
  if (outcome.skipReason !== undefined) context.skip(outcome.skipReason)
}
