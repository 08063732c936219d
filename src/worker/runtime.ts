// The worker side, shared by the thread and process transports: register the
// module hooks, load the bench, run tasks and time them. It never throws while
// starting (a failed bootstrap can hang a pool): failures become replies.
import * as nodeModule from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread, threadId } from 'node:worker_threads'
import { type ErrorCode, ParallelBenchError, serializeError } from '../errors.js'
import { type BenchFunction, installRegistry, lookup } from '../registry.js'
import { cpuTimeMs } from './cpu-time.js'
import type { HooksData, registerInThread } from './hooks.js'
import {
  type BenchTarget,
  epochNow,
  READY,
  type ReadyMessage,
  type TaskReply,
  type TaskRequest,
  type WorkerSetup,
} from './protocol.js'

export interface Runtime {
  ready: ReadyMessage
  /** Synchronous for a synchronous fn: a promise would cost every task a few microtask turns. */
  handle(request: TaskRequest): TaskReply | Promise<TaskReply>
}

/** The package's main entry (dist/index.js), the module every bench file imports. */
const PACKAGE_ENTRY = new URL('../index.js', import.meta.url).href

const workerId = isMainThread ? `pid ${process.pid}` : `thread ${threadId}`

/** Tasks shorter than this skip the CPU-time reads (2 × ~8 µs from /proc on Node 20 would distort them). */
const CPU_SAMPLE_MIN_MS = 5

function nativeTypeScript(): boolean {
  const features = process.features as { typescript?: string | false }
  return typeof features.typescript === 'string'
}

async function loadFunction(target: BenchTarget): Promise<BenchFunction> {
  if (target.kind === 'module') {
    const exports = (await import(target.url)) as Record<string, unknown>
    const fn = exports[target.exportName]
    if (typeof fn !== 'function') {
      const found = Object.keys(exports).filter((name) => typeof exports[name] === 'function')
      throw new ParallelBenchError(
        'NOT_FOUND',
        `${target.url} has no exported function \`${target.exportName}\`` +
          ` (exported functions: ${found.length === 0 ? 'none' : found.join(', ')})`,
      )
    }
    return fn as BenchFunction
  }
  const registry = installRegistry()
  await import(pathToFileURL(target.file).href)
  await Promise.all(registry.pending)
  const found = lookup(registry, target.key)
  if (!found.found) throw new ParallelBenchError('NOT_FOUND', `${target.file}: ${found.reason}`)
  return found.fn
}

function failure(
  code: ErrorCode,
  error: unknown,
): { ok: false; code: ErrorCode; error: ReturnType<typeof serializeError> } {
  return { ok: false, code: error instanceof ParallelBenchError ? error.code : code, error: serializeError(error) }
}

/**
 * Module hooks in this worker: in its own thread where Node can (module.registerHooks, Node ≥ 22.15),
 * else on a hooks thread (module.register): on Node 20 starting that thread costs ~40–60 ms per worker,
 * about as much as the worker itself (bench/overhead.ts, "startup").
 */
async function registerHooks(setup: WorkerSetup): Promise<void> {
  const data: HooksData = { shimUrl: setup.shimUrl, nativeTypeScript: nativeTypeScript() }
  if ('registerHooks' in nodeModule) {
    const hooks = (await import(setup.hooksUrl)) as { registerInThread: typeof registerInThread }
    if (hooks.registerInThread(data)) return
  }
  nodeModule.register(setup.hooksUrl, { data })
}

/**
 * A tinybench sample should last at least this long. A fast fn is timed in batches of calls:
 * one sample per call of a 50 ns fn made ~4 million samples in 200 ms, and sorting them for
 * the percentiles cost ~1.5 s per pool (the demo's "square four numbers" bench).
 */
const MIN_SAMPLE_MS = 0.05

/** Results of batched calls land here, so that the JIT cannot drop calls whose value is unused. */
const sink: { value?: unknown } = {}

/**
 * Calls per sample so that one sample lasts MIN_SAMPLE_MS. `coldMs`: the first call, which may
 * include compiling; a fn that slow needs no batches (and timing more calls of it would be costly).
 * A batch must pass twice: the JIT can make a loop's second run far faster than its first.
 */
async function batchSize(fn: BenchFunction, input: unknown, isAsync: boolean, coldMs: number): Promise<number> {
  if (coldMs >= 1) return 1
  const timed = async (calls: number): Promise<number> => {
    const start = performance.now()
    for (let i = 0; i < calls; i++) sink.value = isAsync ? await fn(input) : fn(input)
    return performance.now() - start
  }
  for (let calls = 1; calls < 1 << 20; calls *= 2) {
    if ((await timed(calls)) >= MIN_SAMPLE_MS && (await timed(calls)) >= MIN_SAMPLE_MS) return calls
  }
  return 1 << 20
}

async function calibrate(fn: BenchFunction, input: unknown, time: number): Promise<TaskReply> {
  // A synchronous fn is timed synchronously: awaiting would add a microtask to every call.
  const coldStart = performance.now()
  const probe = fn(input)
  const isAsync = probe instanceof Promise
  if (isAsync) await probe
  const calls = await batchSize(fn, input, isAsync, performance.now() - coldStart)
  // Only calibration needs tinybench: importing it at worker start would cost every worker ~15 ms.
  const { Bench } = await import('tinybench')
  const bench = new Bench({ time, warmupTime: Math.min(100, time / 4), iterations: 5, warmupIterations: 2 })
  if (calls === 1) {
    bench.add('call', isAsync ? async () => void (await fn(input)) : () => void fn(input))
  } else {
    // A sample is the mean of `calls` calls; the time budget is charged the whole batch.
    const measured = (start: number) => {
      const elapsed = performance.now() - start
      return { overriddenDuration: elapsed / calls, overriddenIterationCost: elapsed }
    }
    bench.add(
      'call',
      isAsync
        ? async () => {
            const start = performance.now()
            for (let i = 0; i < calls; i++) sink.value = await fn(input)
            return measured(start)
          }
        : () => {
            const start = performance.now()
            for (let i = 0; i < calls; i++) sink.value = fn(input)
            return measured(start)
          },
    )
  }
  await bench.run()
  const result = bench.tasks[0]?.result
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    const error = result?.state === 'errored' ? result.error : new Error('tinybench produced no samples')
    return failure('TASK_FAILED', error)
  }
  // `samples` counts calls timed, batched or not.
  return { ok: true, op: 'calibrate', callMs: result.latency.p50, samples: result.latency.samplesCount * calls }
}

/** Starts the runtime in this worker: never rejects; a load failure is kept and replied to every task. */
export async function startRuntime(setup: WorkerSetup): Promise<Runtime> {
  let fn: BenchFunction | undefined
  let loadError: ReadyMessage['error']
  try {
    await registerHooks(setup)
    // A bench file imports this package: load it before source maps are on, so that the worker
    // does not read and parse the package's own maps (~8 ms per worker); the user's files, loaded
    // next, keep theirs for stack traces. A failure here recurs, with a clearer stack, just below.
    if (setup.target.kind === 'file') await import(PACKAGE_ENTRY).catch(() => undefined)
    process.setSourceMapsEnabled(true)
    fn = await loadFunction(setup.target)
  } catch (error) {
    loadError = failure('NOT_FOUND', error)
  }
  let lastBusyMs = Number.POSITIVE_INFINITY

  function done(value: unknown, start: number, cpuStart: number | undefined, sampleCpu: boolean): TaskReply {
    const busyMs = performance.now() - start
    const cpuEnd = sampleCpu ? cpuTimeMs() : undefined
    lastBusyMs = busyMs
    const cpuMs = cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined
    return { ok: true, op: 'run', workerId, busyMs, cpuMs, value }
  }

  async function settle(
    promise: Promise<unknown>,
    start: number,
    cpuStart: number | undefined,
    sampleCpu: boolean,
  ): Promise<TaskReply> {
    try {
      return done(await promise, start, cpuStart, sampleCpu)
    } catch (error) {
      return failure('TASK_FAILED', error)
    }
  }

  function run(fn: BenchFunction, input: unknown): TaskReply | Promise<TaskReply> {
    const sampleCpu = lastBusyMs >= CPU_SAMPLE_MIN_MS
    const cpuStart = sampleCpu ? cpuTimeMs() : undefined
    const start = performance.now()
    let value: unknown
    try {
      value = fn(input)
    } catch (error) {
      return failure('TASK_FAILED', error)
    }
    return value instanceof Promise
      ? settle(value, start, cpuStart, sampleCpu)
      : done(value, start, cpuStart, sampleCpu)
  }

  return {
    ready: { type: READY, workerId, readyAt: epochNow(), error: loadError },
    handle(request) {
      if (loadError !== undefined) return { ok: false, ...loadError }
      if (fn === undefined) return failure('NOT_FOUND', new Error('bench function not loaded'))
      switch (request.op) {
        case 'run':
          return run(fn, request.input)
        case 'calibrate':
          return calibrate(fn, request.input, request.time).catch((error: unknown) => failure('TASK_FAILED', error))
        case 'memory': {
          const usage = process.memoryUsage()
          // A thread shares the process RSS; its own cost is its V8 heap.
          return { ok: true, op: 'memory', workerId, bytes: isMainThread ? usage.rss : usage.heapUsed }
        }
      }
    },
  }
}
