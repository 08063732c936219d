// The analysis returns facts; the wrappers below put them in the report's words (report/summary/),
// so each test checks the fact and the sentence every view prints for it.
import { describe, expect, it } from 'vitest'
import {
  budgetTarget,
  type Feasibility,
  type FeasibilityInput,
  budgetFeasibility as feasibilityFact,
} from '../../../src/analysis/budget.js'
import { skipText, unreachableText } from '../../../src/report/summary/facts.js'

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
