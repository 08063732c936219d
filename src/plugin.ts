// The package's `./plugin` entry; the plugin lives in plugin/ (Vitest's main process).
export type { ParallelBenchPluginOptions } from './plugin/parallel-bench.js'
export { default, PROJECT_NAME, parallelBench } from './plugin/parallel-bench.js'
