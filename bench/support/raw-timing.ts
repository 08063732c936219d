// Raw timing shared by the bench/ scripts: the truth they hold the plugin's numbers against,
// timed by hand with no plugin code in the loop (only a median).
import { fileURLToPath } from 'node:url'
import { Piscina } from 'piscina'
import { createRawForkPool } from '../raw/fork-pool.mjs'

/** A raw pool (piscina, or fork children answering over IPC: bench/raw/) running one export. */
export interface RawPool {
  run: (input: unknown) => Promise<unknown>
  destroy: () => Promise<void>
}

/** `size` raw workers of the model running `exportName` of `moduleUrl` (default bench/raw/work.mjs), ready. */
export async function startRawPool(
  model: 'threads' | 'processes',
  size: number,
  exportName: string,
  moduleUrl?: string,
): Promise<RawPool> {
  if (model === 'threads') {
    const pool = new Piscina({
      filename: fileURLToPath(new URL('../raw/thread-worker.mjs', import.meta.url)),
      minThreads: size,
      maxThreads: size,
      concurrentTasksPerWorker: 1,
      workerData: moduleUrl === undefined ? { exportName } : { exportName, moduleUrl },
      execArgv: [],
    })
    return { run: (input) => pool.run(input), destroy: () => pool.destroy() }
  }
  const pool = createRawForkPool(
    size,
    moduleUrl === undefined ? { RAW_EXPORT: exportName } : { RAW_EXPORT: exportName, RAW_MODULE: moduleUrl },
  )
  await pool.ready
  return { run: (input) => pool.run(input), destroy: () => pool.destroy() }
}

/** Iterations of `spin` that take about `ms` here, timed in this process after a JIT warm-up. */
export function calibrateIterations(spin: (iterations: number) => unknown, ms: number): number {
  let iterations = 1_000_000
  spin(iterations)
  for (;;) {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      spin(iterations)
      times.push(performance.now() - start)
    }
    const took = middle(times)
    if (took >= ms / 4) return Math.round((iterations * ms) / took)
    iterations *= 4
  }
}

/** Wall time of the batch one task at a time, ms. */
export async function timeSerial(run: (input: number) => Promise<unknown>, inputs: readonly number[]): Promise<number> {
  const start = performance.now()
  for (const input of inputs) await run(input)
  return performance.now() - start
}

/** Wall time of the batch all at once (the pool queues what it cannot start), ms. */
export async function timeParallel(
  run: (input: number) => Promise<unknown>,
  inputs: readonly number[],
): Promise<number> {
  const start = performance.now()
  await Promise.all(inputs.map((input) => run(input)))
  return performance.now() - start
}

/** Wall time of the batch over `lanes` lanes, each taking the next input when free, in the given order (as the pools dispatch), ms. */
export async function timeLanes(
  run: (input: number) => Promise<unknown>,
  inputs: readonly number[],
  lanes: number,
): Promise<number> {
  let next = 0
  const start = performance.now()
  const lane = async (): Promise<void> => {
    while (next < inputs.length) await run(inputs[next++] as number)
  }
  await Promise.all(Array.from({ length: lanes }, lane))
  return performance.now() - start
}

/**
 * Paired rounds in ABBA order after one warm-up of each arm, as the plugin pairs its arms:
 * the serial and parallel wall times of each round, ms.
 */
export async function abbaRounds(
  serial: () => Promise<number>,
  parallel: () => Promise<number>,
  rounds: number,
): Promise<{ serialMs: number[]; parallelMs: number[] }> {
  await serial()
  await parallel()
  const serialMs: number[] = []
  const parallelMs: number[] = []
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      serialMs.push(await serial())
      parallelMs.push(await parallel())
    } else {
      parallelMs.push(await parallel())
      serialMs.push(await serial())
    }
  }
  return { serialMs, parallelMs }
}

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
