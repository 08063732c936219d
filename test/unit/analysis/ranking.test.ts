import { describe, expect, it } from 'vitest'
import { rankAllPairs, rankModels, rankPair } from '../../../src/analysis/ranking.js'
import { lookPlan, sequentialCoverage, shiftInterval } from '../../../src/analysis/statistics.js'
import type { ModelResult } from '../../../src/types.js'
import { modelResult } from '../../support/synthetic-results.js'

describe('rankModels', () => {
  const plan = lookPlan(0.95, 7, 40)
  /** Rows whose parallel batches follow `times` (threads) and `times × factor` (processes), round by round. */
  const rows = (times: number[], factor: number): ModelResult[] => {
    const row = (model: ModelResult['model'], scale: number): ModelResult => ({
      ...modelResult({ model, workers: 2, speedup: 1.8, low: 1.7, high: 1.9 }),
      rounds: times.map((ms) => ({
        order: 'serial-first',
        serialMs: 2 * ms,
        parallelMs: ms * scale,
        serialBusyMs: 2 * ms,
        parallelBusyMs: 2 * ms,
      })),
    })
    return [row('threads', 1), row('processes', factor)]
  }
  // A machine that drifts between 60 and 140 ms per batch over the rounds.
  const drifting = [100, 140, 60, 120, 80, 130, 70, 110, 90, 125, 65, 105]

  it('pairs the rounds: a steady 5% gap under drift that dwarfs it is told', () => {
    const ranking = rankModels(rows(drifting, 1.05), plan)
    expect(ranking?.faster).toBe('threads')
    expect(ranking?.ratio).toBeCloseTo(1 / 1.05, 12)
    expect(ranking?.high).toBeLessThan(1)
    // The same batch times unpaired cannot tell them apart: their spreads overlap almost entirely.
    const unpaired = shiftInterval(
      drifting.map((ms) => Math.log(ms)),
      drifting.map((ms) => Math.log(ms * 1.05)),
      0.95,
    )
    expect(unpaired.low).toBeLessThan(0)
    expect(unpaired.high).toBeGreaterThan(0)
  })

  it('cannot tell equal models apart, and says processes when they are faster', () => {
    const jitter = drifting.map((ms, i) => ms * (i % 2 === 0 ? 1.01 : 0.99))
    const equal = rows(drifting, 1)
    const [threads, processes] = equal as [ModelResult, ModelResult]
    processes.rounds = processes.rounds.map((r, i) => ({ ...r, parallelMs: jitter[i] as number }))
    expect(rankModels([threads, processes], plan)?.faster).toBeUndefined()
    expect(rankModels(rows(drifting, 0.9), plan)?.faster).toBe('processes')
  })

  it('reports the coverage that holds wherever the rounds stopped, and compares the largest common pool', () => {
    const ranking = rankModels(rows(drifting, 1.05), plan)
    expect(ranking?.confidence).toBe(sequentialCoverage(plan))
    expect(ranking?.workers).toBe(2)
    expect(rankModels(rows(drifting, 1.05).slice(0, 1), plan)).toBeUndefined()
  })
})

describe('rankAllPairs', () => {
  const plan = lookPlan(1 - 0.05 / 3, 7, 40)
  // A machine that drifts between 60 and 140 ms per batch over the rounds; each model's batch is `scale` of it.
  const drifting = [100, 140, 60, 120, 80, 130, 70, 110, 90, 125, 65, 105]
  const row = (model: ModelResult['model'], scale: (round: number) => number): ModelResult => ({
    ...modelResult({ model, workers: 2, speedup: 1.8, low: 1.7, high: 1.9 }),
    rounds: drifting.map((ms, i) => ({
      order: 'serial-first',
      serialMs: 2 * ms,
      parallelMs: ms * scale(i),
      serialBusyMs: 2 * ms,
      parallelBusyMs: 2 * ms,
    })),
  })
  // Threads within ±1% of async, round by round; processes a steady 10% slower.
  const results = [
    row('async', () => 1),
    row('threads', (i) => (i % 2 === 0 ? 1.01 : 0.99)),
    row('processes', () => 1.1),
  ]

  it('ranks every pair of three models in the order given, each on its own paired rounds', () => {
    const rankings = rankAllPairs(results, plan, ['async', 'threads', 'processes'])
    expect(rankings.map((r) => r.models)).toEqual([
      ['async', 'threads'],
      ['async', 'processes'],
      ['threads', 'processes'],
    ])
    const [asyncThreads, asyncProcesses, threadsProcesses] = rankings
    expect(asyncThreads?.faster).toBeUndefined()
    expect(asyncThreads?.low).toBeLessThan(1)
    expect(asyncThreads?.high).toBeGreaterThan(1)
    expect(asyncProcesses?.faster).toBe('async')
    expect(asyncProcesses?.ratio).toBeCloseTo(1 / 1.1, 12)
    expect(threadsProcesses?.faster).toBe('threads')
    // The pair threads/processes is what rankModels (expectFaster) judges.
    expect(threadsProcesses).toEqual(rankModels(results, plan))
  })

  it('leaves out models that were not measured, and a pair with no pool size in common', () => {
    expect(rankAllPairs(results.slice(1), plan, ['async', 'threads', 'processes'])).toHaveLength(1)
    const elsewhere = { ...(results[2] as ModelResult), workers: 4 }
    expect(rankAllPairs([results[0] as ModelResult, elsewhere], plan, ['async', 'processes'])).toEqual([])
    expect(rankPair(results, plan, 'processes', 'async')?.faster).toBe('async')
  })
})
