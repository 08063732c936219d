// benchAsync / benchThreads / benchProcesses / benchCompare in the Vitest host: each call
// registers one Vitest test, whose body measures the bench (run-bench.ts).
// Bench workers never run this file: they load worker/bench-entry.ts instead.
import { fileURLToPath } from 'node:url'
import { inject, type TestContext, test } from 'vitest'
import { PROVIDE_KEY, type ProvidedSettings } from '../contracts/options.js'
import { describeThrown } from '../errors.js'
import { stripControl } from '../format.js'
import { effectiveCores } from '../machine/effective-cores.js'
import type { BenchKind } from '../types.js'
import { type BenchHelper, type CompareHelper, type DefineBench, defineHelpers } from '../worker/define-helpers.js'
import { registerInWorker } from '../worker/registry.js'
import { isAsyncFunction } from './async-subject.js'
import { MODELS, resolveOptions } from './options.js'
import { testTimeoutMs } from './test-timeout.js'

export type { BenchHelper, CompareHelper } from '../worker/define-helpers.js'

declare module 'vitest' {
  interface ProvidedContext {
    'vitest-parallel-bench': import('../contracts/options.js').ProvidedSettings
  }
  interface TaskMeta {
    /** The whole result while the bench runs; its summary once it has finished (the result is then an artifact). */
    parallelBench?: import('../types.js').BenchResult | import('../types.js').BenchSummary
  }
}

const TITLES: Record<BenchKind, string> = {
  async: 'async',
  threads: 'threads',
  processes: 'processes',
  compare: 'threads vs processes',
}

/**
 * `[async vs threads]` for a compare with its own `models` (checked later, by runBench), `[async vs
 * threads vs processes]` for one whose fn is declared `async`; else the kind's title.
 */
function titleOf(kind: BenchKind, subject: unknown, options: unknown): string {
  const models = (options as { models?: unknown } | undefined)?.models
  if (kind === 'compare' && models === undefined && isAsyncFunction(subject)) return 'async vs threads vs processes'
  if (kind !== 'compare' || !Array.isArray(models)) return TITLES[kind]
  const known = MODELS.filter((model) => models.includes(model))
  return known.length >= 2 ? known.join(' vs ') : TITLES[kind]
}

/**
 * This package's own files, as paths and URLs: frames there are ours, not the user's (mapped
 * stacks name src/, unmapped ones dist/).
 */
const OWN = ['../../dist/', '../../src/'].flatMap((folder) => {
  const url = new URL(folder, import.meta.url)
  return [fileURLToPath(url), url.href]
})

/** The stack frames of a helper call below this package: the user's bench file first. */
function callerFrames(stack: string | undefined): string | undefined {
  const frames = stack
    ?.split('\n')
    .slice(1)
    .filter((line) => !OWN.some((own) => line.includes(own)))
  return frames === undefined || frames.length === 0 ? undefined : frames.join('\n')
}

/** Options that do not resolve fail the test at once: a minute is plenty for that. */
const INVALID_OPTIONS_TIMEOUT = 60_000

let cores: number | undefined

/** The test's timeout: the longest the bench can take by its own options (testTimeoutMs). */
function benchTimeout(
  kind: BenchKind,
  subject: unknown,
  options: unknown,
  settings: ProvidedSettings | undefined,
): number {
  try {
    cores ??= effectiveCores()
    const resolved = resolveOptions(options, {
      kind,
      defaults: settings?.defaults,
      effectiveCores: cores,
      asyncJoined: isAsyncFunction(subject),
    })
    return testTimeoutMs(resolved, resolved.models.length)
  } catch {
    return INVALID_OPTIONS_TIMEOUT
  }
}

const defineBench: DefineBench = (kind, variant, name, subject, options) => {
  // A project that inlines this package (ssr.noExternal) loads it in workers too: register there.
  if (registerInWorker(kind, name, subject)) return
  // Vitest's own reporters print titles as they are: one clean line, so a name cannot start a workflow command.
  const title = `${stripControl(typeof name === 'string' ? name : describeThrown(name))} [${titleOf(kind, subject, options)}]`
  const definedAt = callerFrames(new Error().stack)
  const body = async (context: TestContext): Promise<void> => {
    const [{ runBench }, { publishResult }] = await Promise.all([
      import('./run-bench.js'),
      import('./publish-result.js'),
    ])
    try {
      await runBench({ kind, name, subject, options, context, settings: inject(PROVIDE_KEY), definedAt })
    } finally {
      const result = context.task.meta.parallelBench
      await publishResult(context, result !== undefined && 'schema' in result ? result : undefined)
    }
  }
  const timeout = benchTimeout(kind, subject, options, inject(PROVIDE_KEY))
  if (variant === 'skip') test.skip(title, body, timeout)
  // biome-ignore lint/suspicious/noFocusedTests: forwards the user's own benchThreads.only.
  else if (variant === 'only') test.only(title, body, timeout)
  else test(title, body, timeout)
}

const helpers = defineHelpers(defineBench)

/** Runs `fn` as a batch of tasks one call at a time and with up to `workers` calls in flight in one worker thread (no pool), and measures the speedup. */
export const benchAsync: BenchHelper = helpers.benchAsync
/** Runs `fn` as a batch of tasks serially and across a pool of worker threads (piscina), and measures the speedup. */
export const benchThreads: BenchHelper = helpers.benchThreads
/** Runs `fn` as a batch of tasks serially and across a pool of child processes (fork), and measures the speedup. */
export const benchProcesses: BenchHelper = helpers.benchProcesses
/** Measures `fn` under worker threads and child processes side by side (and async concurrency, see `models`), and recommends one. */
export const benchCompare: CompareHelper = helpers.benchCompare
