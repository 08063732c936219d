export type { BenchHelper } from './define-helpers.js'
export type { ErrorCode } from './errors.js'
export { ParallelBenchError } from './errors.js'
export { benchCompare, benchProcesses, benchThreads } from './helpers.js'
export type { BenchOptions, ParallelBenchPluginOptions } from './options.js'
export type {
  BenchKind,
  BenchResult,
  BenchSubject,
  EnvironmentInfo,
  Level,
  Model,
  ModelResult,
  ModuleFunction,
  RoundSample,
  SpeedupEstimate,
  Verdict,
  VerdictStatus,
} from './types.js'
