// The shape of benchAsync / benchThreads / benchProcesses / benchCompare and their variants
// (.skip, .only, .skipIf, .runIf), built around one `define` function: the
// Vitest host's defines a test, a bench worker's only registers the function.

import type { BenchOptions, CompareOnlyOptions } from '../contracts/options.js'
import type { BenchKind, BenchSubject } from '../types.js'

export type Variant = 'run' | 'skip' | 'only'

export type DefineBench = (
  kind: BenchKind,
  variant: Variant,
  name: string,
  subject: BenchSubject<unknown>,
  options: unknown,
) => void

/** `benchAsync` / `benchThreads` / `benchProcesses` (`Extra` = {}), `benchCompare` (`Extra` = its own options). */
export interface BenchHelper<Extra = object> {
  <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input> & Extra): void
  /** Registers the bench but skips it. */
  skip: <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input> & Extra) => void
  /** Runs only this bench (and other `.only`) in its file. */
  only: <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input> & Extra) => void
  /** Skips the bench when `condition` is truthy. */
  skipIf: (condition: unknown) => BenchHelper<Extra>
  /** Runs the bench only when `condition` is truthy. */
  runIf: (condition: unknown) => BenchHelper<Extra>
}

/** `benchCompare`: a bench helper that also takes `expectFaster` and `models`. */
export type CompareHelper = BenchHelper<CompareOnlyOptions>

function helper<Extra>(define: DefineBench, kind: BenchKind, enabled = true): BenchHelper<Extra> {
  const call = (variant: Variant) => (name: string, fn: BenchSubject<never>, options?: BenchOptions<never>) =>
    define(kind, enabled ? variant : 'skip', name, fn as BenchSubject<unknown>, options)
  return Object.assign(call('run'), {
    skip: call('skip'),
    only: call('only'),
    skipIf: (condition: unknown) => helper<Extra>(define, kind, enabled && !condition),
    runIf: (condition: unknown) => helper<Extra>(define, kind, enabled && Boolean(condition)),
  }) as BenchHelper<Extra>
}

export function defineHelpers(define: DefineBench): {
  benchAsync: BenchHelper
  benchThreads: BenchHelper
  benchProcesses: BenchHelper
  benchCompare: CompareHelper
} {
  return {
    benchAsync: helper(define, 'async'),
    benchThreads: helper(define, 'threads'),
    benchProcesses: helper(define, 'processes'),
    benchCompare: helper<CompareOnlyOptions>(define, 'compare'),
  }
}
