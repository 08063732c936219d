export type { BenchHelper, CompareHelper } from './define-helpers.js'
export type { ErrorCode } from './errors.js'
export { ParallelBenchError } from './errors.js'
export { benchCompare, benchProcesses, benchThreads } from './helpers.js'
export type { BenchOptions, CompareOnlyOptions, CompareOptions, ParallelBenchPluginOptions } from './options.js'
export type {
  BenchKind,
  BenchResult,
  BenchSubject,
  ComparedWith,
  EnvironmentInfo,
  Level,
  Model,
  ModelResult,
  ModuleFunction,
  Regression,
  RegressionComparison,
  RegressionNew,
  RegressionStatus,
  RoundSample,
  SpeedupEstimate,
  Verdict,
  VerdictStatus,
} from './types.js'
