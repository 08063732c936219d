// Host side of one bench test: resolve options, check the budget can be met,
// measure each model (and pool size), judge, record, and fail when asked to.
// Loaded lazily by the helpers, so bench workers never load pools or tinybench.
import { isAbsolute, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { TestContext } from 'vitest'
import { cpuCapacity, effectiveCores } from './effective-cores.js'
import { ParallelBenchError, type ErrorCode } from './errors.js'
import type { BenchSubject, ModuleFunction } from './helpers.js'
import { measure } from './measure.js'
import { LEVEL_ENV, reportableOptions, resolveOptions, type ParallelBenchPluginOptions, type ResolvedOptions } from './options.js'
import type { BenchPool, PoolOptions } from './pools/pool.js'
import { setupUrls } from './pools/pool.js'
import { createProcessPool } from './pools/process-pool.js'
import { createThreadPool } from './pools/thread-pool.js'
import { benchKey, type BenchFunction } from './registry.js'
import type { BenchKind, BenchResult, Model, ModelResult, Verdict } from './types.js'
import {
  budgetFeasibility,
  budgetTarget,
  contention,
  decideVerdict,
  failureMessage,
  granularity,
  netSpeedup,
} from './verdict.js'
import type { BenchTarget } from './worker/protocol.js'

export interface RunBenchInput {
  kind: BenchKind
  name: string
  subject: BenchSubject<unknown>
  options: unknown
  context: TestContext
  defaults: ParallelBenchPluginOptions
}

const HELPER_NAMES: Record<BenchKind, string> = {
  threads: 'benchThreads',
  processes: 'benchProcesses',
  compare: 'benchCompare',
}

let cores: number | undefined

function moduleUrl(subject: ModuleFunction, where: string): string {
  const { module } = subject
  if (module instanceof URL) return module.href
  if (typeof module === 'string' && module.startsWith('file:')) return module
  if (typeof module === 'string' && isAbsolute(module)) return pathToFileURL(module).href
  throw new TypeError(
    `${where}: \`module\` must be a URL (e.g. new URL('./work.ts', import.meta.url)) or an absolute path, got ${JSON.stringify(module)}`,
  )
}

function benchTarget(input: RunBenchInput, where: string): BenchTarget {
  const { subject, context, kind, name } = input
  if (typeof subject === 'function') {
    const suitePath: string[] = []
    for (let suite = context.task.suite; suite !== undefined && suite !== context.task.file; suite = suite.suite) {
      suitePath.unshift(suite.name)
    }
    return { kind: 'file', file: context.task.file.filepath, key: benchKey(kind, suitePath, name) }
  }
  if (subject === null || typeof subject !== 'object' || typeof subject.export !== 'string') {
    throw new TypeError(`${where}: the second argument must be a function or { module, export }, got ${String(subject)}`)
  }
  return { kind: 'module', url: moduleUrl(subject, where), exportName: subject.export }
}

async function inlineFunction(target: BenchTarget, subject: BenchSubject<unknown>): Promise<BenchFunction> {
  if (typeof subject === 'function') return subject as BenchFunction
  if (target.kind !== 'module') throw new Error('unreachable')
  const exports = (await import(target.url)) as Record<string, BenchFunction>
  const fn = exports[target.exportName]
  if (typeof fn !== 'function') throw new ParallelBenchError('NOT_FOUND', `${target.url} has no exported function \`${target.exportName}\``)
  return fn
}

function workloadInput(options: ResolvedOptions): (index: number) => unknown {
  const { input } = options
  return typeof input === 'function' ? (input as (index: number) => unknown) : () => input
}

function budgetOption(options: ResolvedOptions): 'minSpeedup' | 'minEfficiency' {
  const speedupTarget = options.minSpeedup ?? 0
  const efficiencyTarget = (options.minEfficiency ?? 0) * Math.max(...options.workers)
  return options.minEfficiency !== undefined && efficiencyTarget > speedupTarget ? 'minEfficiency' : 'minSpeedup'
}

async function measureOne(
  model: Model,
  workers: number,
  target: BenchTarget,
  options: ResolvedOptions,
  input: RunBenchInput,
  warnings: string[],
  skipReason: string | undefined,
): Promise<ModelResult> {
  const poolOptions: PoolOptions = {
    size: workers,
    setup: { target, ...setupUrls() },
    taskTimeout: options.taskTimeout,
    maxMemoryMb: options.maxMemoryMb,
  }
  const budget = budgetTarget(options, workers)
  const pool: BenchPool = model === 'threads' ? createThreadPool(poolOptions) : createProcessPool(poolOptions)
  try {
    const measurement = await measure({
      pool,
      workload: { tasks: options.tasks, input: workloadInput(options), transfer: options.transfer && model === 'threads' },
      options,
      target: budget,
      inlineFn: options.baseline === 'inline' ? await inlineFunction(target, input.subject) : undefined,
      signal: input.context.signal,
    })
    const starvation = contention(measurement.rounds, workers)
    const grain = granularity(measurement.callMs, measurement.roundTripMs)
    const parallelMedian = [...measurement.rounds.map((r) => r.parallelMs)].sort((a, b) => a - b)[Math.floor(measurement.rounds.length / 2)] ?? 0
    const verdict: Verdict =
      skipReason === undefined
        ? decideVerdict({ estimate: measurement.estimate, target: budget, starved: starvation.starved, option: budgetOption(options) })
        : { status: 'SKIPPED', reason: skipReason, target: budget }
    const own = [...warnings]
    if (grain.warning !== undefined) own.push(grain.warning)
    if (starvation.starved) own.push(starvation.detail)
    if (measurement.stoppedBecause === 'time' && verdict.status === 'INCONCLUSIVE') {
      own.push(`stopped by the time budget (${options.time} ms) after ${measurement.rounds.length} rounds; raise \`time\` for a decision`)
    }
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
      netSpeedup: netSpeedup(measurement.callMs, options.tasks, parallelMedian),
      verdict,
      warnings: own,
    }
  } finally {
    await pool.destroy()
  }
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

function summary(result: ModelResult): string {
  const { estimate: e, verdict } = result
  return `${result.model} ×${result.workers}: speedup ${e.speedup.toFixed(2)}x (${Math.round(e.confidence * 100)}% CI ${e.low.toFixed(2)}–${e.high.toFixed(2)}x) — ${verdict.status}: ${verdict.reason}`
}

export async function runBench(input: RunBenchInput): Promise<void> {
  const { kind, name, context, defaults } = input
  const where = `${HELPER_NAMES[kind]}(${JSON.stringify(name)})`
  const meta: BenchResult = {
    schema: 1,
    name,
    kind,
    file: relative(process.cwd(), context.task.file.filepath),
    fullName: context.task.fullTestName,
    options: {},
    results: [],
  }
  context.task.meta.parallelBench = meta
  let resolved: ResolvedOptions
  try {
    cores ??= effectiveCores()
    const options = resolveOptions(kind, input.options, defaults, cores, process.env[LEVEL_ENV])
    meta.options = reportableOptions(options)
    const target = benchTarget(input, where)
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
        option: budgetOption(options),
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

    for (const model of models) {
      for (const workers of options.workers) {
        meta.results.push(await measureOne(model, workers, target, options, input, warnings, skipReasons.get(workers)))
      }
    }
    resolved = options
  } catch (error) {
    const code = error instanceof ParallelBenchError ? error.code : error instanceof TypeError || error instanceof RangeError ? 'INVALID_OPTION' : 'TASK_FAILED'
    const failure = withContext(error, where)
    meta.error = { code, message: failure instanceof Error ? failure.message : String(failure) }
    throw failure
  }
  // A missed budget is a verdict, not a failure to measure: it does not set meta.error.
  await judge(meta, resolved, context, cores)
}

/** Annotates every result, then fails the test for a missed budget (level error), an inconclusive one (strict) or a wrong expectFaster. */
async function judge(meta: BenchResult, options: ResolvedOptions, context: TestContext, cores: number): Promise<void> {
  const failures: { code: ErrorCode; message: string }[] = []
  for (const result of meta.results) {
    const { status, target } = result.verdict
    const missed = status === 'FAIL' && target !== undefined
    if (missed && options.level === 'error') {
      failures.push({ code: 'BUDGET_MISSED', message: failureMessage(result.model, result, target, budgetOption(options), cores) })
    } else if (status === 'INCONCLUSIVE' && options.strict) {
      failures.push({ code: 'INCONCLUSIVE', message: `${result.model}: inconclusive under strict mode — ${result.verdict.reason}` })
    }
    if (missed && options.level === 'off') continue
    await context.annotate(summary(result), missed || status === 'INCONCLUSIVE' ? 'warning' : 'notice')
  }
  if (options.expectFaster !== undefined) {
    const fastest = fasterModel(meta.results)
    if (fastest !== undefined && fastest !== options.expectFaster) {
      failures.push({ code: 'EXPECTATION_FAILED', message: `expected ${options.expectFaster} to be faster, but ${fastest} was faster` })
    }
  }
  const [first] = failures
  if (first !== undefined) throw new ParallelBenchError(first.code, failures.map((f) => f.message).join('\n'))
  if (meta.results.length > 0 && meta.results.every((r) => r.verdict.status === 'SKIPPED')) {
    context.skip(meta.results[0]?.verdict.reason)
  }
}

/** The model with the lower median parallel batch time at the largest pool size. */
function fasterModel(results: readonly ModelResult[]): Model | undefined {
  const largest = Math.max(...results.map((r) => r.workers))
  const medianParallel = (r: ModelResult): number => {
    const sorted = r.rounds.map((round) => round.parallelMs).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY
  }
  const [a, b] = results.filter((r) => r.workers === largest)
  if (a === undefined || b === undefined) return undefined
  return medianParallel(a) <= medianParallel(b) ? a.model : b.model
}
