// The worker side, shared by the thread and process transports: load the
// bench (load-target.ts), run tasks and time them. It never throws while
// starting (a failed bootstrap can hang a pool): failures become replies.
import { isMainThread, threadId } from 'node:worker_threads'
import { type ErrorCode, ParallelBenchError, serializeError } from '../errors.js'
import { privateBytesOf } from '../machine/process-tree.js'
import { threadKey } from '../machine/schedstat.js'
import { concurrentBatch } from './concurrent-batch.js'
import { type ThreadTimes, threadTimes } from './cpu-time.js'
import { loadTarget } from './load-target.js'
import { epochNow, READY, type ReadyMessage, type TaskReply, type TaskRequest, type WorkerSetup } from './protocol.js'
import type { BenchFunction } from './registry.js'

export interface Runtime {
  ready: ReadyMessage
  /** Synchronous for a synchronous fn: a promise would cost every task a few microtask turns. */
  handle(request: TaskRequest): TaskReply | Promise<TaskReply>
}

const workerId = isMainThread ? `pid ${process.pid}` : `thread ${threadId}`

/**
 * Tasks shorter than this skip the CPU-time and run-queue-delay reads: just after a call one
 * reading costs 20–40 µs here, and a task takes two, which would distort short ones; at 1 ms they
 * add a few percent to the arm's wall time, outside the time inside fn.
 */
const SAMPLE_MIN_MS = 1

function failure(
  code: ErrorCode,
  error: unknown,
): { ok: false; code: ErrorCode; error: ReturnType<typeof serializeError> } {
  return { ok: false, code: error instanceof ParallelBenchError ? error.code : code, error: serializeError(error) }
}

/**
 * This process's private memory (USS: Private_Clean + Private_Dirty of /proc/self/smaps_rollup),
 * what it adds to the machine; RSS where Linux's rollup is not there (RSS counts shared pages in full).
 */
function privateBytes(): number {
  return privateBytesOf('self') ?? process.memoryUsage().rss
}

/** Results land here, so that the JIT cannot drop calls whose value is unused. */
const sink: { value?: unknown } = {}

/** One loop over the batch, timed around the loop: for tasks so small that timing each call would mostly time the clock. */
function inlineBatch(fn: BenchFunction, inputs: readonly unknown[]): TaskReply | Promise<TaskReply> {
  const start = performance.now()
  try {
    for (let i = 0; i < inputs.length; i++) {
      const value = fn(inputs[i])
      if (value instanceof Promise) return finishAsync(fn, inputs, i, value, start)
      sink.value = value
    }
  } catch (error) {
    return failure('TASK_FAILED', error)
  }
  return { ok: true, op: 'inline', busyMs: performance.now() - start }
}

async function finishAsync(
  fn: BenchFunction,
  inputs: readonly unknown[],
  from: number,
  pending: Promise<unknown>,
  start: number,
): Promise<TaskReply> {
  try {
    sink.value = await pending
    for (let i = from + 1; i < inputs.length; i++) sink.value = await fn(inputs[i])
  } catch (error) {
    return failure('TASK_FAILED', error)
  }
  return { ok: true, op: 'inline', busyMs: performance.now() - start }
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
  // The reading at the end of the last sampled call: the delay since then, up to this call, is the
  // time this thread waited for a CPU to take the task in (a wake-up delayed by other load).
  let lastEnd: ThreadTimes | undefined

  function done(value: unknown, start: number, before: ThreadTimes | undefined): TaskReply {
    const busyMs = performance.now() - start
    const after = before === undefined ? undefined : threadTimes()
    lastBusyMs = busyMs
    const between = (from: ThreadTimes | undefined, to: ThreadTimes | undefined, field: keyof ThreadTimes) => {
      const a = from?.[field]
      const b = to?.[field]
      return a === undefined || b === undefined ? undefined : b - a
    }
    const waitMs = between(lastEnd, before, 'delayMs')
    lastEnd = after
    const delayMs = between(before, after, 'delayMs')
    const threadCpuMs = between(before, after, 'threadCpuMs')
    // Time the calling thread neither ran nor waited to: fn's work was elsewhere (libuv's pool, a helper process) or blocked.
    const sleepMs =
      delayMs === undefined || threadCpuMs === undefined ? undefined : Math.max(0, busyMs - threadCpuMs - delayMs)
    return {
      ok: true,
      op: 'run',
      workerId,
      busyMs,
      cpuMs: between(before, after, 'cpuMs'),
      delayMs,
      waitMs,
      sleepMs,
      thread: threadKey(),
      value,
    }
  }

  async function settle(promise: Promise<unknown>, start: number, before: ThreadTimes | undefined): Promise<TaskReply> {
    try {
      return done(await promise, start, before)
    } catch (error) {
      return failure('TASK_FAILED', error)
    }
  }

  function run(fn: BenchFunction, input: unknown): TaskReply | Promise<TaskReply> {
    const before = lastBusyMs >= SAMPLE_MIN_MS ? threadTimes() : undefined
    const start = performance.now()
    let value: unknown
    try {
      value = fn(input)
    } catch (error) {
      return failure('TASK_FAILED', error)
    }
    return value instanceof Promise ? settle(value, start, before) : done(value, start, before)
  }

  return {
    ready: { type: READY, workerId, readyAt: epochNow(), error: loadError },
    handle(request) {
      if (loadError !== undefined) return { ok: false, ...loadError }
      if (fn === undefined) return failure('NOT_FOUND', new Error('bench function not loaded'))
      switch (request.op) {
        case 'run':
          return run(fn, request.input)
        case 'inline':
          return inlineBatch(fn, request.inputs)
        case 'concurrent':
          return concurrentBatch(fn, request.inputs, request.concurrency, workerId).catch((error: unknown) =>
            failure('TASK_FAILED', error),
          )
        case 'memory':
          // A child process: its private memory (what it adds; shared pages are not its own). A thread
          // shares its process's memory: the host measures what the pool added (measure.ts).
          return {
            ok: true,
            op: 'memory',
            workerId,
            bytes: isMainThread ? privateBytes() : process.memoryUsage().heapUsed,
          }
      }
    },
  }
}
