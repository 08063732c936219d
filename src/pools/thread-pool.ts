// Worker threads through piscina: a fixed, warm pool of `size` threads.
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { ParallelBenchError } from '../errors.js'
import { epochNow, isReadyMessage, type TaskReply } from '../worker/protocol.js'
import { entryUrl, unwrap, workerExecArgv, type BenchPool, type PoolOptions } from './pool.js'
import { collectStartups } from './startup.js'

function threadError(error: unknown, taskTimeout: number): ParallelBenchError {
  if (error instanceof ParallelBenchError) return error
  const e = error as { name?: string; code?: string; message?: string }
  if (e.name === 'AbortError') {
    return new ParallelBenchError('TIMEOUT', `a task ran longer than taskTimeout (${taskTimeout} ms); its worker thread was terminated`, { cause: error })
  }
  if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new ParallelBenchError('OUT_OF_MEMORY', `a worker thread ran out of memory (${e.message ?? ''}); raise \`maxMemoryMb\` or allocate less per task`, { cause: error })
  }
  if (e.name === 'DataCloneError') {
    return new ParallelBenchError('NOT_CLONEABLE', `${e.message ?? 'a value could not be cloned'}`, { cause: error })
  }
  const exit = /worker exited with code: (-?\d+)/.exec(e.message ?? '')
  if (exit !== null) {
    const exitCode = Number(exit[1])
    return new ParallelBenchError('WORKER_EXIT', `a worker thread exited with code ${exitCode} while running a task`, { cause: error, exitCode })
  }
  return new ParallelBenchError('TASK_FAILED', e.message ?? String(error), { cause: error })
}

export function createThreadPool(options: PoolOptions): BenchPool {
  const { size, setup, taskTimeout, maxMemoryMb } = options
  const spawnedAt = epochNow()
  const piscina = new Piscina({
    filename: fileURLToPath(entryUrl('thread-entry.js')),
    minThreads: size,
    maxThreads: size,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    workerData: setup,
    execArgv: workerExecArgv(),
    ...(maxMemoryMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } }),
  })
  let destroyed = false
  let failure: ParallelBenchError | undefined

  const startups = collectStartups(size, spawnedAt, taskTimeout)
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
        startups.fail(new ParallelBenchError('WORKER_EXIT', `a worker thread exited with code ${code} while loading the bench`, { exitCode: code }))
      }
    })
  }

  return {
    model: 'threads',
    size,
    ready: startups.promise,
    async run(request, transferList) {
      if (failure !== undefined) throw failure
      try {
        const reply = (await piscina.run(request, {
          signal: AbortSignal.timeout(taskTimeout),
          ...(transferList === undefined ? {} : { transferList: [...transferList] }),
        })) as TaskReply
        return unwrap<typeof request>(reply)
      } catch (error) {
        throw threadError(error, taskTimeout)
      }
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      startups.fail(new ParallelBenchError('ABORTED', 'the pool was destroyed'))
      await piscina.destroy().catch(() => {})
    },
  }
}
