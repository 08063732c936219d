// The worker side, shared by the thread and process transports: load the
// bench (load-target.ts), run tasks and time them. It never throws while
// starting (a failed bootstrap can hang a pool): failures become replies.
import { isMainThread, threadId } from 'node:worker_threads'
import { type ErrorCode, ParallelBenchError, serializeError } from '../errors.js'
import type { BenchFunction } from '../registry.js'
import { cpuTimeMs } from './cpu-time.js'
import { loadTarget } from './load-target.js'
import { epochNow, READY, type ReadyMessage, type TaskReply, type TaskRequest, type WorkerSetup } from './protocol.js'

export interface Runtime {
  ready: ReadyMessage
  /** Synchronous for a synchronous fn: a promise would cost every task a few microtask turns. */
  handle(request: TaskRequest): TaskReply | Promise<TaskReply>
}

const workerId = isMainThread ? `pid ${process.pid}` : `thread ${threadId}`

/** Tasks shorter than this skip the CPU-time reads (2 × ~8 µs from /proc on Node 20 would distort them). */
const CPU_SAMPLE_MIN_MS = 5

function failure(
  code: ErrorCode,
  error: unknown,
): { ok: false; code: ErrorCode; error: ReturnType<typeof serializeError> } {
  return { ok: false, code: error instanceof ParallelBenchError ? error.code : code, error: serializeError(error) }
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
    fn = await loadTarget(setup.target, setup.loader)
  } catch (error) {
    loadError = failure('LOAD_FAILED', error)
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
