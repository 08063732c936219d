// One error class for every failure the plugin reports, told apart by `code`
// and fields (execa's way; Vitest has a class per code), so tests and users can
// branch on it.
import { inspect } from 'node:util'

export type ErrorCode =
  /** The user's function threw or rejected. */
  | 'TASK_FAILED'
  /** A worker thread or child process exited or was killed while working. */
  | 'WORKER_EXIT'
  /** A task ran longer than `taskTimeout`; its worker was killed. */
  | 'TIMEOUT'
  /** The worker could not find the bench function (key or export missing). */
  | 'NOT_FOUND'
  /** A bench file, setup file or module could not be loaded (resolved, transformed or evaluated) in a worker. */
  | 'LOAD_FAILED'
  /** The bench file runs outside the project that `parallelBench()` adds. */
  | 'NOT_CONFIGURED'
  /** The user's `input(i)` threw in the host. */
  | 'INPUT_FAILED'
  /** An input or a return value could not be structured-cloned. */
  | 'NOT_CLONEABLE'
  /** A worker ran out of memory (`maxMemoryMb`). */
  | 'OUT_OF_MEMORY'
  /** The budget cannot be reached with the user's own settings. */
  | 'BUDGET_UNREACHABLE'
  /** The budget was missed (verdict FAIL at level `error`). */
  | 'BUDGET_MISSED'
  /** The speedup fell by more than `maxRegression` against the stored baseline (`compareWith`), at level `error`. */
  | 'REGRESSION'
  /** The result was inconclusive under `strict`. */
  | 'INCONCLUSIVE'
  /** benchCompare's `expectFaster` did not hold. */
  | 'EXPECTATION_FAILED'
  /** The run was aborted (Ctrl-C, bail). */
  | 'ABORTED'

/** A bench's `error.code`: a ParallelBenchError's code, or INVALID_OPTION for a TypeError / RangeError from the options. */
export type BenchErrorCode = ErrorCode | 'INVALID_OPTION'

export interface ParallelBenchErrorOptions {
  cause?: unknown
  /** Exit code of the worker, for WORKER_EXIT. */
  exitCode?: number | null | undefined
  /** Signal that killed the worker, for WORKER_EXIT. */
  signal?: string | null | undefined
}

export class ParallelBenchError extends Error {
  override name = 'ParallelBenchError'
  readonly code: ErrorCode
  readonly exitCode: number | null | undefined
  readonly signal: string | null | undefined

  constructor(code: ErrorCode, message: string, options: ParallelBenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.exitCode = options.exitCode
    this.signal = options.signal
  }
}

/** An error as it crosses a thread or process boundary: plain data, always cloneable. */
export interface SerializedError {
  name: string
  message: string
  stack?: string | undefined
  code?: string | undefined
}

/**
 * Any thrown value as text, however odd: a null-prototype object or one whose `toString` throws
 * (String() would throw "Cannot convert object to primitive value" in its place), a symbol, a
 * Proxy, a primitive. util.inspect shows objects as Node would print them, never calling toString.
 */
export function describeThrown(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'symbol') return value.toString()
  if (typeof value !== 'object' && typeof value !== 'function') return String(value)
  try {
    return inspect(value, { depth: 2, breakLength: Number.POSITIVE_INFINITY })
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** A property read that cannot throw (a getter or a Proxy trap might). */
function safeGet(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

/** An Error, or one from another realm (vm, a worker) that instanceof misses; false for a Proxy whose traps throw. */
function isErrorLike(value: unknown): value is object {
  try {
    if (value instanceof Error) return true
  } catch {
    return false
  }
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof safeGet(value, 'message') === 'string' &&
    typeof safeGet(value, 'stack') === 'string'
  )
}

export function serializeError(error: unknown): SerializedError {
  const errorLike = isErrorLike(error)
  if (errorLike) {
    const name = safeGet(error, 'name')
    const code = safeGet(error, 'code')
    const stack = safeGet(error, 'stack')
    const message = safeGet(error, 'message')
    return {
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : describeThrown(message),
      stack: typeof stack === 'string' ? stack : undefined,
      code: typeof code === 'string' ? code : undefined,
    }
  }
  return { name: 'Error', message: describeThrown(error) }
}
