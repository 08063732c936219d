// The package's entry as a bench file sees it inside a worker: the module runner
// loads this instead of dist/index.js, so the helpers only register their
// function (no Vitest, no pools, nothing measured in the worker).
import { defineHelpers } from './define-helpers.js'
import { registerInWorker } from './registry.js'

export { ParallelBenchError } from '../errors.js'

export const { benchAsync, benchThreads, benchProcesses, benchCompare } = defineHelpers(
  (kind, _variant, name, subject) => {
    registerInWorker(kind, name, subject)
  },
)
