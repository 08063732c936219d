import { describe, expect, it } from 'vitest'
import { budgetOption } from '../../../src/analysis/budget.js'
import type { Diagnostic } from '../../../src/contracts/facts.js'
import { benchOutcome } from '../../../src/host/outcome.js'
import { diagnosticText, reasonOf } from '../../../src/report/summary/facts.js'
import type { ModelResult } from '../../../src/types.js'
import { benchResult, modelResult } from '../../support/synthetic-results.js'

/** A compare's rows with their ranking, as runBench stores them. */
const compared = (threads: ModelResult, processes: ModelResult) =>
  benchResult('compare', 'compare', [threads, processes])

type Options = Parameters<typeof benchOutcome>[1]
const base: Options = {
  level: 'error',
  strict: false,
  expectFaster: undefined,
  minSpeedup: 1.6,
  minEfficiency: undefined,
  workers: [2],
  confidence: 0.95,
}

const fail = modelResult({
  model: 'threads',
  workers: 2,
  speedup: 1.21,
  low: 1.15,
  high: 1.27,
  status: 'FAIL',
  target: 1.6,
})
const pass = modelResult({
  model: 'processes',
  workers: 2,
  speedup: 1.9,
  low: 1.8,
  high: 1.97,
  status: 'PASS',
  target: 1.6,
})
const unsure = modelResult({
  model: 'threads',
  workers: 2,
  speedup: 1.6,
  low: 1.5,
  high: 1.7,
  status: 'INCONCLUSIVE',
  target: 1.6,
})
const skipped = modelResult({
  model: 'threads',
  workers: 2,
  speedup: 1.9,
  low: 1.8,
  high: 1.97,
  status: 'SKIPPED',
  target: 3,
})

const slowdown: Diagnostic = { kind: 'parallel-slowdown', cause: 'code', stretch: 1.5, onCpu: false }

describe('benchOutcome', () => {
  it("fails a missed budget at level 'error' with DESIGN's message", () => {
    const outcome = benchOutcome({ results: [fail] }, base, 2)
    expect(outcome.failure).toEqual({
      code: 'BUDGET_MISSED',
      message: 'threads speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x — 2 workers on 2 cores',
    })
    expect(outcome.annotations).toEqual([
      { message: 'threads ×2: FAIL — Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.', type: 'warning' },
    ])
  })

  it("only annotates a missed budget at level 'warn', and says nothing at 'off'", () => {
    expect(benchOutcome({ results: [fail] }, { ...base, level: 'warn' }, 2)).toEqual({
      annotations: [
        { message: 'threads ×2: FAIL — Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.', type: 'warning' },
      ],
      failure: undefined,
      skipReason: undefined,
    })
    expect(benchOutcome({ results: [fail] }, { ...base, level: 'off' }, 2).annotations).toEqual([])
    expect(benchOutcome({ results: [fail] }, { ...base, level: 'off' }, 2).failure).toBeUndefined()
  })

  it('passes a PASS with a notice', () => {
    const outcome = benchOutcome({ results: [pass] }, base, 2)
    expect(outcome.failure).toBeUndefined()
    expect(outcome.annotations).toEqual([{ message: `processes ×2: PASS — ${reasonOf(pass)}`, type: 'notice' }])
  })

  it("adds each result's warnings after its verdict, for reporters that show only annotations", () => {
    const warned = { ...pass, diagnostics: [slowdown] }
    expect(benchOutcome({ results: [warned] }, base, 2).annotations).toEqual([
      { message: `processes ×2: PASS — ${reasonOf(pass)}`, type: 'notice' },
      { message: `processes ×2: ${diagnosticText(slowdown)}`, type: 'warning' },
    ])
  })

  it('warns on INCONCLUSIVE, and fails it only under strict', () => {
    expect(benchOutcome({ results: [unsure] }, base, 2).failure).toBeUndefined()
    expect(benchOutcome({ results: [unsure] }, base, 2).annotations[0]?.type).toBe('warning')
    expect(benchOutcome({ results: [unsure] }, { ...base, strict: true }, 2).failure?.code).toBe('INCONCLUSIVE')
  })

  it('skips the test when every result is SKIPPED, with the reason', () => {
    expect(benchOutcome({ results: [skipped] }, base, 2).skipReason).toBe(
      '`minSpeedup` 3 needs ≥ 3 cores, this machine has 2 effective cores',
    )
    expect(benchOutcome({ results: [skipped, pass] }, base, 2).skipReason).toBeUndefined()
  })

  it('fails expectFaster only when the interval on the batch-time ratio says the other model is faster', () => {
    // modelResult's parallel batch is serialMs / speedup: processes (1.9x) beat threads (1.21x).
    const threads = modelResult({ model: 'threads', workers: 2, speedup: 1.21, low: 1.1, high: 1.3 })
    const processes = modelResult({ model: 'processes', workers: 2, speedup: 1.9, low: 1.8, high: 2 })
    expect(compared(threads, processes).ranking?.faster).toBe('processes')
    const failure = benchOutcome(compared(threads, processes), { ...base, expectFaster: 'threads' }, 2).failure
    expect(failure?.code).toBe('EXPECTATION_FAILED')
    expect(failure?.message).toMatch(
      /^expectFaster: 'threads', but processes are faster: threads' parallel batch took 1\.59x \[1\.4\d–1\.7\d\] \(9\d(\.\d)?% CI\) of processes' at 2 workers$/,
    )
    expect(
      benchOutcome(compared(threads, processes), { ...base, expectFaster: 'processes' }, 2).failure,
    ).toBeUndefined()
  })

  it('equal models: expectFaster is inconclusive, a warning, and a failure only under strict', () => {
    const threads = modelResult({ model: 'threads', workers: 2, speedup: 1.9, low: 1.8, high: 2 })
    const processes = modelResult({ model: 'processes', workers: 2, speedup: 1.9, low: 1.8, high: 2 })
    expect(compared(threads, processes).ranking?.faster).toBeUndefined()
    const outcome = benchOutcome(compared(threads, processes), { ...base, expectFaster: 'threads' }, 2)
    expect(outcome.failure).toBeUndefined()
    expect(outcome.annotations.at(-1)).toEqual({
      type: 'warning',
      message: expect.stringMatching(
        /^expectFaster: 'threads' cannot be told: threads' parallel batch took 1\.0[01]x \[0\.9\d–1\.1\d\]/,
      ),
    })
    const strict = benchOutcome(compared(threads, processes), { ...base, expectFaster: 'threads', strict: true }, 2)
    expect(strict.failure?.code).toBe('INCONCLUSIVE')
  })
})

describe('budgetOption', () => {
  it('reports against the option asking for more at that pool size', () => {
    expect(budgetOption({ minSpeedup: 2 }, 4)).toBe('minSpeedup')
    expect(budgetOption({ minEfficiency: 0.7 }, 4)).toBe('minEfficiency')
    expect(budgetOption({ minSpeedup: 2, minEfficiency: 0.7 }, 4)).toBe('minEfficiency')
    expect(budgetOption({ minSpeedup: 3.5, minEfficiency: 0.7 }, 4)).toBe('minSpeedup')
  })

  it('decides per row: minSpeedup 1.8 with minEfficiency 0.5 is minSpeedup at 2 workers, minEfficiency at 4', () => {
    const budget = { minSpeedup: 1.8, minEfficiency: 0.5 }
    expect(budgetOption(budget, 2)).toBe('minSpeedup')
    expect(budgetOption(budget, 4)).toBe('minEfficiency')
  })
})

describe('benchOutcome with mixed budgets', () => {
  it("names each row's own option and target in its failure message", () => {
    const mixed = { ...base, minSpeedup: 1.8, minEfficiency: 0.5, workers: [2, 4] }
    const two = modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.5,
      low: 1.4,
      high: 1.6,
      status: 'FAIL',
      target: 1.8,
    })
    const four = modelResult({
      model: 'threads',
      workers: 4,
      speedup: 1.5,
      low: 1.4,
      high: 1.6,
      status: 'FAIL',
      target: 2,
    })
    const message = benchOutcome({ results: [two, four] }, mixed, 4).failure?.message ?? ''
    expect(message).toContain('is below minSpeedup 1.8x — 2 workers')
    expect(message).toMatch(/efficiency 0\.38 \(.*\) is below minEfficiency 0\.5 — 4 workers/)
    expect(message).not.toContain('minEfficiency 0.9')
  })
})

describe('benchOutcome against a stored baseline', () => {
  const reason = 'baseline 1.92x → now 1.21x, change −37% [−45%, −28%] FAIL (maxRegression 10%, 95% CI)'
  const withRegression = (status: 'FAIL' | 'INCONCLUSIVE' | 'IMPROVED' | 'NEW') =>
    ({
      ...pass,
      regression:
        status === 'NEW'
          ? { status, why: { kind: 'no-baseline' as const }, maxRegression: 0.1 }
          : {
              status,
              notes: [],
              maxRegression: 0.1,
              metric: 'speedup',
              baseline: { speedup: 1.92, workers: 2, effectiveCores: 2, rounds: 10 },
              now: { speedup: 1.21, effectiveCores: 2 },
              change: 0.63,
              low: 0.55,
              high: 0.72,
              confidence: 0.95,
            },
    }) satisfies typeof pass

  it("fails a regression at level 'error', with the line and its interval, even when the budget passes", () => {
    const outcome = benchOutcome({ results: [withRegression('FAIL')] }, base, 2)
    expect(outcome.failure).toEqual({
      code: 'REGRESSION',
      message: `processes ×2 regressed against the baseline: ${reason}`,
    })
    expect(outcome.annotations).toContainEqual({ message: `processes ×2 vs baseline: ${reason}`, type: 'warning' })
  })

  it("only annotates it at 'warn', and neither fails nor annotates it at 'off'", () => {
    const warned = benchOutcome({ results: [withRegression('FAIL')] }, { ...base, level: 'warn' }, 2)
    expect(warned.failure).toBeUndefined()
    expect(warned.annotations).toContainEqual({ message: `processes ×2 vs baseline: ${reason}`, type: 'warning' })
    const off = benchOutcome({ results: [withRegression('FAIL')] }, { ...base, level: 'off' }, 2)
    expect(off.failure).toBeUndefined()
    expect(off.annotations.some((a) => a.message.includes('vs baseline'))).toBe(false)
  })

  it('fails an inconclusive comparison under strict only', () => {
    expect(benchOutcome({ results: [withRegression('INCONCLUSIVE')] }, base, 2).failure).toBeUndefined()
    expect(
      benchOutcome({ results: [withRegression('INCONCLUSIVE')] }, { ...base, strict: true }, 2).failure?.code,
    ).toBe('INCONCLUSIVE')
  })

  it('notes an improvement and a new bench without failing', () => {
    const outcome = benchOutcome({ results: [withRegression('IMPROVED'), withRegression('NEW')] }, base, 2)
    expect(outcome.failure).toBeUndefined()
    expect(outcome.annotations).toContainEqual({
      message: `processes ×2 vs baseline: ${reason.replace('FAIL', 'IMPROVED')}`,
      type: 'notice',
    })
    expect(outcome.annotations).toContainEqual({
      message: 'processes ×2 vs baseline: new, no baseline',
      type: 'notice',
    })
  })
})
