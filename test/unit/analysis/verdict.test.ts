import { describe, expect, it } from 'vitest'
import {
  budgetTarget,
  type Feasibility,
  type FeasibilityInput,
  budgetFeasibility as feasibilityFact,
} from '../../../src/analysis/budget.js'
import { rankModels } from '../../../src/analysis/ranking.js'
import { lookPlan, sequentialCoverage, shiftInterval } from '../../../src/analysis/statistics.js'
import {
  contention as contentionFact,
  isDecided,
  parallelSlowdown as parallelSlowdownFact,
  decideVerdict as verdictFact,
} from '../../../src/analysis/verdict.js'
import {
  dispatchOrder as dispatchOrderFact,
  granularity as granularityFact,
  listScheduleMs,
  taskBalance as taskBalanceFact,
  typicalTaskMs,
} from '../../../src/analysis/workload.js'
import {
  contentionText,
  diagnosticText,
  failureMessage,
  skipText,
  unreachableText,
  verdictReasonText,
} from '../../../src/report/summary/facts.js'
import type { ModelResult, RoundSample, SpeedupEstimate } from '../../../src/types.js'
import { modelResult } from '../../support/synthetic-results.js'

function estimate(speedup: number, low: number, high: number, workers = 2, confidence = 0.95): SpeedupEstimate {
  return { speedup, low, high, confidence, efficiency: speedup / workers }
}

/** A parallel arm that spent `busyMs` inside fn and got `cpuMs` of CPU for it. */
function round(cpuMs: number | undefined, busyMs = 100, serialBusyMs = busyMs): RoundSample {
  return {
    order: 'serial-first',
    serialMs: 200,
    parallelMs: 100,
    serialBusyMs,
    parallelBusyMs: busyMs,
    parallelCpuMs: cpuMs,
  }
}

// The analysis returns facts; these wrappers put them in the report's words (report/summary.ts),
// so each test checks the fact and the sentence every view prints for it.
function budgetFeasibility(
  input: FeasibilityInput,
): { kind: 'ok' } | { kind: 'skip'; reason: string } | { kind: 'impossible'; message: string } {
  const fact: Feasibility = feasibilityFact(input)
  if (fact.kind === 'skip') return { kind: 'skip', reason: skipText(fact) }
  if (fact.kind === 'impossible') return { kind: 'impossible', message: unreachableText(fact) }
  return fact
}

function contention(...args: Parameters<typeof contentionFact>): {
  starvedRounds: number
  starved: boolean
  detail: string
} {
  const { starvedRounds, starved, finding } = contentionFact(...args)
  expect(finding.kind === 'starved').toBe(starved)
  return { starvedRounds, starved, detail: contentionText(finding) }
}

function decideVerdict(input: Parameters<typeof verdictFact>[0]): {
  status: string
  reason: string
  target?: number | undefined
} {
  const { why, ...verdict } = verdictFact(input)
  return { ...verdict, reason: verdictReasonText(why, input.estimate) }
}

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
const parallelSlowdown = worded(parallelSlowdownFact)

const feasible = {
  equalTasks: true,
  option: 'minSpeedup' as const,
  tasks: 8,
  workers: 2,
  tasksSetByUser: false,
  workersSetByUser: false,
  effectiveCores: 2,
}

describe('budgetTarget', () => {
  it('is minSpeedup when only it is set', () => {
    expect(budgetTarget({ minSpeedup: 1.6 }, 2)).toBe(1.6)
  })

  it('is minEfficiency × workers when only it is set', () => {
    expect(budgetTarget({ minEfficiency: 0.8 }, 2)).toBe(1.6)
  })

  it('is the stricter of the two when both are set', () => {
    expect(budgetTarget({ minSpeedup: 1.5, minEfficiency: 0.8 }, 2)).toBe(1.6)
    expect(budgetTarget({ minSpeedup: 1.7, minEfficiency: 0.8 }, 2)).toBe(1.7)
  })

  it('is undefined without a budget', () => {
    expect(budgetTarget({}, 2)).toBeUndefined()
    expect(budgetTarget({ minSpeedup: undefined, minEfficiency: undefined }, 2)).toBeUndefined()
  })
})

describe('budgetFeasibility', () => {
  it('is ok without a target', () => {
    expect(budgetFeasibility({ ...feasible, target: undefined, effectiveCores: 1 })).toEqual({ kind: 'ok' })
  })

  it('is ok for a budget this machine can reach', () => {
    expect(budgetFeasibility({ ...feasible, target: 1.6 })).toEqual({ kind: 'ok' })
  })

  it('is ok for a budget exactly at the effective cores', () => {
    expect(budgetFeasibility({ ...feasible, target: 2 })).toEqual({ kind: 'ok' })
  })

  it('calls a budget above one user-set task impossible, naming the option, the setting and the cap', () => {
    expect(
      budgetFeasibility({ ...feasible, target: 1.9, tasks: 1, tasksSetByUser: true, workersSetByUser: true }),
    ).toEqual({
      kind: 'impossible',
      message: '`minSpeedup` 1.9 can never be reached: 1 task caps the speedup at 1x (`tasks`: 1)',
    })
  })

  it('caps 3 equal tasks on 2 user-set workers at 1.5x', () => {
    expect(
      budgetFeasibility({ ...feasible, target: 1.6, tasks: 3, tasksSetByUser: true, workersSetByUser: true }),
    ).toEqual({
      kind: 'impossible',
      message:
        '`minSpeedup` 1.6 can never be reached: 3 tasks on 2 workers cap the speedup at 1.5x (`tasks`: 3, `workers`: 2)',
    })
  })

  it('caps unequal tasks only at min(tasks, workers)', () => {
    // Task sizes 2, 1, 1 on 2 workers: 4 units serial, 2 in parallel = 2x.
    const input = { ...feasible, tasks: 3, tasksSetByUser: true, workersSetByUser: true, equalTasks: false }
    expect(budgetFeasibility({ ...input, target: 1.6 })).toEqual({ kind: 'ok' })
    expect(budgetFeasibility({ ...input, target: 2.1 })).toEqual({
      kind: 'impossible',
      message: '`minSpeedup` 2.1 can never be reached: 2 workers cap the speedup at 2x (`workers`: 2)',
    })
  })

  it('calls a budget above user-set workers impossible, naming `workers`', () => {
    expect(budgetFeasibility({ ...feasible, target: 2.5, workersSetByUser: true, effectiveCores: 8 })).toEqual({
      kind: 'impossible',
      message: '`minSpeedup` 2.5 can never be reached: 2 workers cap the speedup at 2x (`workers`: 2)',
    })
  })

  it('calls a budget above user-set tasks impossible even when workers defaulted', () => {
    expect(budgetFeasibility({ ...feasible, target: 3, tasks: 2, tasksSetByUser: true, effectiveCores: 8 })).toEqual({
      kind: 'impossible',
      message: '`minSpeedup` 3 can never be reached: 2 tasks cap the speedup at 2x (`tasks`: 2)',
    })
  })

  it('skips a budget above the effective cores when workers defaulted from them', () => {
    expect(budgetFeasibility({ ...feasible, target: 3 })).toEqual({
      kind: 'skip',
      reason: '`minSpeedup` 3 needs ≥ 3 cores, this machine has 2 effective cores',
    })
  })

  it('skips a budget above the effective cores even when more workers were set', () => {
    expect(budgetFeasibility({ ...feasible, target: 2.5, workers: 4, tasks: 16, workersSetByUser: true })).toEqual({
      kind: 'skip',
      reason: '`minSpeedup` 2.5 needs ≥ 3 cores, this machine has 2 effective cores',
    })
  })

  it('skips against a fractional CPU quota', () => {
    expect(budgetFeasibility({ ...feasible, target: 1.6, effectiveCores: 1.5 })).toEqual({
      kind: 'skip',
      reason: '`minSpeedup` 1.6 needs ≥ 2 cores, this machine has 1.5 effective cores',
    })
  })

  it('skips when user-set tasks on the defaulted workers cap the speedup below the budget', () => {
    expect(budgetFeasibility({ ...feasible, target: 1.8, tasks: 3, tasksSetByUser: true })).toEqual({
      kind: 'skip',
      reason:
        "`minSpeedup` 1.8 needs ≥ 3 cores: 3 tasks on 2 workers (defaulted from this machine's 2 effective cores) cap the speedup at 1.5x",
    })
  })

  it('names minEfficiency and the speedup it asks for', () => {
    expect(
      budgetFeasibility({
        ...feasible,
        option: 'minEfficiency',
        target: 1.6,
        tasks: 3,
        tasksSetByUser: true,
        workersSetByUser: true,
      }),
    ).toEqual({
      kind: 'impossible',
      message:
        '`minEfficiency` 0.8 (1.6x on 2 workers) can never be reached: 3 tasks on 2 workers cap the speedup at 1.5x (`tasks`: 3, `workers`: 2)',
    })
  })

  it('skips, not fails, minEfficiency with user-set tasks on defaulted workers (a 1-core machine could reach it)', () => {
    expect(
      budgetFeasibility({ ...feasible, option: 'minEfficiency', target: 1.6, tasks: 3, tasksSetByUser: true }),
    ).toEqual({
      kind: 'skip',
      reason:
        "`minEfficiency` 0.8 (1.6x on 2 workers) is out of reach here: 3 tasks on 2 workers (defaulted from this machine's 2 effective cores) cap the speedup at 1.5x",
    })
  })

  it('does not trip over floating-point error in minEfficiency × workers', () => {
    const target = 0.1 * 30 // 3.0000000000000004
    expect(
      budgetFeasibility({ ...feasible, target, workers: 3, tasks: 12, workersSetByUser: true, effectiveCores: 3 }),
    ).toEqual({
      kind: 'ok',
    })
  })
})

describe('contention', () => {
  it('counts a round as starved when CPU time is below 75% of the time inside fn', () => {
    expect(contention([round(60), round(100), round(95)], 2).starvedRounds).toBe(1)
  })

  it('does not count a round at exactly 75%', () => {
    expect(contention([round(75)], 2).starvedRounds).toBe(0)
  })

  it('calls the workers starved when at least a third of the rounds are', () => {
    const result = contention([round(60), round(100), round(95)], 2)
    expect(result.starved).toBe(true)
    expect(result.detail).toBe(
      'workers were starved of CPU in 1 of 3 rounds (CPU time a median 95% of the time inside fn), probably other load on the machine',
    )
  })

  it('does not call them starved when fewer than a third of the rounds are', () => {
    const result = contention([round(60), round(100), round(95), round(98)], 2)
    expect(result).toEqual({
      starvedRounds: 1,
      starved: false,
      detail: 'no sign of contention: 1 of 4 rounds starved of CPU',
    })
  })

  it('never counts rounds without CPU time', () => {
    const result = contention([round(undefined), round(undefined)], 2)
    expect(result.starvedRounds).toBe(0)
    expect(result.starved).toBe(false)
    expect(result.detail).toMatch(/^contention not checked/)
  })

  it('ignores rounds with too little time inside fn to judge CPU accounting', () => {
    expect(contention([round(1, 10)], 2).starvedRounds).toBe(0)
  })

  it('reports a stretch of time inside fn but does not call it starvation', () => {
    const result = contention([round(undefined, 200, 100), round(undefined, 200, 100)], 2)
    expect(result.starved).toBe(false)
    expect(result.detail).toContain('calls took 2x longer inside fn in the parallel arm')
  })
})

describe('decideVerdict', () => {
  const budget = { target: 1.6, starved: false, option: 'minSpeedup' as const }

  it('passes when the lower bound reaches the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.93, 1.9, 1.96) })).toEqual({
      status: 'PASS',
      reason: 'Speedup 1.93x (95% CI 1.90–1.96x) reaches minSpeedup 1.6x.',
      target: 1.6,
    })
  })

  it('passes when the lower bound equals the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.7, 1.6, 1.8) }).status).toBe('PASS')
  })

  it('fails when the upper bound is below the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'FAIL',
      reason: 'Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.',
      target: 1.6,
    })
  })

  it('is inconclusive when the interval straddles the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.58, 1.52, 1.64) })).toEqual({
      status: 'INCONCLUSIVE',
      reason:
        'Speedup 1.58x (95% CI 1.52–1.64x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
      target: 1.6,
    })
  })

  it('is inconclusive when the upper bound equals the target', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.5, 1.4, 1.6) }).status).toBe('INCONCLUSIVE')
  })

  it('turns a FAIL into INCONCLUSIVE when the workers were starved', () => {
    expect(decideVerdict({ ...budget, starved: true, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'INCONCLUSIVE',
      reason:
        'Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x, but the workers were starved of CPU by other load, so the machine may be to blame.',
      target: 1.6,
    })
  })

  it('keeps a PASS when the workers were starved', () => {
    expect(decideVerdict({ ...budget, starved: true, estimate: estimate(1.93, 1.9, 1.96) }).status).toBe('PASS')
  })

  it('reports MEASURED without a target', () => {
    expect(decideVerdict({ ...budget, target: undefined, estimate: estimate(1.21, 1.15, 1.27) })).toEqual({
      status: 'MEASURED',
      reason: 'Speedup 1.21x (95% CI 1.15–1.27x); no budget set.',
    })
  })

  it('speaks of efficiency for a minEfficiency budget', () => {
    expect(decideVerdict({ ...budget, option: 'minEfficiency', estimate: estimate(1.22, 1.16, 1.28) }).reason).toBe(
      'Efficiency 0.61 (95% CI 0.58–0.64) is below minEfficiency 0.8.',
    )
  })

  it('shows an undecidable interval as 0–∞', () => {
    expect(decideVerdict({ ...budget, estimate: estimate(1.9, 0, Number.POSITIVE_INFINITY, 2, 1) }).reason).toBe(
      'Speedup 1.90x (100% CI 0.00–∞x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
    )
  })
})

describe('isDecided', () => {
  it('is decided once the lower bound reaches the target', () => {
    expect(isDecided(estimate(1.9, 1.6, 2), 1.6)).toBe(true)
  })

  it('is decided once the upper bound is below the target', () => {
    expect(isDecided(estimate(1.3, 1.2, 1.59), 1.6)).toBe(true)
  })

  it('is undecided while the interval straddles the target', () => {
    expect(isDecided(estimate(1.6, 1.5, 1.7), 1.6)).toBe(false)
  })

  it('without a target, is decided once the interval is within ±5% of the estimate', () => {
    expect(isDecided(estimate(2, 1.92, 2.08), undefined)).toBe(true)
  })

  it('without a target, is undecided while the interval is wider than ±5%', () => {
    expect(isDecided(estimate(2, 1.8, 2.2), undefined)).toBe(false)
    expect(isDecided(estimate(2, 1.9, 2.05), undefined)).toBe(false) // 2 / 1.9 = 1.053
  })

  it('without a target, is undecided on an infinite interval', () => {
    expect(isDecided(estimate(2, 0, Number.POSITIVE_INFINITY), undefined)).toBe(false)
  })
})

describe('failureMessage', () => {
  it('reads like DESIGN §2 for minSpeedup', () => {
    expect(failureMessage('threads', { estimate: estimate(1.21, 1.15, 1.27), workers: 2 }, 1.6, 'minSpeedup', 2)).toBe(
      'threads speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x — 2 workers on 2 cores',
    )
  })

  it('speaks of efficiency for minEfficiency', () => {
    expect(
      failureMessage('processes', { estimate: estimate(1.22, 1.16, 1.28), workers: 2 }, 1.6, 'minEfficiency', 2),
    ).toBe('processes efficiency 0.61 (95% CI 0.58–0.64) is below minEfficiency 0.8 — 2 workers on 2 cores')
  })

  it('shows the achieved confidence rounded down, never overstated', () => {
    const result = { estimate: estimate(1.21, 1.15, 1.27, 2, 1 - 22 / 1024), workers: 2 }
    expect(failureMessage('threads', result, 1.6, 'minSpeedup', 2)).toContain('(97.8% CI 1.15–1.27x)')
  })

  it('uses the singular for one worker on one core', () => {
    expect(
      failureMessage('threads', { estimate: estimate(0.9, 0.85, 0.95, 1), workers: 1 }, 1, 'minSpeedup', 1),
    ).toMatch(/— 1 worker on 1 core$/)
  })
})

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
})

describe('parallelSlowdown', () => {
  const round = (serialBusyMs: number, parallelBusyMs: number): RoundSample => ({
    order: 'serial-first',
    serialMs: serialBusyMs,
    parallelMs: parallelBusyMs / 2,
    serialBusyMs,
    parallelBusyMs,
    parallelCpuMs: parallelBusyMs,
  })

  it('says when calls take much longer inside fn in the parallel arm, though the workers had their CPU', () => {
    expect(parallelSlowdown([round(290, 567), round(291, 566), round(289, 570)])).toMatch(
      /^calls took 1\.96x longer inside fn in the parallel arm than in the serial arm: .*more rounds will not change that$/,
    )
  })

  it('is silent for calls that cost the same in both arms', () => {
    expect(parallelSlowdown([round(290, 300), round(291, 296)])).toBeUndefined()
  })
})

describe('contention from other load', () => {
  /** A parallel arm of `parallelMs` during which other processes took `otherCores` cores. */
  const round = (otherCores: number, parallelMs = 300): RoundSample => ({
    order: 'serial-first',
    serialMs: 2 * parallelMs,
    parallelMs,
    serialBusyMs: 2 * parallelMs,
    parallelBusyMs: 2 * parallelMs,
    // CPU far below the time inside fn: the fallback would call every round starved.
    parallelCpuMs: 0.2 * parallelMs,
    parallelOtherMs: otherCores * parallelMs,
  })

  it('is not starved when the CPU went to our own tree (libuv, helper threads), whatever the calling threads got', () => {
    const result = contention([round(0.02), round(0.05), round(0), round(0.1)], 2, 2)
    expect(result.starved).toBe(false)
    expect(result.detail).toMatch(/^no sign of contention: other processes took a median 0\.04 cores/)
  })

  it('is starved when other processes take more than a quarter core from what the pool needs', () => {
    const result = contention([round(0.9), round(1.1), round(0.05), round(0.8)], 2, 2)
    expect(result.starved).toBe(true)
    expect(result.starvedRounds).toBe(3)
    expect(result.detail).toBe(
      "workers were starved of CPU in 3 of 4 rounds: other processes took a median 0.9 cores while the pool needed 2 of this machine's 2",
    )
  })

  it('leaves a pool smaller than the machine room for other load', () => {
    expect(contention([round(0.9), round(0.9), round(0.9)], 1, 2).starved).toBe(false)
  })

  it('judges arms too short for 10 ms ticks by the whole run, or not at all', () => {
    const short = [round(1, 40), round(0.75, 40), round(1, 40), round(0.5, 40)]
    expect(contention(short, 2, 2, { cpuMs: 100, wallMs: 2000 })).toMatchObject({
      starved: false,
      detail: 'no sign of contention: other processes took 0.05 cores over the whole run',
    })
    expect(contention(short, 2, 2, { cpuMs: 1600, wallMs: 2000 })).toMatchObject({
      starved: true,
      detail:
        "workers were starved of CPU: other processes took 0.8 cores over the whole run while the pool needed 2 of this machine's 2",
    })
    expect(contention(short, 2, 2, { cpuMs: 1600, wallMs: 500 })).toMatchObject({ starved: false })
    expect(contention(short, 2, 2).detail).toMatch(/^contention not checked: parallel arms under 200 ms/)
  })
})

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
