// Options in, resolved options out: validated once, here, before anything is
// spawned. Everything downstream takes `ResolvedOptions` and never re-checks.

import { firstDecidingRound, smallestDecidingMaxRounds } from '../analysis/rounds.js'
import { LEVEL_ENV, type ParallelBenchPluginOptions, type ResolvedOptions } from '../contracts/options.js'
import { effectiveCores as machineCores } from '../machine/effective-cores.js'
import type { Baseline, BenchKind, Level, Model } from '../types.js'

export const BENCH_KEYS = [
  'workers',
  'oversubscribe',
  'tasks',
  'input',
  'minSpeedup',
  'minEfficiency',
  'level',
  'baseline',
  'time',
  'minRounds',
  'maxRounds',
  'warmupRounds',
  'taskTimeout',
  'startupTimeout',
  'confidence',
  'maxMemoryMb',
  'transfer',
  'expectFaster',
  'models',
  'maxRegression',
  'latency',
  'latencyTime',
] as const
/** Options only `benchCompare` takes. */
const COMPARE_ONLY_KEYS: readonly string[] = ['expectFaster', 'models']
const PLUGIN_ONLY_KEYS = [
  'include',
  'exclude',
  'outputFile',
  'htmlFile',
  'compareWith',
  'strict',
  'maxSerialFraction',
  'github',
  'verbose',
  'legend',
  'setupFiles',
  'environment',
] as const
const LEVELS: readonly Level[] = ['error', 'warn', 'off']
/** Beyond this the per-look calibration costs seconds of host CPU (it grows with maxRounds²), for no gain. */
export const MAX_ROUNDS = 1000
/**
 * The upper bound of every numeric option, checked before anything is spawned: without them
 * `workers: 10_000` forked children until the machine choked, `tasks: 1e9` ran the host out of
 * memory, `warmupRounds: 1e9` never ended, and a timeout of 2**31 ms became Node's 1 ms timer.
 */
export const LIMITS = {
  /** `workers` per effective core, unless `oversubscribe`. */
  workersPerCore: 4,
  /** `workers` with `oversubscribe`: each is a thread or a process with its own heap. */
  workers: 256,
  /** The host makes every input of a batch at once. */
  tasks: 100_000,
  warmupRounds: 100,
  /** An hour per bench. */
  timeMs: 3_600_000,
  /** Node's longest timer (a longer one fires after 1 ms). */
  timeoutMs: 2 ** 31 - 1,
  maxMemoryMb: 1_048_576,
  /** No pool here can have more workers than this, so no speedup above it is a budget. */
  minSpeedup: 256,
  /** A minute: the latency step is a diagnostic beside the rounds, not a second benchmark. */
  latencyTimeMs: 60_000,
} as const
const BASELINES: readonly Baseline[] = ['worker', 'inline']
/** What `expectFaster` ranks: threads against processes. */
const POOL_MODELS: readonly Model[] = ['threads', 'processes']
/** Every model, in the report's order: async first, so each pool is ranked against it. */
export const MODELS: readonly Model[] = ['async', 'threads', 'processes']
/** `benchCompare`'s models when `models` is not set; `async` joins in front when fn is declared `async`. */
export const DEFAULT_COMPARE_MODELS: readonly Model[] = ['threads', 'processes']

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`
  if (value === null || typeof value !== 'object') return String(value)
  return Object.prototype.toString.call(value)
}

/** Edit distance, for "did you mean" on a misspelt option. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

function rejectUnknownKeys(options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const close = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2 || k.startsWith(key))
    const hint = close === undefined ? '' : ` Did you mean \`${close}\`?`
    throw new TypeError(`Unknown option \`${key}\`.${hint} Expected one of: ${known.join(', ')}`)
  }
}

interface NumberRule {
  integer?: boolean
  /** Inclusive lower bound. */
  min?: number
  /** Exclusive lower bound. */
  above?: number
  /** Inclusive upper bound. */
  max?: number
  /** Exclusive upper bound. */
  below?: number
  /** How the expectation reads in the error, e.g. "an integer >= 1". */
  expected: string
  /** The option's upper bound (LIMITS), said apart: "`tasks` must be at most 100000 (why), got 1e9". */
  ceiling?: { max: number; why: string }
}

function checkNumber(name: string, value: unknown, rule: NumberRule): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`\`${name}\` must be ${rule.expected}, got ${describeValue(value)}`)
  }
  const outOfRange =
    (rule.integer === true && !Number.isInteger(value)) ||
    (rule.min !== undefined && value < rule.min) ||
    (rule.above !== undefined && value <= rule.above) ||
    (rule.max !== undefined && value > rule.max) ||
    (rule.below !== undefined && value >= rule.below) ||
    !Number.isFinite(value)
  if (outOfRange) {
    throw new RangeError(`\`${name}\` must be ${rule.expected}, got ${describeValue(value)}`)
  }
  if (rule.ceiling !== undefined && value > rule.ceiling.max) {
    throw new RangeError(
      `\`${name}\` must be at most ${rule.ceiling.max} (${rule.ceiling.why}), got ${describeValue(value)}`,
    )
  }
  return value
}

function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    const error = typeof value === 'string' ? RangeError : TypeError
    throw new error(
      `\`${name}\` must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describeValue(value)}`,
    )
  }
  return value as T
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`\`${name}\` must be a boolean, got ${describeValue(value)}`)
  }
  return value
}

const POSITIVE_INT = { integer: true, min: 1, expected: 'an integer >= 1' }
const TIMER_CEILING = { max: LIMITS.timeoutMs, why: "Node's longest timer; a longer one fires after 1 ms" }

/**
 * `'auto'`: every pool size from 2 to the effective cores (a pool of 1 is the serial arm itself:
 * its speedup is 1 by definition), or 1 on a one-core machine, where there is nothing to scale to.
 */
export function autoWorkers(effectiveCores: number): number[] {
  const top = Math.max(1, Math.floor(effectiveCores))
  return top === 1 ? [1] : Array.from({ length: top - 1 }, (_, i) => i + 2)
}

/** The most workers a pool may have here: a few per core, more only when the user insists (`oversubscribe`). */
export function workersCeiling(effectiveCores: number, oversubscribe: boolean): { max: number; why: string } {
  if (oversubscribe) return { max: LIMITS.workers, why: 'with `oversubscribe`' }
  const cores = Math.max(1, Math.ceil(effectiveCores))
  return {
    max: Math.min(LIMITS.workers, LIMITS.workersPerCore * cores),
    why: `${LIMITS.workersPerCore} × this machine's ${cores} effective core${cores === 1 ? '' : 's'}; set \`oversubscribe: true\` for up to ${LIMITS.workers}`,
  }
}

function checkWorkers(value: unknown, effectiveCores: number, oversubscribe: boolean): number[] {
  if (value === 'auto') return autoWorkers(effectiveCores)
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) {
    throw new RangeError("`workers` must be an integer >= 1, a non-empty array of them or 'auto', got []")
  }
  const expected = Array.isArray(value) ? 'an array of integers >= 1' : "an integer >= 1, an array of them or 'auto'"
  const ceiling = workersCeiling(effectiveCores, oversubscribe)
  const counts = list.map((n) => checkNumber('workers', n, { ...POSITIVE_INT, expected, ceiling }))
  return [...new Set(counts)].sort((a, b) => a - b)
}

/**
 * Validates plugin options (they are also the defaults of every bench).
 * Throws a TypeError / RangeError naming the option and what was expected.
 */
export function validatePluginOptions(options: unknown): ParallelBenchPluginOptions {
  if (options === undefined) return {}
  try {
    checkPluginOptions(options)
  } catch (error) {
    if (error instanceof Error) error.message = `parallelBench(): ${error.message}`
    throw error
  }
  return options as ParallelBenchPluginOptions
}

function checkHtmlFile(htmlFile: unknown, outputFile: unknown): void {
  if (typeof htmlFile !== 'string' || !/\.html?$/i.test(htmlFile)) {
    throw new TypeError(
      `\`htmlFile\` must be a path ending in .html or .htm (relative to the Vitest root), got ${describeValue(htmlFile)}`,
    )
  }
  // Both reports written to one file would leave whichever came last.
  if (htmlFile === outputFile) {
    throw new RangeError(`\`htmlFile\` must differ from \`outputFile\`, got ${describeValue(htmlFile)} for both`)
  }
}

function checkPluginOptions(options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`)
  }
  const known = [...BENCH_KEYS.filter((k) => k !== 'input' && !COMPARE_ONLY_KEYS.includes(k)), ...PLUGIN_ONLY_KEYS]
  rejectUnknownKeys(options, known)
  const o = options as Record<string, unknown>
  if (o.include !== undefined) {
    if (!Array.isArray(o.include) || o.include.length === 0 || !o.include.every((g) => typeof g === 'string')) {
      throw new TypeError(`\`include\` must be a non-empty array of glob strings, got ${describeValue(o.include)}`)
    }
  }
  if (o.exclude !== undefined) {
    if (!Array.isArray(o.exclude) || !o.exclude.every((g) => typeof g === 'string')) {
      throw new TypeError(`\`exclude\` must be an array of glob strings, got ${describeValue(o.exclude)}`)
    }
  }
  if (o.outputFile !== undefined && (typeof o.outputFile !== 'string' || o.outputFile === '')) {
    throw new TypeError(`\`outputFile\` must be a non-empty string path, got ${describeValue(o.outputFile)}`)
  }
  if (o.htmlFile !== undefined) checkHtmlFile(o.htmlFile, o.outputFile)
  if (o.compareWith !== undefined) checkCompareWith('compareWith', o.compareWith)
  if (o.strict !== undefined) checkBoolean('strict', o.strict)
  if (o.maxSerialFraction !== undefined) {
    checkNumber('maxSerialFraction', o.maxSerialFraction, { min: 0, max: 1, expected: 'a number in [0, 1]' })
  }
  if (o.verbose !== undefined) checkBoolean('verbose', o.verbose)
  if (o.legend !== undefined && typeof o.legend !== 'boolean' && o.legend !== 'once') {
    throw new TypeError(`\`legend\` must be true, false or 'once', got ${describeValue(o.legend)}`)
  }
  if (
    o.setupFiles !== undefined &&
    (!Array.isArray(o.setupFiles) || !o.setupFiles.every((f) => typeof f === 'string'))
  ) {
    throw new TypeError(`\`setupFiles\` must be an array of file paths, got ${describeValue(o.setupFiles)}`)
  }
  if (o.environment !== undefined && (typeof o.environment !== 'string' || o.environment === '')) {
    throw new TypeError(`\`environment\` must be a Vitest environment name, got ${describeValue(o.environment)}`)
  }
  if (o.github !== undefined) checkBoolean('github', o.github)
  // Bench defaults get the same checks as per-bench options.
  const benchPart = Object.fromEntries(
    Object.entries(o).filter(([k]) => !(PLUGIN_ONLY_KEYS as readonly string[]).includes(k)),
  )
  // The machine's own cores: `workers` is bounded per core.
  resolveOptions(benchPart, { kind: 'threads', effectiveCores: machineCores() })
}

/**
 * The default of every option that has a fixed one (tinybench's constants): one place to read
 * them, and the `@default` of each JSDoc in contracts/options.ts says the same. Defaults that
 * depend on the machine or on other options are derived in `resolveOptions`: `workers` (the
 * effective cores), `tasks` (4 × the largest pool), `minRounds` (the first round that can decide
 * with half the error budget), `maxRounds` (at least `minRounds`).
 */
export const DEFAULTS = {
  level: 'error',
  baseline: 'worker',
  time: 10_000,
  maxRounds: 40,
  warmupRounds: 1,
  taskTimeout: 30_000,
  startupTimeout: 60_000,
  confidence: 0.95,
  transfer: false,
  strict: false,
  maxRegression: 0.1,
  latency: false,
  latencyTime: 500,
} as const satisfies Partial<ResolvedOptions>

/** What `resolveOptions` needs besides the bench's own options. */
export interface ResolveContext {
  kind: BenchKind
  /** The plugin's options: defaults of every bench. @default {} */
  defaults?: ParallelBenchPluginOptions | undefined
  /** This machine's effective cores: the default `workers`. */
  effectiveCores: number
  /** The value of VITEST_PARALLEL_BENCH_LEVEL, if set. */
  levelFromEnv?: string | undefined
  /** `benchCompare` without `models` whose fn is declared `async`: `async` joins, and shares the error budget. */
  asyncJoined?: boolean | undefined
}

/** `models`: two or more distinct models, put in the report's order. */
function checkModels(value: unknown): Model[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new TypeError(
      `\`models\` must be an array of two or more of 'async', 'threads', 'processes', got ${describeValue(value)}`,
    )
  }
  const models = value.map((model) => checkChoice('models', model, MODELS))
  if (new Set(models).size !== models.length) {
    throw new RangeError(`\`models\` must not repeat a model, got ${describeValue(value)}`)
  }
  return MODELS.filter((model) => models.includes(model))
}

/** The checks of the numeric options, each naming what it expects. */
const NUMBER_RULES = {
  tasks: { ...POSITIVE_INT, ceiling: { max: LIMITS.tasks, why: 'the host makes every input of a batch at once' } },
  minSpeedup: {
    above: 0,
    expected: 'a number > 0',
    ceiling: { max: LIMITS.minSpeedup, why: 'no pool can have more workers' },
  },
  minEfficiency: { above: 0, max: 1, expected: 'a number in (0, 1]' },
  confidence: { above: 0.5, max: 0.999, expected: 'a number in (0.5, 0.999]' },
  time: { min: 0, expected: 'a number of ms >= 0', ceiling: { max: LIMITS.timeMs, why: 'an hour per bench' } },
  warmupRounds: {
    integer: true,
    min: 0,
    expected: 'an integer >= 0',
    ceiling: { max: LIMITS.warmupRounds, why: 'warm-up rounds are not measured' },
  },
  taskTimeout: { above: 0, expected: 'a number of ms > 0', ceiling: TIMER_CEILING },
  startupTimeout: { above: 0, expected: 'a number of ms > 0', ceiling: TIMER_CEILING },
  maxMemoryMb: {
    integer: true,
    min: 16,
    expected: 'an integer number of MiB >= 16',
    ceiling: { max: LIMITS.maxMemoryMb, why: '1 TiB' },
  },
  maxRegression: { min: 0, below: 1, expected: 'a number in [0, 1)' },
  latencyTime: {
    // Each of up to five rows needs a share that tinybench can start a call in.
    min: 10,
    expected: 'a number of ms >= 10',
    ceiling: { max: LIMITS.latencyTimeMs, why: 'a diagnostic beside the rounds' },
  },
} satisfies Record<string, NumberRule>

/**
 * Merges plugin defaults and a bench's own options, validates them and fills in defaults.
 * Errors name the option; the caller adds which bench they belong to.
 */
export function resolveOptions(options: unknown, context: ResolveContext): ResolvedOptions {
  const { kind, effectiveCores, levelFromEnv } = context
  const defaults = context.defaults ?? {}
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`)
  }
  // Compare-only keys are named in the list only where they are valid; elsewhere their own check says why.
  rejectUnknownKeys(
    options,
    kind === 'compare' ? BENCH_KEYS : BENCH_KEYS.filter((key) => !COMPARE_ONLY_KEYS.includes(key) || key in options),
  )
  const own = options as Record<string, unknown>
  const pick = (key: (typeof BENCH_KEYS)[number]): unknown =>
    own[key] !== undefined ? own[key] : (defaults as Record<string, unknown>)[key]
  const number = <K extends keyof typeof NUMBER_RULES>(key: K): number | undefined => {
    const value = pick(key)
    return value === undefined ? undefined : checkNumber(key, value, NUMBER_RULES[key])
  }

  const oversubscribeValue = pick('oversubscribe')
  const oversubscribe = oversubscribeValue === undefined ? false : checkBoolean('oversubscribe', oversubscribeValue)
  const workersValue = pick('workers')
  const workers =
    workersValue === undefined ? [effectiveCores] : checkWorkers(workersValue, effectiveCores, oversubscribe)
  const tasks = number('tasks') ?? 4 * (workers[workers.length - 1] ?? 1)

  const levelValue = pick('level')
  const ownLevel = levelValue === undefined ? DEFAULTS.level : checkChoice('level', levelValue, LEVELS)
  const envLevel =
    levelFromEnv === undefined || levelFromEnv === '' ? undefined : checkChoice(LEVEL_ENV, levelFromEnv, LEVELS)

  const expectFasterValue = pick('expectFaster')
  if (expectFasterValue !== undefined && kind !== 'compare') {
    throw new TypeError('`expectFaster` is only valid for benchCompare')
  }
  const modelsValue = own.models
  if (modelsValue !== undefined && kind !== 'compare') throw new TypeError('`models` is only valid for benchCompare')
  const models: Model[] =
    kind !== 'compare'
      ? [kind]
      : modelsValue !== undefined
        ? checkModels(modelsValue)
        : context.asyncJoined === true
          ? ['async', ...DEFAULT_COMPARE_MODELS]
          : [...DEFAULT_COMPARE_MODELS]
  const expectFaster =
    expectFasterValue === undefined ? undefined : checkChoice('expectFaster', expectFasterValue, POOL_MODELS)
  if (expectFaster !== undefined && !POOL_MODELS.every((model) => models.includes(model))) {
    throw new TypeError(
      `\`expectFaster\` ranks threads against processes: \`models\` must hold both, got ${describeValue(models)}`,
    )
  }
  const confidence = number('confidence') ?? DEFAULTS.confidence
  // Every decision of the test shares its error budget: each (model, pool size) row, and the
  // ranking when expectFaster turns it into a verdict.
  const decisions = workers.length * models.length + (expectFaster === undefined ? 0 : 1)
  const rowConfidence = 1 - (1 - confidence) / decisions
  const minSpeedup = number('minSpeedup')
  const minEfficiency = number('minEfficiency')
  const { minRounds, maxRounds } = roundBounds(pick('minRounds'), pick('maxRounds'), {
    confidence,
    rowConfidence,
    decisions,
    budget: minSpeedup !== undefined || minEfficiency !== undefined,
  })

  const baselineValue = pick('baseline')
  const transferValue = pick('transfer')
  const latencyValue = pick('latency')
  return {
    workers,
    // 'auto' sizes are this machine's: a budget they cannot reach here is skipped, not failed.
    workersSetByUser: workersValue !== undefined && workersValue !== 'auto',
    workersAuto: workersValue === 'auto',
    tasks,
    tasksSetByUser: pick('tasks') !== undefined,
    input: own.input,
    minSpeedup,
    minEfficiency,
    level: envLevel ?? ownLevel,
    levelOverriddenFrom: envLevel !== undefined && envLevel !== ownLevel ? ownLevel : undefined,
    baseline: baselineValue === undefined ? DEFAULTS.baseline : checkChoice('baseline', baselineValue, BASELINES),
    time: number('time') ?? DEFAULTS.time,
    minRounds,
    maxRounds,
    warmupRounds: number('warmupRounds') ?? DEFAULTS.warmupRounds,
    taskTimeout: number('taskTimeout') ?? DEFAULTS.taskTimeout,
    startupTimeout: number('startupTimeout') ?? DEFAULTS.startupTimeout,
    confidence,
    rowConfidence,
    maxMemoryMb: number('maxMemoryMb'),
    transfer: transferValue === undefined ? DEFAULTS.transfer : checkBoolean('transfer', transferValue),
    expectFaster,
    models,
    modelsAuto: kind === 'compare' && modelsValue === undefined,
    strict: defaults.strict ?? DEFAULTS.strict,
    maxRegression: number('maxRegression') ?? DEFAULTS.maxRegression,
    latency: latencyValue === undefined ? DEFAULTS.latency : checkBoolean('latency', latencyValue),
    latencyTime: number('latencyTime') ?? DEFAULTS.latencyTime,
  }
}

/**
 * `minRounds` (default: the first round that decides with half the error budget) and `maxRounds`
 * (default: DEFAULTS.maxRounds, at least minRounds). A budget needs an interval that can exclude
 * it; without one, an unbounded interval is still honest.
 */
function roundBounds(
  minRoundsValue: unknown,
  maxRoundsValue: unknown,
  test: { confidence: number; rowConfidence: number; decisions: number; budget: boolean },
): { minRounds: number; maxRounds: number } {
  const minRounds =
    minRoundsValue === undefined
      ? firstDecidingRound(test.rowConfidence)
      : checkNumber('minRounds', minRoundsValue, {
          integer: true,
          min: 3,
          max: MAX_ROUNDS,
          expected: `an integer in [3, ${MAX_ROUNDS}]`,
        })
  const maxRounds =
    maxRoundsValue === undefined
      ? Math.max(DEFAULTS.maxRounds, minRounds)
      : checkNumber('maxRounds', maxRoundsValue, {
          integer: true,
          min: minRounds,
          max: MAX_ROUNDS,
          expected: `an integer in [minRounds (${minRounds}), ${MAX_ROUNDS}]`,
        })
  const deciding = smallestDecidingMaxRounds(test.rowConfidence, minRounds)
  if (test.budget && maxRounds < deciding) {
    const rows = test.decisions > 1 ? ` over ${test.decisions} rows` : ''
    throw new RangeError(
      `\`maxRounds\` must be at least ${deciding} to decide anything at confidence ${test.confidence}${rows} (with minRounds ${minRounds}), got ${maxRounds}: with fewer rounds no interval is finite, so the budget could only ever be INCONCLUSIVE`,
    )
  }
  return { minRounds, maxRounds }
}

/**
 * The path of a baseline JSON (`compareWith`, or the environment variable that overrides it):
 * a non-empty string. Whether the file exists is told in the report, never thrown.
 */
export function checkCompareWith(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(
      `\`${name}\` must be a non-empty path to a JSON report (an earlier run's outputFile), got ${describeValue(value)}`,
    )
  }
  return value
}

/** What the bench tests receive from the plugin: every option except where files are and reports go. */
export function benchDefaults(options: ParallelBenchPluginOptions): ParallelBenchPluginOptions {
  const {
    include: _include,
    exclude: _exclude,
    outputFile: _outputFile,
    htmlFile: _htmlFile,
    compareWith: _compareWith,
    maxSerialFraction: _maxSerialFraction,
    github: _github,
    verbose: _verbose,
    legend: _legend,
    setupFiles: _setupFiles,
    environment: _environment,
    ...defaults
  } = options
  return defaults
}

/** The options as they go into reports: plain data, without the input function. */
export function reportableOptions(options: ResolvedOptions): Record<string, unknown> {
  const { input, ...rest } = options
  return { ...rest, input: input === undefined ? undefined : typeof input === 'function' ? 'function' : 'value' }
}
