// Collects the ready messages of a pool's workers into their startup times.
import { ParallelBenchError } from '../errors.js'
import type { ReadyMessage } from '../worker/protocol.js'
import { replyError } from './pool.js'

export interface StartupCollector {
  promise: Promise<number[]>
  add(message: ReadyMessage): void
  fail(error: Error): void
}

/**
 * @param spawnedAt epoch ms when the host started spawning.
 * @param timeoutMs `startupTimeout`: loading the bench in a worker may take this long (it is user code: it can hang).
 */
export function collectStartups(size: number, spawnedAt: number, timeoutMs: number): StartupCollector {
  const startups: number[] = []
  let settle: { resolve: (value: number[]) => void; reject: (error: Error) => void } | undefined
  const promise = new Promise<number[]>((resolve, reject) => {
    settle = { resolve, reject }
  })
  // Nobody may be awaiting yet when a worker fails; the rejection is still read later.
  promise.catch(() => {})
  const timer = setTimeout(() => {
    fail(
      new ParallelBenchError(
        'TIMEOUT',
        `workers did not finish starting (spawn, setup files, loading the bench file) within startupTimeout (${timeoutMs} ms); raise \`startupTimeout\` if loading is slow, or look for module-scope code that never returns`,
      ),
    )
  }, timeoutMs)
  timer.unref()

  function fail(error: Error): void {
    clearTimeout(timer)
    settle?.reject(error)
    settle = undefined
  }

  return {
    promise,
    fail,
    add(message) {
      if (settle === undefined) return
      if (message.error !== undefined) {
        fail(replyError(message.error.code, message.error.error))
        return
      }
      startups.push(message.readyAt - spawnedAt)
      if (startups.length === size) {
        clearTimeout(timer)
        settle.resolve(startups)
        settle = undefined
      }
    },
  }
}
