// The analysis returns facts; the wrappers below put them in the report's words (report/summary/),
// so each test checks the fact and the sentence every view prints for it.
import { describe, expect, it } from 'vitest'
import {
  dispatchOrder as dispatchOrderFact,
  granularity as granularityFact,
  listScheduleMs,
  taskBalance as taskBalanceFact,
  typicalTaskMs,
} from '../../../src/analysis/workload.js'
import { diagnosticText } from '../../../src/report/summary/facts.js'
import type { RoundSample } from '../../../src/types.js'

function granularity(
  callMs: number | undefined,
  roundTripMs: number,
): { overheadShare: number | undefined; warning: string | undefined } {
  const { overheadShare, warning } = granularityFact(callMs, roundTripMs)
  return { overheadShare, warning: warning === undefined ? undefined : diagnosticText(warning) }
}

const worded =
  <A extends unknown[]>(fact: (...args: A) => Parameters<typeof diagnosticText>[0] | undefined) =>
  (...args: A): string | undefined => {
    const found = fact(...args)
    return found === undefined ? undefined : diagnosticText(found)
  }
const taskBalance = worded(taskBalanceFact)
const dispatchOrder = worded(dispatchOrderFact)

describe('granularity', () => {
  it('warns when the task is far too small for its overhead (the four-squares task)', () => {
    const result = granularity(0.0001, 0.08)
    expect(result.overheadShare).toBeCloseTo(0.08 / 0.0801, 12)
    expect(result.warning).toBe(
      'tasks are too small for their overhead: messaging is 99.9% of each task (round trip 80.0 µs vs 100 ns inside fn); batch about 7,200 calls into each task to bring it under 10%',
    )
  })

  it('does not warn for a 20 ms task', () => {
    const result = granularity(20, 0.1)
    expect(result.overheadShare).toBeCloseTo(0.1 / 20.1, 12)
    expect(result.warning).toBeUndefined()
  })

  it('does not warn at exactly 10% overhead', () => {
    expect(granularity(0.9, 0.1).warning).toBeUndefined()
  })

  it('says to batch more work when fn takes no measurable time', () => {
    expect(granularity(0, 0.08).warning).toMatch(/; batch more work into each task$/)
  })

  it('is silent without a per-call time', () => {
    expect(granularity(undefined, 0.08)).toEqual({ overheadShare: undefined, warning: undefined })
  })
})

describe('taskBalance', () => {
  /** A round whose serial arm spent `busyMs` inside fn, `longestMs` of it in its longest task. */
  const balanced = (busyMs: number, longestMs: number): RoundSample => ({
    order: 'serial-first',
    serialMs: busyMs,
    parallelMs: busyMs / 2,
    serialBusyMs: busyMs,
    parallelBusyMs: busyMs,
    serialLongestMs: longestMs,
  })

  it('is silent when no task keeps the pool from its size', () => {
    // 8 equal tasks: the cap is 8x, far above 2 workers.
    expect(taskBalance([balanced(80, 10), balanced(80, 10)], 2)).toBeUndefined()
  })

  it('warns when the longest task caps the speedup below the pool size, and says by how much', () => {
    // One task is 60% of the batch: no pool can beat 1/0.6 ≈ 1.67x.
    const warning = taskBalance([balanced(100, 60), balanced(100, 60), balanced(100, 60)], 2)
    expect(warning).toMatch(/^one task dominates the batch: the longest is 60% of the time inside fn/)
    expect(warning).toContain('no pool can run this batch more than 1.67x faster than inline')
    expect(warning).toContain('dispatch the longest first')
  })

  it('needs the longest-task times to judge', () => {
    expect(taskBalance([{ ...balanced(100, 60), serialLongestMs: undefined }], 2)).toBeUndefined()
  })
})

describe('granularity advice', () => {
  it('says to batch calls when dispatch dominates a small task', () => {
    expect(granularity(0.01, 0.05).warning).toMatch(/batch about \d+ calls into each task/)
  })

  it('says to move less data when the round trip is the payload, not dispatch', () => {
    // 30 ms of copying a 1.5 MiB document per task, 5 ms inside fn.
    const warning = granularity(5, 30).warning
    expect(warning).toMatch(/the round trip is the data crossing over, not dispatch/)
    expect(warning).not.toMatch(/batch about/)
  })

  it('advises `transfer` only where it applies: worker threads, never a process pool', () => {
    const worded = (model: 'threads' | 'processes'): string => {
      const fact = granularityFact(5, 30, model).warning
      return fact === undefined ? '' : diagnosticText(fact)
    }
    expect(worded('threads')).toMatch(/`transfer: true` for ArrayBuffers/)
    expect(worded('processes')).toMatch(/not dispatch: return less, or load the data in the worker$/)
    expect(worded('processes')).not.toMatch(/transfer/)
  })
})

describe('dispatchOrder', () => {
  const withTasks = (taskMs: number[]): RoundSample => ({
    order: 'serial-first',
    serialMs: 40,
    parallelMs: 20,
    serialBusyMs: taskMs.reduce((a, b) => a + b, 0),
    parallelBusyMs: 40,
    serialTaskMs: taskMs,
  })

  it('schedules each task on the first free worker, as the pool dispatches', () => {
    // 1..8 in order on 2 workers: 1+3+5+7 = 16 and 2+4+6+8 = 20; longest first: 18 each.
    expect(listScheduleMs([1, 2, 3, 4, 5, 6, 7, 8], 2)).toBe(20)
    expect(listScheduleMs([8, 7, 6, 5, 4, 3, 2, 1], 2)).toBe(18)
    expect(listScheduleMs([5, 5, 5], 4)).toBe(5)
  })

  it('warns when the order given is 10% or more slower than longest first, with the typical task costs', () => {
    const ascending = [1, 2, 3, 4, 5, 6, 7, 8]
    const rounds = [withTasks(ascending), withTasks(ascending.map((ms) => ms * 1.1)), withTasks(ascending)]
    expect(typicalTaskMs(rounds)).toEqual(ascending)
    expect(dispatchOrder(rounds, 2)).toBe(
      'the dispatch order costs time: task costs range 1.00 ms–8.00 ms, and in this order the busiest of 2 workers needs 20.0 ms inside fn against 18.0 ms with the longest tasks first; order the inputs by cost, longest first',
    )
  })

  it('is quiet for equal tasks, for the longest first, on one worker, and without per-task times', () => {
    expect(dispatchOrder([withTasks([4, 4, 4, 4])], 2)).toBeUndefined()
    expect(dispatchOrder([withTasks([8, 7, 6, 5, 4, 3, 2, 1])], 2)).toBeUndefined()
    expect(dispatchOrder([withTasks([1, 2, 3, 4, 5, 6, 7, 8])], 1)).toBeUndefined()
    expect(dispatchOrder([{ ...withTasks([1]), serialTaskMs: undefined }], 2)).toBeUndefined()
  })
})
