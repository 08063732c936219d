// The worker side, shared by the thread and process transports: register the
// module hooks, load the bench, run tasks and time them. It never throws while
// starting (a failed bootstrap can hang a pool): failures become replies.
import { register } from 'node:module'
import { threadId, isMainThread } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import { Bench } from 'tinybench'
import { ParallelBenchError, serializeError, type ErrorCode } from '../errors.js'
import { installRegistry, lookup, type BenchFunction } from '../registry.js'
import { cpuTimeMs } from './cpu-time.js'
import type { HooksData } from './hooks.js'
import {
  epochNow,
  READY,
  type BenchTarget,
  type ReadyMessage,
  type TaskReply,
  type TaskRequest,
  type WorkerSetup,
} from './protocol.js'

export interface Runtime {
  ready: ReadyMessage
  handle(request: TaskRequest): Promise<TaskReply>
}

const workerId = isMainThread ? `pid ${process.pid}` : `thread ${threadId}`

/** Tasks shorter than this skip the CPU-time read (its cost would distort them, and /proc has 10 ms resolution). */
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

function failure(code: ErrorCode, error: unknown): { ok: false; code: ErrorCode; error: ReturnType<typeof serializeError> } {
  return { ok: false, code: error instanceof ParallelBenchError ? error.code : code, error: serializeError(error) }
}

async function calibrate(fn: BenchFunction, input: unknown, time: number): Promise<TaskReply> {
  // A synchronous fn is timed synchronously: awaiting would add a microtask to every call.
  const probe = fn(input)
  const isAsync = probe instanceof Promise
  if (isAsync) await probe
  const bench = new Bench({ time, warmupTime: Math.min(100, time / 4), iterations: 5, warmupIterations: 2 })
  bench.add('call', isAsync ? async () => void (await fn(input)) : () => void fn(input))
  await bench.run()
  const result = bench.tasks[0]?.result
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    const error = result?.state === 'errored' ? result.error : new Error('tinybench produced no samples')
    return failure('TASK_FAILED', error)
  }
  return { ok: true, op: 'calibrate', callMs: result.latency.p50, samples: result.latency.samplesCount }
}

/** Starts the runtime in this worker: never rejects; a load failure is kept and replied to every task. */
export async function startRuntime(setup: WorkerSetup): Promise<Runtime> {
  let fn: BenchFunction | undefined
  let loadError: ReadyMessage['error']
  try {
    const data: HooksData = { shimUrl: setup.shimUrl, nativeTypeScript: nativeTypeScript() }
    register(setup.hooksUrl, { data })
    process.setSourceMapsEnabled(true)
    fn = await loadFunction(setup.target)
  } catch (error) {
    loadError = failure('NOT_FOUND', error)
  }
  let lastBusyMs = Number.POSITIVE_INFINITY

  async function run(input: unknown): Promise<TaskReply> {
    if (fn === undefined) throw new Error('unreachable: fn is loaded')
    const sampleCpu = lastBusyMs >= CPU_SAMPLE_MIN_MS
    const cpuStart = sampleCpu ? cpuTimeMs() : undefined
    const start = performance.now()
    let value: unknown
    try {
      value = fn(input)
      if (value instanceof Promise) value = await value
    } catch (error) {
      return failure('TASK_FAILED', error)
    }
    const busyMs = performance.now() - start
    const cpuEnd = sampleCpu ? cpuTimeMs() : undefined
    lastBusyMs = busyMs
    const cpuMs = cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined
    return { ok: true, op: 'run', workerId, busyMs, cpuMs, value }
  }

  return {
    ready: { type: READY, workerId, readyAt: epochNow(), error: loadError },
    async handle(request) {
      if (loadError !== undefined) return { ok: false, ...loadError }
      if (fn === undefined) return failure('NOT_FOUND', new Error('bench function not loaded'))
      switch (request.op) {
        case 'run':
          return run(request.input)
        case 'calibrate':
          try {
            return await calibrate(fn, request.input, request.time)
          } catch (error) {
            return failure('TASK_FAILED', error)
          }
        case 'memory': {
          const usage = process.memoryUsage()
          // A thread shares the process RSS; its own cost is its V8 heap.
          return { ok: true, op: 'memory', workerId, bytes: isMainThread ? usage.rss : usage.heapUsed }
        }
      }
    },
  }
}
