// Worker threads through piscina: a fixed, warm pool of `size` threads.
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { ParallelBenchError } from '../errors.js'
import { epochNow, isReadyMessage, type TaskReply } from '../worker/protocol.js'
import { type BenchPool, entryUrl, type PoolOptions, unwrap } from './pool.js'
import { collectStartups } from './startup.js'
import { trackPool } from './teardown.js'

/** Maps what piscina rejects with to our error codes. DOMException causes are left out: Vitest prints their 25 constants. */
function threadError(error: unknown, taskTimeout: number): ParallelBenchError {
  if (error instanceof ParallelBenchError) return error
  if (!(error instanceof Error) || (error.name === 'Error' && error.message === '')) {
    // A reply that failed to clone reaches piscina as {} (Node 20) or an empty Error (Node 24).
    return new ParallelBenchError(
      'NOT_CLONEABLE',
      "a worker thread could not send its reply: fn's return value is probably not cloneable (a function, or an object holding native handles)",
    )
  }
  const code = (error as { code?: unknown }).code
  if (error.name === 'AbortError') {
    return new ParallelBenchError(
      'TIMEOUT',
      `a task ran longer than taskTimeout (${taskTimeout} ms); its worker thread was terminated`,
    )
  }
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ParallelBenchError(
      'OUT_OF_MEMORY',
      `a worker thread ran out of memory (${error.message}); raise \`maxMemoryMb\` or allocate less per task`,
    )
  }
  if (error.name === 'DataCloneError') return new ParallelBenchError('NOT_CLONEABLE', error.message)
  const exit = /worker exited with code: (-?\d+)/.exec(error.message)
  if (exit !== null) {
    const exitCode = Number(exit[1])
    return new ParallelBenchError('WORKER_EXIT', `a worker thread exited with code ${exitCode} while running a task`, {
      exitCode,
    })
  }
  return new ParallelBenchError('TASK_FAILED', error.message, { cause: error })
}

interface TimeoutSignal {
  aborted: boolean
  once(event: 'abort', listener: () => void): void
  off(event: 'abort', listener: () => void): void
  removeListener(event: 'abort', listener: () => void): void
}

/** piscina accepts any once/off emitter as `signal`: AbortSignal.timeout costs 11–43 µs a task on Node 20, this ~1 µs. */
function timeoutSignal(ms: number): { signal: TimeoutSignal; clear: () => void } {
  let listener: (() => void) | undefined
  const forget = (): void => {
    listener = undefined
  }
  const signal: TimeoutSignal = {
    aborted: false,
    once: (_event, l) => {
      listener = l
    },
    off: forget,
    removeListener: forget,
  }
  const timer = setTimeout(() => {
    signal.aborted = true
    listener?.()
  }, ms)
  return { signal, clear: () => clearTimeout(timer) }
}

export function createThreadPool(options: PoolOptions): BenchPool {
  const { size, setup, taskTimeout, startupTimeout, maxMemoryMb } = options
  const spawnedAt = epochNow()
  const piscina = new Piscina({
    filename: fileURLToPath(entryUrl('thread-entry.js')),
    minThreads: size,
    maxThreads: size,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    workerData: setup,
    // No execArgv: a Worker inherits the host's flags itself, and rejects some (--expose-gc, --max-old-space-size) if passed.
    ...(maxMemoryMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } }),
  })
  let destroyed = false
  let failure: ParallelBenchError | undefined

  const untrack = trackPool()
  const startups = collectStartups(size, spawnedAt, startupTimeout)
  // Without an 'error' listener a crashing worker would crash the Vitest worker.
  piscina.on('error', (error: unknown) => {
    failure ??= threadError(error, taskTimeout)
    startups.fail(failure)
  })
  piscina.on('message', (message: unknown) => {
    if (isReadyMessage(message)) startups.add(message)
  })
  for (const thread of piscina.threads) {
    thread.once('exit', (code) => {
      if (!destroyed) {
        startups.fail(
          new ParallelBenchError('WORKER_EXIT', `a worker thread exited with code ${code} while loading the bench`, {
            exitCode: code,
          }),
        )
      }
    })
  }

  return {
    model: 'threads',
    size,
    ready: startups.promise,
    pids: () => [],
    async run(request, transferList) {
      if (failure !== undefined) throw failure
      const timeout = timeoutSignal(taskTimeout)
      try {
        const reply = (await piscina.run(request, {
          signal: timeout.signal,
          ...(transferList === undefined ? {} : { transferList: [...transferList] }),
        })) as TaskReply
        return unwrap<typeof request>(reply)
      } catch (error) {
        throw threadError(error, taskTimeout)
      } finally {
        timeout.clear()
      }
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      startups.fail(new ParallelBenchError('ABORTED', 'the pool was destroyed'))
      await piscina.destroy().catch(() => {})
      untrack()
    },
  }
}
