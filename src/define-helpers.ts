// The shape of benchThreads / benchProcesses / benchCompare and their variants
// (.skip, .only, .skipIf, .runIf), built around one `define` function: the
// Vitest host's defines a test, a bench worker's only registers the function.
import type { BenchOptions } from './options.js'
import type { BenchKind, BenchSubject } from './types.js'

export type Variant = 'run' | 'skip' | 'only'

export type DefineBench = (
  kind: BenchKind,
  variant: Variant,
  name: string,
  subject: BenchSubject<unknown>,
  options: unknown,
) => void

export interface BenchHelper {
  <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input>): void
  /** Registers the bench but skips it. */
  skip: <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input>) => void
  /** Runs only this bench (and other `.only`) in its file. */
  only: <Input = unknown>(name: string, fn: BenchSubject<Input>, options?: BenchOptions<Input>) => void
  /** Skips the bench when `condition` is truthy. */
  skipIf: (condition: unknown) => BenchHelper
  /** Runs the bench only when `condition` is truthy. */
  runIf: (condition: unknown) => BenchHelper
}

function helper(define: DefineBench, kind: BenchKind, enabled = true): BenchHelper {
  const call = (variant: Variant) => (name: string, fn: BenchSubject<never>, options?: BenchOptions<never>) =>
    define(kind, enabled ? variant : 'skip', name, fn as BenchSubject<unknown>, options)
  return Object.assign(call('run'), {
    skip: call('skip'),
    only: call('only'),
    skipIf: (condition: unknown) => helper(define, kind, enabled && !condition),
    runIf: (condition: unknown) => helper(define, kind, enabled && Boolean(condition)),
  }) as BenchHelper
}

export function defineHelpers(
  define: DefineBench,
): Record<'benchThreads' | 'benchProcesses' | 'benchCompare', BenchHelper> {
  return {
    benchThreads: helper(define, 'threads'),
    benchProcesses: helper(define, 'processes'),
    benchCompare: helper(define, 'compare'),
  }
}
