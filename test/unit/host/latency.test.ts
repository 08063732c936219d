// The latency step on fake pools: which rows it measures, that the inline row is the worker's own
// time inside fn, that a concurrent row never has more calls in flight than the pool has workers,
// and that every call gets its own input. No timing is asserted beyond what the fakes fix.
import { describe, expect, it } from 'vitest'
import { measureLatency } from '../../../src/host/latency.js'
import type { BenchPool } from '../../../src/pools/pool.js'
import type { Model } from '../../../src/types.js'

interface FakePool extends BenchPool {
  inputs: unknown[]
  mostInFlight: number
}

/** A pool whose every call answers on the next macrotask with a fixed time inside fn. */
function fakePool(model: Model, size: number, busyMs: number): FakePool {
  let inFlight = 0
  const pool: FakePool = {
    model,
    size,
    ready: Promise.resolve([]),
    inputs: [],
    mostInFlight: 0,
    pids: () => [],
    destroy: async () => {},
    run: (async (request: { op: string; input?: unknown }) => {
      pool.inputs.push(request.input)
      inFlight++
      pool.mostInFlight = Math.max(pool.mostInFlight, inFlight)
      await new Promise((resolve) => setImmediate(resolve))
      inFlight--
      return {
        ok: true,
        op: 'run',
        workerId: 'fake',
        busyMs,
        cpuMs: undefined,
        delayMs: undefined,
        waitMs: undefined,
        sleepMs: undefined,
        thread: undefined,
        value: 1,
      }
    }) as BenchPool['run'],
  }
  return pool
}

describe('measureLatency', () => {
  it('measures inline, then each pool one at a time and with its size in flight', async () => {
    const threads = fakePool('threads', 3, 0.25)
    const processes = fakePool('processes', 3, 0.25)
    const result = await measureLatency({ pools: [threads, processes], input: (i) => i, budgetMs: 50 })
    expect(result.rows.map((row) => `${row.path}×${row.inFlight}`)).toEqual([
      'inline×1',
      'threads×1',
      'threads×3',
      'processes×1',
      'processes×3',
    ])
    expect(result).toMatchObject({ workers: 3, budgetMs: 50 })
    expect(result.elapsedMs).toBeGreaterThanOrEqual(50)
    for (const row of result.rows) expect(row.samples).toBeGreaterThanOrEqual(1)
  })

  it("takes the worker's own time inside fn as the inline row's samples", async () => {
    const result = await measureLatency({ pools: [fakePool('threads', 2, 0.25)], input: () => 0, budgetMs: 30 })
    const inline = result.rows[0]
    expect(inline).toMatchObject({ path: 'inline', p50Ms: 0.25, p99Ms: 0.25, meanMs: 0.25, maxMs: 0.25 })
  })

  it('keeps at most the pool size in flight, gives every call its own input, and skips the concurrent row of a pool of one', async () => {
    const four = fakePool('processes', 4, 0.1)
    await measureLatency({ pools: [four], input: (i) => i, budgetMs: 30 })
    expect(four.mostInFlight).toBe(4)
    expect(four.inputs).toEqual(four.inputs.map((_, i) => i))
    const one = fakePool('threads', 1, 0.1)
    const result = await measureLatency({ pools: [one], input: (i) => i, budgetMs: 20 })
    expect(result.rows.map((row) => `${row.path}×${row.inFlight}`)).toEqual(['inline×1', 'threads×1'])
    expect(one.mostInFlight).toBe(1)
  })

  it('fails with the call that failed', async () => {
    const pool = fakePool('threads', 2, 0.1)
    pool.run = (async () => {
      throw new Error('fn threw')
    }) as BenchPool['run']
    await expect(measureLatency({ pools: [pool], input: () => 0, budgetMs: 20 })).rejects.toThrow('fn threw')
  })
})
