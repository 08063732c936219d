import { describe, expect, it } from 'vitest'
import { failureMessage } from '../../../src/report/summary/facts.js'
import type { SpeedupEstimate } from '../../../src/types.js'

function estimate(speedup: number, low: number, high: number, workers = 2, confidence = 0.95): SpeedupEstimate {
  return { speedup, low, high, confidence, efficiency: speedup / workers }
}

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
