// benchThreads / benchProcesses / benchCompare. In the Vitest host each call
// registers one Vitest test; inside a bench worker (which re-imports the bench
// file) it only registers its function for the worker to find.
import { inject, type TestContext, test } from 'vitest'
import { type BenchOptions, PROVIDE_KEY } from './options.js'
import { type BenchFunction, register, workerRegistry } from './registry.js'
import { stripControl } from './report/format.js'
import type { BenchKind } from './types.js'

/** The second form: the function is an export of a module (for heavy or unusual set-ups). */
export interface ModuleFunction {
  /** The module, e.g. `new URL('./work.ts', import.meta.url)`, or an absolute path / file URL string. */
  module: URL | string
  /** Name of the exported function. */
  export: string
}

export type BenchSubject<Input> = ((input: Input) => unknown) | ModuleFunction

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

declare module 'vitest' {
  interface ProvidedContext {
    'vitest-parallel-bench': import('./options.js').ParallelBenchPluginOptions
  }
  interface TaskMeta {
    parallelBench?: import('./types.js').BenchResult
  }
}

const TITLES: Record<BenchKind, string> = {
  threads: 'threads',
  processes: 'processes',
  compare: 'threads vs processes',
}

type Variant = 'run' | 'skip' | 'only'

function defineBench(
  kind: BenchKind,
  variant: Variant,
  name: string,
  subject: BenchSubject<unknown>,
  options: unknown,
): void {
  const registry = workerRegistry()
  if (registry !== undefined) {
    if (typeof subject === 'function') register(registry, kind, name, subject as BenchFunction)
    return
  }
  // Vitest's own reporters print titles as they are: one clean line, so a name cannot start a workflow command.
  const title = `${stripControl(name)} [${TITLES[kind]}]`
  const body = async (context: TestContext): Promise<void> => {
    const { runBench } = await import('./run-bench.js')
    await runBench({ kind, name, subject, options, context, defaults: inject(PROVIDE_KEY) ?? {} })
  }
  // Bench tests run long by design; the worst case is bounded by time, rounds and taskTimeout.
  const timeout = 30 * 60_000
  if (variant === 'skip') test.skip(title, body, timeout)
  // biome-ignore lint/suspicious/noFocusedTests: forwards the user's own benchThreads.only.
  else if (variant === 'only') test.only(title, body, timeout)
  else test(title, body, timeout)
}

function helper(kind: BenchKind, enabled = true): BenchHelper {
  const call = (variant: Variant) => (name: string, fn: BenchSubject<never>, options?: BenchOptions<never>) =>
    defineBench(kind, enabled ? variant : 'skip', name, fn as BenchSubject<unknown>, options)
  return Object.assign(call('run'), {
    skip: call('skip'),
    only: call('only'),
    skipIf: (condition: unknown) => helper(kind, enabled && !condition),
    runIf: (condition: unknown) => helper(kind, enabled && Boolean(condition)),
  }) as BenchHelper
}

/** Runs `fn` as a batch of tasks serially and across a pool of worker threads (piscina), and measures the speedup. */
export const benchThreads: BenchHelper = helper('threads')
/** Runs `fn` as a batch of tasks serially and across a pool of child processes (fork), and measures the speedup. */
export const benchProcesses: BenchHelper = helper('processes')
/** Measures `fn` under worker threads and child processes side by side, and recommends one. */
export const benchCompare: BenchHelper = helper('compare')
