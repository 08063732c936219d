export type {
  BudgetOption,
  ContentionFinding,
  Diagnostic,
  NoBaseline,
  OtherLoad,
  RegressionNote,
  SkipFact,
  UnreachableFact,
  VerdictReason,
} from './contracts/facts.js'
export type {
  BenchOptions,
  CompareOnlyOptions,
  CompareOptions,
  ParallelBenchPluginOptions,
} from './contracts/options.js'
export type { BenchErrorCode, ErrorCode } from './errors.js'
export { ParallelBenchError } from './errors.js'
export { benchAsync, benchCompare, benchProcesses, benchThreads } from './host/helpers.js'
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
export type { BenchHelper, CompareHelper } from './worker/define-helpers.js'
