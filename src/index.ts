export type { ErrorCode } from './errors.js'
export { ParallelBenchError } from './errors.js'
export type { BenchHelper, BenchSubject, ModuleFunction } from './helpers.js'
export { benchCompare, benchProcesses, benchThreads } from './helpers.js'
export type { BenchOptions, ParallelBenchPluginOptions } from './options.js'
export type {
  BenchKind,
  BenchResult,
  EnvironmentInfo,
  Level,
  Model,
  ModelResult,
  RoundSample,
  SpeedupEstimate,
  Verdict,
  VerdictStatus,
} from './types.js'
