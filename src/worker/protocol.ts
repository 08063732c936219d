// The messages between the host and a bench worker, shared by both transports.

import type { LoaderSetup } from '../contracts/options.js'
import type { ErrorCode, SerializedError } from '../errors.js'

/** Which function a worker runs: a bench registered in a bench file, or a module export. */
export type BenchTarget =
  | { kind: 'file'; file: string; key: string }
  | { kind: 'module'; url: string; exportName: string }

/** What every worker gets at start (workerData for threads, the first IPC message for processes). */
export interface WorkerSetup {
  target: BenchTarget
  loader: LoaderSetup
}

export type TaskRequest =
  | { op: 'run'; input: unknown }
  | { op: 'memory' }
  /** Every input of a batch, called in one loop with no messaging between calls: the inline cost of tiny tasks. */
  | { op: 'inline'; inputs: unknown[] }
  /** The async model's parallel arm: every input of a batch, up to `concurrency` calls in flight in this one thread. */
  | { op: 'concurrent'; inputs: unknown[]; concurrency: number }

export type TaskReply =
  /** `value` is fn's return value: cloning it back is part of the honest price of parallelism. */
  | {
      ok: true
      op: 'run'
      workerId: string
      busyMs: number
      /** CPU time of the calling thread (a child: its process) during the call, ms. */
      cpuMs: number | undefined
      /** Run-queue delay of the calling thread during the call, ms (Linux schedstat). */
      delayMs: number | undefined
      /** Its run-queue delay between its previous reply and this call: waking up to take the task, ms. */
      waitMs: number | undefined
      /** Time inside the call the calling thread neither ran nor waited for a CPU: fn's work ran elsewhere, or blocked, ms. */
      sleepMs: number | undefined
      /** The calling thread's schedstat key (`pid/tid`, Linux): its CPU is told apart from that of our other threads. */
      thread: string | undefined
      value: unknown
    }
  | { ok: true; op: 'memory'; workerId: string; bytes: number }
  | { ok: true; op: 'inline'; busyMs: number }
  | ConcurrentReply
  | { ok: false; code: ErrorCode; error: SerializedError }

/** The async model's batch, timed in the worker: the arm's own thread is the only one calling fn. */
export interface ConcurrentReply {
  ok: true
  op: 'concurrent'
  workerId: string
  /** First call to last settlement, ms. */
  wallMs: number
  /** Time from each call to its settlement, by input index, ms (they overlap). */
  taskMs: number[]
  /** CPU time of the thread (a child: its process) over the batch, ms. */
  cpuMs: number | undefined
  /** Run-queue delay of the thread over the batch, ms (Linux schedstat): one thread, so all of it is on the path. */
  delayMs: number | undefined
  /** Time in the batch the thread neither ran nor waited for a CPU: fn's work ran elsewhere (libuv's pool), or blocked, ms. */
  sleepMs: number | undefined
  /** The thread's schedstat key (`pid/tid`, Linux). */
  thread: string | undefined
  /** How many calls returned a promise: none means fn is synchronous, and no two calls could overlap. */
  promises: number
}

export const READY = 'vitest-parallel-bench:ready'

/** Sent once by every worker after it loaded the bench (or failed to). */
export interface ReadyMessage {
  type: typeof READY
  workerId: string
  /** Epoch ms (timeOrigin + now), comparable with the host's spawn time. */
  readyAt: number
  error?: { code: ErrorCode; error: SerializedError } | undefined
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READY
}

/** Epoch milliseconds with sub-ms resolution, on a clock shared by threads and processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * Tags the pool's own IPC messages: a user's fn may call process.send (a logger, progress), and
 * such a message must never be taken for a reply.
 */
export const TASK = 'vitest-parallel-bench:task'
/**
 * The WorkerSetup reaches a child as its first IPC message: not in an environment variable, where a
 * large `define` would fail the spawn with E2BIG and every process that fn starts would inherit it.
 */
export const SETUP = 'vitest-parallel-bench:setup'
export const REPLY = 'vitest-parallel-bench:reply'

/** Host → child process, once, first. */
export interface ProcessSetup {
  type: typeof SETUP
  setup: WorkerSetup
}

export function isProcessSetup(message: unknown): message is ProcessSetup {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === SETUP
}

/** Host → child process. */
export interface ProcessTask {
  type: typeof TASK
  id: number
  request: TaskRequest
}

/** Child process → host. */
export interface ProcessReply {
  type: typeof REPLY
  id: number
  reply: TaskReply
}

export function isProcessTask(message: unknown): message is ProcessTask {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === TASK
}

export function isProcessReply(message: unknown): message is ProcessReply {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === REPLY
}
