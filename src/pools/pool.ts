// What the measurement needs from a pool, whatever carries the tasks.

import type { Transferable } from 'node:worker_threads'
import { type ErrorCode, ParallelBenchError, type SerializedError } from '../errors.js'
import type { Model } from '../types.js'
import type { TaskReply, TaskRequest, WorkerSetup } from '../worker/protocol.js'

export type OkReply<Op extends TaskRequest['op']> = Extract<TaskReply, { ok: true; op: Op }>

export interface BenchPool {
  readonly model: Model
  readonly size: number
  /** Startup of each worker (spawn → bench loaded), ms. Rejects when a worker cannot load the bench. */
  readonly ready: Promise<number[]>
  /** Runs one request on an idle worker. Rejects with a ParallelBenchError. */
  run<R extends TaskRequest>(request: R, transferList?: readonly Transferable[]): Promise<OkReply<R['op']>>
  /** Stops every worker; safe to call more than once, never rejects. */
  destroy(): Promise<void>
  /** Process ids of the pool's child processes (none for threads: they are this process). */
  pids(): number[]
}

export interface PoolOptions {
  size: number
  setup: WorkerSetup
  /** ms before a running task's worker is killed. */
  taskTimeout: number
  /** ms for every worker to load the bench (spawn → ready). */
  startupTimeout: number
  maxMemoryMb: number | undefined
}

/** Turns a worker's failure reply into the host-side error, keeping the worker's stack. */
export function replyError(code: ErrorCode, serialized: SerializedError): ParallelBenchError {
  // The original name (TypeError, RangeError, ...) stays visible; a plain "Error" adds nothing.
  const named = serialized.name === 'Error' || serialized.name === 'ParallelBenchError' ? '' : `${serialized.name}: `
  const error = new ParallelBenchError(code, named + serialized.message)
  // The worker's stack points into the user's bench file: that is the one worth reading.
  if (serialized.stack !== undefined) error.stack = serialized.stack
  return error
}

export function unwrap<R extends TaskRequest>(reply: TaskReply): OkReply<R['op']> {
  if (!reply.ok) throw replyError(reply.code, reply.error)
  return reply as OkReply<R['op']>
}

/** Flags for a worker: the host's, minus debugger flags that would clash on a port. */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag))
}

export function entryUrl(name: string): URL {
  return new URL(`../worker/${name}`, import.meta.url)
}
