// Host side of one bench test, in five steps: resolve the options, check the budget can be met,
// measure every pool size, summarise, judge (annotate, fail or skip). Loaded lazily by the
// helpers, so bench files never load pools at collection.
import { relative } from 'node:path'
import type { TestContext } from 'vitest'
import { budgetFeasibility, budgetOption, budgetTarget } from '../analysis/budget.js'
import { rankAllPairs, rankModels } from '../analysis/ranking.js'
import { baselineRowFor, compareWithBaseline, type RegressionRow } from '../analysis/regression.js'
import { scalingSummary } from '../analysis/scaling.js'
import { lookPlan } from '../analysis/statistics.js'
import { benchIdentity, comparedWith } from '../contracts/baseline.js'
import type { Diagnostic, SkipFact } from '../contracts/facts.js'
import { LEVEL_ENV, type ProvidedSettings, type ResolvedOptions } from '../contracts/options.js'
import { describeThrown, ParallelBenchError } from '../errors.js'
import { cpuCapacity } from '../machine/effective-cores.js'
import { environmentInfo } from '../machine/environment.js'
import { descendants, processTree } from '../machine/process-tree.js'
import { createAsyncPool } from '../pools/async-pool.js'
import type { BenchPool, PoolOptions } from '../pools/pool.js'
import { createProcessPool } from '../pools/process-pool.js'
import { createThreadPool } from '../pools/thread-pool.js'
import { recommendation } from '../report/summary/advice.js'
import { errorExplanation, unreachableText } from '../report/summary/facts.js'
import { baselineNotice } from '../report/summary/labels.js'
import { CHART_ANNOTATION, chartAttachment } from '../report/svg.js'
import type { BenchKind, BenchResult, BenchSubject, EnvironmentInfo, Model, ModelResult, Regression } from '../types.js'
import type { BenchTarget } from '../worker/protocol.js'
import type { BenchFunction } from '../worker/registry.js'
import { isAsyncFunction } from './async-subject.js'
import { benchTarget, inlineBaseline, workloadInput } from './bench-target.js'
import { judgeRow } from './judge-row.js'
import { measureLatency } from './latency.js'
import { type Measurement, measure, type PoolUnderTest } from './measure.js'
import { reportableOptions, resolveOptions } from './options.js'
import { benchOutcome } from './outcome.js'

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
  async: 'benchAsync',
  threads: 'benchThreads',
  processes: 'benchProcesses',
  compare: 'benchCompare',
}

/** One bench, resolved: what runs, how, on which pool sizes, and against what. */
interface BenchPlan {
  input: RunBenchInput
  settings: ProvidedSettings
  options: ResolvedOptions
  target: BenchTarget
  models: Model[]
  effectiveCores: number
  /** Warnings of the whole bench, repeated on each row. */
  warnings: Diagnostic[]
  /** Per pool size: why this machine cannot reach the budget there, if it cannot. */
  skips: Map<number, SkipFact | undefined>
  /** Compares a row with the stored run; undefined without one (or when it could not be read). */
  compare: ((row: RegressionRow) => Regression) | undefined
}

export async function runBench(input: RunBenchInput): Promise<void> {
  const { kind, context, settings } = input
  // A name that is no string (`benchThreads(123, …)`) fails this bench alone (resolveBench).
  const name = benchName(input)
  // Read per bench: a few /proc and cgroup files, and the machine may change under a long run.
  const machine = environmentInfo()
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
  let plan: BenchPlan
  try {
    plan = resolveBench(input, machine, meta) // 1. options (recorded at once), target, models
    checkBudgets(plan) // 2. budgets no machine could meet fail now, before anything is spawned
    await measureBench(plan, meta) // 3. every pool size, each row pushed as it is measured
    summarise(plan, meta) // 4. the report's order, scaling, ranking
  } catch (error) {
    await recordFailure(error, input, meta)
    throw error
  }
  await judge(plan, meta) // 5. a missed budget is a verdict, not a failure to measure: no meta.error
}

/** The bench's name as text, whatever was passed. */
function benchName(input: RunBenchInput): string {
  return typeof input.name === 'string' ? input.name : describeThrown(input.name)
}

function resolveBench(input: RunBenchInput, machine: EnvironmentInfo, meta: BenchResult): BenchPlan {
  const { kind, context, settings } = input
  if (typeof input.name !== 'string')
    throw new TypeError(`the bench name must be a string, got ${describeThrown(input.name)} (${typeof input.name})`)
  if (settings === undefined) {
    throw new ParallelBenchError(
      'NOT_CONFIGURED',
      `${context.task.file.name} ran outside the "parallel-bench" project: add parallelBench() from 'vitest-parallel-bench/plugin' to the plugins of your Vitest config, and keep bench files out of other projects' include`,
    )
  }
  const options = resolveOptions(input.options, {
    kind,
    defaults: settings.defaults,
    effectiveCores: machine.effectiveCores,
    levelFromEnv: process.env[LEVEL_ENV],
    asyncJoined: isAsyncFunction(input.subject),
  })
  meta.options = reportableOptions(options)
  const warnings: Diagnostic[] = []
  if (options.levelOverriddenFrom !== undefined) {
    warnings.push({
      kind: 'level-overridden',
      from: options.levelOverriddenFrom,
      to: options.level,
      variable: LEVEL_ENV,
    })
  }
  return {
    input,
    settings,
    options,
    target: benchTarget(input),
    models: options.models,
    effectiveCores: machine.effectiveCores,
    warnings,
    skips: new Map(),
    compare: comparison(settings, options, [
      benchIdentity(meta.file, meta.fullName, machine.label),
      benchIdentity(meta.file, meta.fullName),
    ]),
  }
}

/** Against the stored run (compareWith), in this test, so a regression fails it like a budget, also under --shard. */
function comparison(
  settings: ProvidedSettings,
  options: ResolvedOptions,
  identities: readonly string[],
): ((row: RegressionRow) => Regression) | undefined {
  const stored = settings.comparison
  if (stored === undefined || stored.problem !== undefined) return undefined
  // This machine's own rows of a merged matrix first, else the bench's rows from a single machine.
  const rows = identities.map((identity) => stored.benches[identity]).find((found) => found !== undefined)
  return (row) =>
    compareWithBaseline(row, baselineRowFor(rows, row), {
      maxRegression: options.maxRegression,
      // The same share of the test's error budget as the row's speedup interval.
      confidence: options.rowConfidence,
    })
}

/** Throws BUDGET_UNREACHABLE for a budget the user's own settings rule out; notes the pool sizes this machine must skip. */
function checkBudgets(plan: BenchPlan): void {
  const { options } = plan
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
    if (feasibility.kind === 'impossible') {
      throw new ParallelBenchError('BUDGET_UNREACHABLE', unreachableText(feasibility))
    }
    plan.skips.set(workers, feasibility.kind === 'skip' ? feasibility : undefined)
  }
}

async function measureBench(plan: BenchPlan, meta: BenchResult): Promise<void> {
  const { options, input, settings } = plan
  const inline =
    options.baseline === 'inline' ? await inlineBaseline(plan.target, input.subject, settings.loader) : undefined
  try {
    for (const workers of options.workers) {
      // Pushed as measured, so a later failure keeps what was measured.
      meta.results.push(...(await measureRows(plan, workers, inline?.fn, meta)))
    }
  } finally {
    await inline?.close()
  }
}

function summarise(plan: BenchPlan, meta: BenchResult): void {
  const { models, options } = plan
  // Rows in the report's order: by model, then pool size.
  meta.results.sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) || a.workers - b.workers)
  meta.scaling = models.flatMap((model) => scalingSummary(meta.results.filter((r) => r.model === model)) ?? [])
  if (plan.input.kind === 'compare') {
    const look = lookPlan(options.rowConfidence, options.minRounds, options.maxRounds)
    meta.ranking = rankModels(meta.results, look)
    meta.rankings = rankAllPairs(meta.results, look, models)
  }
}

/**
 * Measures one pool size for every model in the same rounds (a compare pairs its models round by
 * round), then judges each row.
 */
async function measureRows(
  plan: BenchPlan,
  workers: number,
  inlineFn: BenchFunction | undefined,
  meta: BenchResult,
): Promise<ModelResult[]> {
  const { models, target, options, input, warnings, compare, effectiveCores } = plan
  const loader = plan.settings.loader
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
      const tree = model !== 'processes' ? processTree() : undefined
      const processesBefore = tree === undefined ? undefined : new Set(descendants(tree, process.pid))
      const pool: BenchPool =
        model === 'threads'
          ? createThreadPool(poolOptions)
          : model === 'async'
            ? createAsyncPool(poolOptions, options.tasks)
            : createProcessPool(poolOptions)
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
    // On the largest pool, still warm: its own budget, after the rounds, so they are not disturbed.
    if (options.latency && workers === options.workers[options.workers.length - 1]) {
      meta.latency = await measureLatency({
        pools: models.map((model) => (started.get(model) as PoolUnderTest).pool),
        input: workloadInput(options),
        budgetMs: options.latencyTime,
      })
    }
    const skip = plan.skips.get(workers)
    return models.map((model, index) => {
      const measurement = measurements[index] as Measurement
      return judgeRow({ model, workers, measurement, options, warnings, skip, compare, effectiveCores })
    })
  } finally {
    input.context.signal.removeEventListener('abort', stop)
    await Promise.all([...started.values()].map(({ pool }) => pool.destroy()))
  }
}

/** Prefixes the bench's identity (and, for some codes, what to do) to an error. */
function withContext(error: unknown, where: string): unknown {
  if (!(error instanceof Error)) return error
  const explanation = error instanceof ParallelBenchError ? errorExplanation(error.code) : undefined
  error.message = `${where}: ${error.message}${explanation === undefined ? '' : `\n${explanation}`}`
  if (error.stack !== undefined) {
    const firstLine = error.stack.indexOf('\n')
    error.stack = `${error.name}: ${error.message}${firstLine === -1 ? '' : error.stack.slice(firstLine)}`
  }
  return error
}

/** Records why the bench could not be measured in its result, with the bench's identity on the error. */
async function recordFailure(error: unknown, input: RunBenchInput, meta: BenchResult): Promise<void> {
  const code =
    error instanceof ParallelBenchError
      ? error.code
      : error instanceof TypeError || error instanceof RangeError
        ? 'INVALID_OPTION'
        : 'TASK_FAILED'
  const failure = withContext(error, `${HELPER_NAMES[input.kind]}(${JSON.stringify(benchName(input))})`)
  // A bad option is the user's line, not ours: point the stack at the bench call that passed it.
  if (code === 'INVALID_OPTION' && failure instanceof Error && input.definedAt !== undefined) {
    failure.stack = `${failure.name}: ${failure.message}\n${input.definedAt}`
  }
  meta.error = { code, message: failure instanceof Error ? failure.message : describeThrown(failure) }
  await annotateBaselineProblem(input.settings, input.context)
}

/** A baseline that could not be read is said on every bench (the UI shows annotations only), never thrown. */
async function annotateBaselineProblem(settings: ProvidedSettings | undefined, context: TestContext): Promise<void> {
  const comparison = settings?.comparison
  if (comparison?.problem !== undefined) await context.annotate(baselineNotice(comparison), 'warning')
}

/** Annotates every result, then fails or skips the test as the verdicts and options say. */
async function judge(plan: BenchPlan, meta: BenchResult): Promise<void> {
  const { options, settings, effectiveCores } = plan
  const { context } = plan.input
  const outcome = benchOutcome(meta, options, effectiveCores)
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
