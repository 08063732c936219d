// The options contract: what users write (BenchOptions, plugin options), what resolveOptions
// returns (ResolvedOptions, the only shape downstream code reads), and what the plugin gives every
// bench test (ProvidedSettings). Types and names only; host/options.ts validates and resolves.
import type { Baseline, Level, Model } from '../types.js'
import type { BaselineSnapshot } from './baseline.js'

/** Options of `benchAsync` / `benchThreads` / `benchProcesses` / `benchCompare`. Plugin options set defaults for all. */
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
  /** After the rounds, tinybench times one call inline (in a worker), through the warm pool, and with `workers` in flight: p50, p99, what offloading adds. @default false */
  latency?: boolean
  /** Time for the whole latency step, shared by its rows, ms, in [10, 60_000]; each row may overrun it by one call. @default 500 */
  latencyTime?: number
}

/** What only `benchCompare` takes on top of `BenchOptions`. */
export interface CompareOnlyOptions {
  /** `benchCompare` only: fails when the interval on the ratio of parallel batch times says the other model is faster; inconclusive otherwise. @default none */
  expectFaster?: Model
  /** `benchCompare` only: the models measured side by side, in the same rounds: two or more of `'async'`, `'threads'`, `'processes'`. @default `['threads', 'processes']`, and `'async'` first when `fn` is declared async */
  models?: Model[]
}

/** Options of `benchCompare`. */
export type CompareOptions<Input = unknown> = BenchOptions<Input> & CompareOnlyOptions

/** Options of `parallelBench()`: defaults for every bench plus plugin-only settings. */
export interface ParallelBenchPluginOptions extends Omit<BenchOptions, 'input'> {
  /** Globs of bench files (those that use this package), run in their own project after every other test. @default ['**\/*.bench.{ts,mts,cts,tsx,js,mjs,cjs,jsx}'] */
  include?: string[]
  /** Globs never run as bench files (on top of node_modules and Vitest's default excludes). @default [] */
  exclude?: string[]
  /** Write the JSON report here, relative to the config that declares the plugin. @default none */
  outputFile?: string
  /** Write a self-contained HTML report (every bench with its chart, verdicts, environment) here, relative to the config that declares the plugin; must end in `.html` or `.htm`. @default none */
  htmlFile?: string
  /** An earlier run's JSON report (e.g. main's) to compare every row with, relative to the config that declares the plugin; `VITEST_PARALLEL_BENCH_COMPARE_WITH` overrides it for one run. @default none */
  compareWith?: string
  /** Make an INCONCLUSIVE result fail the test. @default false */
  strict?: boolean
  /** Fail a merged run of several machines (`vitest --merge-reports` of blobs with a `VITEST_BLOB_LABEL` each) when the Amdahl serial fraction fitted across them lies above this, interval and all; in [0, 1]. @default none */
  maxSerialFraction?: number
  /** Print GitHub annotations and append to the step summary. @default process.env.GITHUB_ACTIONS === 'true' */
  github?: boolean
  /** Print every column of the terminal report in one row, however wide the terminal. @default false */
  verbose?: boolean
  /** The legend under the terminal report: `'once'` on the first report of a run (not on watch reruns), `true` every time, `false` never. @default 'once' */
  legend?: boolean | 'once'
  /** The bench project's own `setupFiles`, instead of the ones it inherits (e.g. a setup file that needs a DOM), relative to the config that declares the plugin. @default the inherited ones */
  setupFiles?: string[]
  /** The bench project's own Vitest `environment` for the bench tests in the host (workers always run on Node). @default the inherited one */
  environment?: string
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
  /** The models measured, in the report's order: `[kind]` for a single-model bench. */
  models: Model[]
  /** `benchCompare` without `models`: the default models (with `async` when fn is declared `async`). */
  modelsAuto: boolean
  strict: boolean
  maxRegression: number
  latency: boolean
  latencyTime: number
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

/** How a worker loads modules: chosen by the plugin in the main process, per project. */
export interface LoaderSetup {
  channel: ModuleChannel
  /** `vite/module-runner` of the Vite that serves the project (file URL). */
  moduleRunnerUrl: string
  /** `vitest/runtime` of the Vitest that runs the project (file URL): where Vitest's evaluator is. */
  vitestRuntimeUrl: string
  /** The project's `setupFiles`, absolute, run before the bench file. */
  setupFiles: string[]
  /** The project's `globals`: `describe`, `test`, … without an import. */
  globals: boolean
  /** The project's `define` constants that Vitest sets on globalThis in its workers (`config.defines`). */
  defines: Record<string, unknown>
  /** `import.meta.env` as Vitest's workers see it (`config.env`). */
  env: Record<string, unknown>
}

/** Where and how a worker reaches the module server; travels from the plugin through `provide`. */
export interface ModuleChannel {
  address: string
  token: string
  project: string
}
