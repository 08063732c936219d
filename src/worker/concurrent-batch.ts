// The async model inside a worker: a batch with up to `concurrency` calls of fn in flight in this
// one thread, as a hand-written `Promise.all` over a bounded queue would run it. No pool: whatever
// runs in parallel is fn's own (libuv's thread pool, an addon's threads, I/O).
import { threadKey } from '../machine/schedstat.js'
import { type ThreadTimes, threadTimes } from './cpu-time.js'
import type { ConcurrentReply } from './protocol.js'
import type { BenchFunction } from './registry.js'

/** Results land here, so that the JIT cannot drop calls whose value is unused. */
const sink: { value?: unknown } = {}

function between(from: ThreadTimes, to: ThreadTimes, field: keyof ThreadTimes): number | undefined {
  const a = from[field]
  const b = to[field]
  return a === undefined || b === undefined ? undefined : b - a
}

/**
 * Runs every input with at most `concurrency` calls pending: each lane calls fn, awaits it, takes
 * the next input. A synchronous fn runs to completion inside its call, so its lanes never overlap
 * (the batch is then serial: `promises` 0 says why). Rejects with fn's error.
 */
export async function concurrentBatch(
  fn: BenchFunction,
  inputs: readonly unknown[],
  concurrency: number,
  workerId: string,
): Promise<ConcurrentReply> {
  const taskMs: number[] = new Array(inputs.length).fill(0)
  let next = 0
  let promises = 0
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++
      const called = performance.now()
      const value = fn(inputs[index])
      if (value instanceof Promise) {
        promises++
        sink.value = await value
      } else sink.value = value
      taskMs[index] = performance.now() - called
    }
  }
  const before = threadTimes()
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, lane))
  const wallMs = performance.now() - start
  const after = threadTimes()
  const delayMs = between(before, after, 'delayMs')
  const threadCpuMs = between(before, after, 'threadCpuMs')
  return {
    ok: true,
    op: 'concurrent',
    workerId,
    wallMs,
    taskMs,
    cpuMs: between(before, after, 'cpuMs'),
    delayMs,
    sleepMs:
      delayMs === undefined || threadCpuMs === undefined ? undefined : Math.max(0, wallMs - threadCpuMs - delayMs),
    thread: threadKey(),
    promises,
  }
}
