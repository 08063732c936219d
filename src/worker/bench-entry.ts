// The package's entry as a bench file sees it inside a worker: the module runner
// loads this instead of dist/index.js, so the helpers only register their
// function (no Vitest, no pools, nothing measured in the worker).
import { defineHelpers } from '../define-helpers.js'
import { type BenchFunction, register, workerRegistry } from '../registry.js'

export { ParallelBenchError } from '../errors.js'

export const { benchThreads, benchProcesses, benchCompare } = defineHelpers((kind, _variant, name, subject) => {
  const registry = workerRegistry()
  if (registry !== undefined && typeof subject === 'function') register(registry, kind, name, subject as BenchFunction)
})
