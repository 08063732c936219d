// Options in, resolved options out: validated once, here, before anything is
// spawned. Everything downstream takes `ResolvedOptions` and never re-checks.

import { widestCoverage } from '../analysis/statistics.js'
import { effectiveCores } from '../machine/effective-cores.js'
import type { BaselineSnapshot } from '../plugin/baseline-file.js'
import type { Baseline, BenchKind, Level, Model } from '../types.js'
import type { LoaderSetup } from '../worker/module-runner.js'

/** Options of `benchThreads` / `benchProcesses` / `benchCompare`. Plugin options set defaults for all. */
export interface BenchOptions<Input = unknown> {
  /** Pool size; an array (`[1, 2, 4]`) measures a scaling curve; `'auto'`: every size from 2 to the effective cores, with pool-size advice; at most 4 × the effective cores (256 with `oversubscribe`). @default effective cores */
  workers?: number | number[] | 'auto'
  /** Allow `workers` above 4 × the effective cores (up to 256): every worker costs a thread or a process with its memory. @default false */
  oversubscribe?: boolean
  /** Tasks per batch: one `fn(input(i))` call each, at most 100_000 (the host makes every input of a batch at once). @default 4 * workers */
  tasks?: number
  /** Input of task `i`: `(i) => value`, or one value for every task. Made in the host, cloned to the worker. @default undefined */
  input?: ((index: number) => Input) | Input
  /** Budget: the speedup over one worker the parallel arm must reach, at most 256. @default none */
  minSpeedup?: number
  /** Budget: speedup / workers, a portable form of `minSpeedup`, in (0, 1]. @default none */
  minEfficiency?: number
  /** What a missed budget does: `'error'` fails the test, `'warn'` annotates, `'off'` only reports. @default 'error' */
  level?: Level
  /** Serial arm: `'worker'` = one worker of the same kind; `'inline'` = `fn` called in the Vitest worker. @default 'worker' */
  baseline?: Baseline
  /** Measurement budget per bench after warm-up, ms, at most 3_600_000 (an hour). @default 10_000 */
  time?: number
  /** Fewest paired rounds before a verdict may be drawn, at most 1000. @default the first round the interval can decide at (7 at 95%) */
  minRounds?: number
  /** Most paired rounds, at most 1000. @default 40 */
  maxRounds?: number
  /** Untimed rounds run on the warm pool first, at most 100. @default 1 */
  warmupRounds?: number
  /** A task running longer than this kills its worker and fails the bench, ms, at most 2_147_483_647 (Node's longest timer). @default 30_000 */
  taskTimeout?: number
  /** Workers that have not loaded the bench file (spawn, setup files, module scope) within this fail the bench, ms, at most 2_147_483_647. @default 60_000 */
  startupTimeout?: number
  /** Confidence that all intervals of one bench hold at once; each (model, pool size) row gets an equal share of the error. @default 0.95 */
  confidence?: number
  /** Heap limit per worker thread (`resourceLimits.maxOldGenerationSizeMb`), or `--max-old-space-size` of a child process, MiB, in [16, 1_048_576]. @default Node's default */
  maxMemoryMb?: number
  /** Move `ArrayBuffer`s / typed arrays in inputs to the worker instead of copying them (the host's copy is detached, so inputs are re-made per task). @default false */
  transfer?: boolean
  /** Share of the speedup that may be lost against the stored run of `compareWith` before the row FAILs (0.1 = 10%), in [0, 1). @default 0.1 */
  maxRegression?: number
}

/** What only `benchCompare` takes on top of `BenchOptions`. */
export interface CompareOnlyOptions {
  /** `benchCompare` only: fails when the interval on the ratio of parallel batch times says the other model is faster; inconclusive otherwise. @default none */
  expectFaster?: Model
}

/** Options of `benchCompare`. */
export type CompareOptions<Input = unknown> = BenchOptions<Input> & CompareOnlyOptions

/** Options of `parallelBench()`: defaults for every bench plus plugin-only settings. */
export interface ParallelBenchPluginOptions extends Omit<BenchOptions, 'input'> {
  /** Globs of bench files (those that use this package), run in their own project after every other test. @default ['**\/*.bench.{ts,mts,cts,tsx,js,mjs,cjs,jsx}'] */
  include?: string[]
  /** Globs never run as bench files (on top of node_modules and Vitest's default excludes). @default [] */
  exclude?: string[]
  /** Write the JSON report here, relative to the Vitest root. @default none */
  outputFile?: string
  /** Write a self-contained HTML report (every bench with its chart, verdicts, environment) here, relative to the Vitest root; must end in `.html` or `.htm`. @default none */
  htmlFile?: string
  /** An earlier run's JSON report (e.g. main's) to compare every row with, relative to the Vitest root; `VITEST_PARALLEL_BENCH_COMPARE_WITH` overrides it for one run. @default none */
  compareWith?: string
  /** Make an INCONCLUSIVE result fail the test. @default false */
  strict?: boolean
  /** Print GitHub annotations and append to the step summary. @default process.env.GITHUB_ACTIONS === 'true' */
  github?: boolean
  /** Print every column of the terminal report in one row, however wide the terminal. @default false */
  verbose?: boolean
}

export interface ResolvedOptions {
  workers: number[]
  workersSetByUser: boolean
  /** `workers: 'auto'`: the sizes were chosen from this machine's effective cores. */
  workersAuto: boolean
  tasks: number
  tasksSetByUser: boolean
  input: BenchOptions['input']
  minSpeedup: number | undefined
  minEfficiency: number | undefined
  level: Level
  /** The level as written, when `VITEST_PARALLEL_BENCH_LEVEL` overrode it. */
  levelOverriddenFrom: Level | undefined
  baseline: Baseline
  time: number
  minRounds: number
  maxRounds: number
  warmupRounds: number
  taskTimeout: number
  startupTimeout: number
  confidence: number
  /** Per decision of the test (each (model, pool size) row, and expectFaster's ranking): 1 - (1 - confidence) / decisions, so the whole test keeps `confidence` (Bonferroni). */
  rowConfidence: number
  maxMemoryMb: number | undefined
  transfer: boolean
  expectFaster: Model | undefined
  strict: boolean
  maxRegression: number
}

export const LEVEL_ENV = 'VITEST_PARALLEL_BENCH_LEVEL'
/** Points at a baseline JSON for one run (CI downloads main's), overriding `compareWith`. */
export const COMPARE_WITH_ENV = 'VITEST_PARALLEL_BENCH_COMPARE_WITH'
/** Key under which the plugin provides bench defaults to the test workers (Vitest provide/inject). */
export const PROVIDE_KEY = 'vitest-parallel-bench'

/** What the plugin gives every bench test through `provide`. */
export interface ProvidedSettings {
  /** Option defaults for every bench. */
  defaults: ParallelBenchPluginOptions
  /** How bench workers load modules (the module server of the Vitest main process). */
  loader: LoaderSetup
  /** The stored run to compare with (`compareWith`), read once by the plugin; absent when none was set. */
  comparison?: BaselineSnapshot | undefined
}

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
  'maxRegression',
] as const
const PLUGIN_ONLY_KEYS = [
  'include',
  'exclude',
  'outputFile',
  'htmlFile',
  'compareWith',
  'strict',
  'github',
  'verbose',
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
} as const
const DEFAULT_MAX_ROUNDS = 40
const BASELINES: readonly Baseline[] = ['worker', 'inline']
const MODELS: readonly Model[] = ['threads', 'processes']

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
  const known = [...BENCH_KEYS.filter((k) => k !== 'input' && k !== 'expectFaster'), ...PLUGIN_ONLY_KEYS]
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
  if (o.verbose !== undefined) checkBoolean('verbose', o.verbose)
  if (o.github !== undefined) checkBoolean('github', o.github)
  // Bench defaults get the same checks as per-bench options.
  const benchPart = Object.fromEntries(
    Object.entries(o).filter(([k]) => !(PLUGIN_ONLY_KEYS as readonly string[]).includes(k)),
  )
  // The machine's own cores: `workers` is bounded per core.
  resolveOptions('threads', benchPart, {}, effectiveCores(), undefined)
}

/**
 * Merges plugin defaults and a bench's own options, validates them and fills in defaults.
 * Errors name the option; the caller adds which bench they belong to.
 * @param effectiveCores default for `workers`.
 * @param levelFromEnv value of VITEST_PARALLEL_BENCH_LEVEL, if set.
 */
export function resolveOptions(
  kind: BenchKind,
  options: unknown,
  defaults: ParallelBenchPluginOptions,
  effectiveCores: number,
  levelFromEnv: string | undefined,
): ResolvedOptions {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describeValue(options)}`)
  }
  // expectFaster is named in the list only where it is valid; elsewhere its own check says why.
  rejectUnknownKeys(
    options,
    kind === 'compare' || 'expectFaster' in options ? BENCH_KEYS : BENCH_KEYS.filter((key) => key !== 'expectFaster'),
  )
  const own = options as Record<string, unknown>
  const pick = (key: (typeof BENCH_KEYS)[number]): unknown =>
    own[key] !== undefined ? own[key] : (defaults as Record<string, unknown>)[key]

  const oversubscribeValue = pick('oversubscribe')
  const oversubscribe = oversubscribeValue === undefined ? false : checkBoolean('oversubscribe', oversubscribeValue)
  const workersValue = pick('workers')
  const workers =
    workersValue === undefined ? [effectiveCores] : checkWorkers(workersValue, effectiveCores, oversubscribe)
  const maxWorkers = workers[workers.length - 1] ?? 1
  const tasksValue = pick('tasks')
  const tasks =
    tasksValue === undefined
      ? 4 * maxWorkers
      : checkNumber('tasks', tasksValue, {
          ...POSITIVE_INT,
          ceiling: { max: LIMITS.tasks, why: 'the host makes every input of a batch at once' },
        })

  const minSpeedupValue = pick('minSpeedup')
  const minSpeedup =
    minSpeedupValue === undefined
      ? undefined
      : checkNumber('minSpeedup', minSpeedupValue, {
          above: 0,
          expected: 'a number > 0',
          ceiling: { max: LIMITS.minSpeedup, why: 'no pool can have more workers' },
        })
  const minEfficiencyValue = pick('minEfficiency')
  const minEfficiency =
    minEfficiencyValue === undefined
      ? undefined
      : checkNumber('minEfficiency', minEfficiencyValue, { above: 0, max: 1, expected: 'a number in (0, 1]' })

  const levelValue = pick('level')
  const ownLevel = levelValue === undefined ? 'error' : checkChoice('level', levelValue, LEVELS)
  const envLevel =
    levelFromEnv === undefined || levelFromEnv === '' ? undefined : checkChoice(LEVEL_ENV, levelFromEnv, LEVELS)
  const level = envLevel ?? ownLevel

  const confidenceValue = pick('confidence')
  const confidence =
    confidenceValue === undefined
      ? 0.95
      : checkNumber('confidence', confidenceValue, {
          above: 0.5,
          max: 0.999,
          expected: 'a number in (0.5, 0.999]',
        })
  // Every decision of the test shares its error budget: each (model, pool size) row, and the
  // ranking when expectFaster turns it into a verdict.
  const rows = workers.length * (kind === 'compare' ? 2 : 1) + (pick('expectFaster') === undefined ? 0 : 1)
  const rowConfidence = 1 - (1 - confidence) / rows

  const minRoundsValue = pick('minRounds')
  const maxRoundsValue = pick('maxRounds')
  const minRounds =
    minRoundsValue === undefined
      ? firstDecidingRound(rowConfidence)
      : checkNumber('minRounds', minRoundsValue, {
          integer: true,
          min: 3,
          max: MAX_ROUNDS,
          expected: `an integer in [3, ${MAX_ROUNDS}]`,
        })
  const maxRounds =
    maxRoundsValue === undefined
      ? Math.max(DEFAULT_MAX_ROUNDS, minRounds)
      : checkNumber('maxRounds', maxRoundsValue, {
          integer: true,
          min: minRounds,
          max: MAX_ROUNDS,
          expected: `an integer in [minRounds (${minRounds}), ${MAX_ROUNDS}]`,
        })
  // A budget needs an interval that can exclude it; without one, an unbounded interval is still honest.
  const deciding = smallestDecidingMaxRounds(rowConfidence, minRounds)
  if ((minSpeedup !== undefined || minEfficiency !== undefined) && maxRounds < deciding) {
    throw new RangeError(
      `\`maxRounds\` must be at least ${deciding} to decide anything at confidence ${confidence}${rows > 1 ? ` over ${rows} rows` : ''} (with minRounds ${minRounds}), got ${maxRounds}: with fewer rounds no interval is finite, so the budget could only ever be INCONCLUSIVE`,
    )
  }

  const expectFasterValue = pick('expectFaster')
  if (expectFasterValue !== undefined && kind !== 'compare') {
    throw new TypeError('`expectFaster` is only valid for benchCompare')
  }
  const inputValue = own.input
  const transferValue = pick('transfer')
  const baselineValue = pick('baseline')
  const timeValue = pick('time')
  const warmupValue = pick('warmupRounds')
  const timeoutValue = pick('taskTimeout')
  const startupTimeoutValue = pick('startupTimeout')
  const memoryValue = pick('maxMemoryMb')
  const maxRegressionValue = pick('maxRegression')

  return {
    workers,
    // 'auto' sizes are this machine's: a budget they cannot reach here is skipped, not failed.
    workersSetByUser: workersValue !== undefined && workersValue !== 'auto',
    workersAuto: workersValue === 'auto',
    tasks,
    tasksSetByUser: tasksValue !== undefined,
    input: inputValue,
    minSpeedup,
    minEfficiency,
    level,
    levelOverriddenFrom: envLevel !== undefined && envLevel !== ownLevel ? ownLevel : undefined,
    baseline: baselineValue === undefined ? 'worker' : checkChoice('baseline', baselineValue, BASELINES),
    time:
      timeValue === undefined
        ? 10_000
        : checkNumber('time', timeValue, {
            min: 0,
            expected: 'a number of ms >= 0',
            ceiling: { max: LIMITS.timeMs, why: 'an hour per bench' },
          }),
    minRounds,
    maxRounds,
    warmupRounds:
      warmupValue === undefined
        ? 1
        : checkNumber('warmupRounds', warmupValue, {
            integer: true,
            min: 0,
            expected: 'an integer >= 0',
            ceiling: { max: LIMITS.warmupRounds, why: 'warm-up rounds are not measured' },
          }),
    taskTimeout:
      timeoutValue === undefined
        ? 30_000
        : checkNumber('taskTimeout', timeoutValue, {
            above: 0,
            expected: 'a number of ms > 0',
            ceiling: TIMER_CEILING,
          }),
    startupTimeout:
      startupTimeoutValue === undefined
        ? 60_000
        : checkNumber('startupTimeout', startupTimeoutValue, {
            above: 0,
            expected: 'a number of ms > 0',
            ceiling: TIMER_CEILING,
          }),
    confidence,
    rowConfidence,
    maxMemoryMb:
      memoryValue === undefined
        ? undefined
        : checkNumber('maxMemoryMb', memoryValue, {
            integer: true,
            min: 16,
            expected: 'an integer number of MiB >= 16',
            ceiling: { max: LIMITS.maxMemoryMb, why: '1 TiB' },
          }),
    transfer: transferValue === undefined ? false : checkBoolean('transfer', transferValue),
    expectFaster: expectFasterValue === undefined ? undefined : checkChoice('expectFaster', expectFasterValue, MODELS),
    strict: defaults.strict ?? false,
    maxRegression:
      maxRegressionValue === undefined
        ? 0.1
        : checkNumber('maxRegression', maxRegressionValue, { min: 0, below: 1, expected: 'a number in [0, 1)' }),
  }
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

/**
 * The fewest `maxRounds` whose last look can give a finite interval: the widest sign-test
 * interval, [min, max] of n rounds, covers 1 - 2·0.5^n, which must reach the confidence
 * (6 rounds at 95%; earlier looks may still decide at the per-look level, see `lookPlan`).
 */
export function smallestDecidingMaxRounds(confidence: number, minRounds: number): number {
  return Math.max(minRounds, firstFiniteRound(confidence))
}

/** The first round whose widest interval covers `confidence`. */
function firstFiniteRound(confidence: number): number {
  let rounds = 1
  while (widestCoverage(rounds) < confidence) rounds++
  return rounds
}

/**
 * The default `minRounds`: the first round where every round on one side decides, with that
 * early look spending at most half the error budget (7 rounds at 95%: 1.6% of 5%; 8 for each
 * row of a two-row test). Starting at the first round that can decide at all (6 at 95%) would
 * spend 3.1% there and leave too little for the later looks, slowing every close call.
 */
export function firstDecidingRound(rowConfidence: number): number {
  let rounds = 1
  while (1 - widestCoverage(rounds) > (1 - rowConfidence) / 2) rounds++
  return rounds
}

/**
 * The longest one bench test can take, derived from its options: per measured (model, pool size),
 * start-up, warm-up, `minRounds`, then rounds until `time` (plus the one running when it passes),
 * the memory probe, each task bounded by `taskTimeout`; then shutdown.
 * `minRounds` takes precedence over `time`. Used as the Vitest test timeout, as a backstop only:
 * every task and start-up already has its own bound.
 */
export function testTimeoutMs(options: ResolvedOptions, models: number): number {
  const shutdownMs = 5_000
  let total = 0
  for (const workers of options.workers) {
    const roundMs = (options.tasks + Math.ceil(options.tasks / workers)) * options.taskTimeout
    const rounds = options.warmupRounds + options.minRounds + 1
    total += options.startupTimeout + rounds * roundMs + options.time + options.taskTimeout + shutdownMs
  }
  return Math.min(models * total, 2 ** 31 - 1)
}

/** What the bench tests receive from the plugin: every option except where files are and reports go. */
export function benchDefaults(options: ParallelBenchPluginOptions): ParallelBenchPluginOptions {
  const {
    include: _include,
    exclude: _exclude,
    outputFile: _outputFile,
    htmlFile: _htmlFile,
    compareWith: _compareWith,
    github: _github,
    verbose: _verbose,
    ...defaults
  } = options
  return defaults
}

/** The options as they go into reports: plain data, without the input function. */
export function reportableOptions(options: ResolvedOptions): Record<string, unknown> {
  const { input, ...rest } = options
  return { ...rest, input: input === undefined ? undefined : typeof input === 'function' ? 'function' : 'value' }
}
