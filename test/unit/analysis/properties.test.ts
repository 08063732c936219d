// Property-based tests (fast-check): over the whole option space, every
// combination either resolves to options that bound a measurement, or throws a
// TypeError / RangeError naming an option; over random round samples, the
// statistics never produce NaN, intervals contain their estimate, and a higher
// confidence never gives a narrower interval.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { estimateSpeedup, lookLevel, lookPlan, sequentialCoverage } from '../../../src/analysis/statistics.js'
import { BENCH_KEYS, LIMITS, MAX_ROUNDS, resolveOptions, workersCeiling } from '../../../src/host/options.js'
import { testTimeoutMs } from '../../../src/host/test-timeout.js'
import type { RoundSample } from '../../../src/types.js'

const OPTION_NAMES: readonly string[] = BENCH_KEYS

/** Values a user might write for any option: right, wrong, extreme. */
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.double({ min: -10, max: 1e7, noNaN: false }),
  fc.constantFrom(0, 0.5, 0.95, 1, 1.5, 3, 1e9, Number.POSITIVE_INFINITY, Number.NaN, -1),
  // At and around the upper bounds (LIMITS).
  fc.constantFrom(8, 9, 100, 101, 256, 257, 1000, 1001, 100_000, 100_001, 3_600_000, 2 ** 31 - 1, 2 ** 31, 10_000),
  fc.constantFrom('error', 'warn', 'off', 'loud', 'worker', 'inline', 'threads', 'processes', '', '8'),
  fc.boolean(),
  fc.constant(undefined),
  fc.constant(null),
  fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 4 }),
  fc.constant((i: number) => i),
)

const optionsArbitrary = fc.dictionary(
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...OPTION_NAMES) }, { weight: 1, arbitrary: fc.string() }),
  anyValue,
  { maxKeys: 8 },
)

const kinds = fc.constantFrom('threads' as const, 'processes' as const, 'compare' as const)

describe('the option space', () => {
  it('resolves to bounded options or throws a TypeError / RangeError naming an option', () => {
    let resolvedCount = 0
    fc.assert(
      fc.property(kinds, optionsArbitrary, fc.integer({ min: 1, max: 64 }), (kind, options, cores) => {
        let resolved: ReturnType<typeof resolveOptions>
        try {
          resolved = resolveOptions(options, { kind, effectiveCores: cores })
        } catch (error) {
          expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true)
          // The message names the option in backticks, or the unknown key it was given.
          const message = (error as Error).message
          const named = OPTION_NAMES.some((name) => message.includes(`\`${name}\``))
          expect(named || message.startsWith('Unknown option `'), message).toBe(true)
          return
        }
        const ceiling = workersCeiling(cores, options.oversubscribe === true).max
        for (const workers of resolved.workers) {
          expect(Number.isInteger(workers) && workers >= 1 && workers <= ceiling).toBe(true)
        }
        // Every upper bound holds (a defaulted `tasks` is 4 × the largest pool).
        expect(resolved.tasks).toBeLessThanOrEqual(Math.max(LIMITS.tasks, 4 * LIMITS.workers))
        expect(resolved.warmupRounds).toBeLessThanOrEqual(LIMITS.warmupRounds)
        expect(resolved.time).toBeLessThanOrEqual(LIMITS.timeMs)
        expect(resolved.taskTimeout).toBeLessThanOrEqual(LIMITS.timeoutMs)
        expect(resolved.startupTimeout).toBeLessThanOrEqual(LIMITS.timeoutMs)
        expect(resolved.maxMemoryMb ?? 0).toBeLessThanOrEqual(LIMITS.maxMemoryMb)
        expect(resolved.minSpeedup ?? 0).toBeLessThanOrEqual(LIMITS.minSpeedup)
        expect(Number.isInteger(resolved.tasks) && resolved.tasks >= 1).toBe(true)
        expect(resolved.minRounds).toBeGreaterThanOrEqual(3)
        expect(resolved.minRounds).toBeLessThanOrEqual(resolved.maxRounds)
        expect(resolved.maxRounds).toBeLessThanOrEqual(MAX_ROUNDS)
        expect(resolved.taskTimeout).toBeGreaterThan(0)
        expect(resolved.startupTimeout).toBeGreaterThan(0)
        expect(resolved.time).toBeGreaterThanOrEqual(0)
        expect(resolved.confidence).toBeGreaterThan(0.5)
        expect(resolved.confidence).toBeLessThanOrEqual(0.999)
        const timeout = testTimeoutMs(resolved, kind === 'compare' ? 2 : 1)
        expect(Number.isFinite(timeout) && timeout > 0 && timeout <= 2 ** 31 - 1).toBe(true)
        resolvedCount++
      }),
      { numRuns: 2000 },
    )
    // Both sides of the property were exercised, not only the errors.
    expect(resolvedCount).toBeGreaterThan(100)
  })

  it('calibrates every allowed (confidence, minRounds, maxRounds) to a per-look level in (confidence, 1)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.51, max: 0.999, noNaN: true }),
        fc.integer({ min: 3, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (confidence, minRounds, extra) => {
          const plan = lookPlan(confidence, minRounds, minRounds + extra)
          expect(plan.perLook).toBeGreaterThanOrEqual(confidence)
          expect(plan.perLook).toBeLessThan(1)
          expect(sequentialCoverage(plan)).toBeGreaterThanOrEqual(confidence - 1e-9)
          for (let n = minRounds; n <= minRounds + extra; n++) {
            expect(lookLevel(plan, n)).toBeGreaterThanOrEqual(confidence)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

const roundsArbitrary = fc.array(
  fc.record({
    serialMs: fc.double({ min: 0.01, max: 1e5, noNaN: true, noDefaultInfinity: true }),
    parallelMs: fc.double({ min: 0.01, max: 1e5, noNaN: true, noDefaultInfinity: true }),
  }),
  { minLength: 1, maxLength: 60 },
)

function toRounds(samples: { serialMs: number; parallelMs: number }[]): RoundSample[] {
  return samples.map((s, i) => ({
    order: i % 2 === 0 ? 'serial-first' : 'parallel-first',
    serialMs: s.serialMs,
    parallelMs: s.parallelMs,
    serialBusyMs: s.serialMs,
    parallelBusyMs: s.parallelMs,
  }))
}

describe('the statistics over random rounds', () => {
  it('never gives NaN, and the interval contains the estimate', () => {
    fc.assert(
      fc.property(
        roundsArbitrary,
        fc.integer({ min: 1, max: 16 }),
        fc.double({ min: 0.51, max: 0.999, noNaN: true }),
        (samples, workers, confidence) => {
          const estimate = estimateSpeedup(toRounds(samples), workers, confidence)
          for (const value of [
            estimate.speedup,
            estimate.low,
            estimate.high,
            estimate.confidence,
            estimate.efficiency,
          ]) {
            expect(Number.isNaN(value)).toBe(false)
          }
          expect(estimate.low).toBeLessThanOrEqual(estimate.speedup)
          expect(estimate.speedup).toBeLessThanOrEqual(estimate.high)
          expect(estimate.confidence).toBeGreaterThanOrEqual(confidence)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('never narrows the interval when the confidence rises', () => {
    fc.assert(
      fc.property(
        roundsArbitrary,
        fc.double({ min: 0.51, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.009, noNaN: true }),
        (samples, lower, step) => {
          const rounds = toRounds(samples)
          const narrow = estimateSpeedup(rounds, 2, lower)
          const wide = estimateSpeedup(rounds, 2, lower + step)
          expect(wide.low).toBeLessThanOrEqual(narrow.low)
          expect(wide.high).toBeGreaterThanOrEqual(narrow.high)
        },
      ),
      { numRuns: 1000 },
    )
  })
})
