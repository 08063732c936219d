// One error class for every failure the plugin reports, told apart by `code`
// and fields (execa's way; Vitest has a class per code), so tests and users can
// branch on it.

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

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: typeof code === 'string' ? code : undefined,
    }
  }
  return { name: 'Error', message: String(error) }
}
