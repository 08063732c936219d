// The regression gate end to end (fixtures/regression): a first run writes the JSON that
// becomes the baseline; a second run whose fn is deliberately serialised (a cross-process lock
// around its work) compares with it through VITEST_PARALLEL_BENCH_COMPARE_WITH and fails with
// an interval on the change; an unchanged second run does not fail.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JsonModelResult, ParallelBenchJson } from '../../src/report/json.js'
import type { RegressionComparison } from '../../src/types.js'
import { benchNamed, fixture, runVitest, type VitestRun } from '../support/run-vitest.js'

const FIXTURE = 'regression'
const TITLE = 'blocking calls under a gate [threads]'
const tmp = mkdtempSync(join(tmpdir(), 'parallel-bench-regression-'))
const baselineFile = join(tmp, 'main.json')
const lockDir = join(tmp, 'locks')

afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function json(run: VitestRun): ParallelBenchJson {
  if (run.json === undefined) throw new Error(`no parallel-bench.json was written\n${run.output}`)
  return run.json
}

function onlyRow(run: VitestRun): JsonModelResult {
  const [row] = benchNamed(run, TITLE).results
  if (row === undefined) throw new Error(`no result row\n${run.output}`)
  return row
}

function compared(row: JsonModelResult, run: VitestRun): RegressionComparison & { reason: string } {
  const { regression } = row
  if (regression === undefined || regression.status === 'NEW') {
    throw new Error(`no comparison with the baseline: ${JSON.stringify(regression)}\n${run.output}`)
  }
  return regression
}

describe('regression against a stored baseline, end to end', () => {
  let first: VitestRun
  let baselineRow: JsonModelResult

  beforeAll(async () => {
    first = await runVitest(FIXTURE)
    baselineRow = onlyRow(first)
    // The next run deletes parallel-bench.json first: keep this one, as CI keeps main's artifact.
    if (first.json !== undefined) copyFileSync(join(fixture(FIXTURE), 'parallel-bench.json'), baselineFile)
    mkdirSync(lockDir)
  }, 150_000)

  it('without a baseline file, says so in one line and on the bench, and still passes', () => {
    expect(first.code, first.output).toBe(0)
    const doc = json(first)
    expect(doc.comparedWith).toMatchObject({ file: 'parallel-bench.main.json', from: 'option', problem: 'not found' })
    expect(first.output).toContain('No regression check: the baseline parallel-bench.main.json not found.')
    expect(baselineRow.regression).toBeUndefined()
  })

  it('fails a serialised fn against it, with the interval of the change below 1 − maxRegression', async () => {
    const run = await runVitest(FIXTURE, [], {
      env: { VITEST_PARALLEL_BENCH_COMPARE_WITH: baselineFile, PB_SERIALISE_DIR: lockDir },
    })
    expect(run.code, run.output).toBe(1)
    const bench = benchNamed(run, TITLE)
    const row = onlyRow(run)
    const regression = compared(row, run)
    expect(regression.status, run.output).toBe('FAIL')
    expect(regression.metric).toBe('speedup')
    expect(regression.maxRegression).toBe(bench.options.maxRegression)
    expect(regression.high).toBeLessThan(1 - regression.maxRegression)
    expect(regression.low).toBeGreaterThan(0)
    expect(regression.low).toBeLessThanOrEqual(regression.change)
    expect(regression.change).toBeLessThanOrEqual(regression.high)
    // Matched with the first run's row: the same rounds give the same speedup.
    expect(regression.baseline.speedup).toBeCloseTo(baselineRow.estimate.speedup, 9)
    expect(regression.baseline.rounds).toBe(baselineRow.rounds.length)
    expect(regression.now.speedup).toBe(row.estimate.speedup)
    expect(json(run).comparedWith).toMatchObject({ file: baselineFile, from: 'environment' })
    expect(json(run).comparedWith?.problem).toBeUndefined()
    // The failed test says why, with the interval; the report prints the same line.
    expect(run.output).toMatch(
      /threads ×2 regressed against the baseline: baseline \d\.\d\dx → now \d\.\d\dx, change −\d+% \[−\d+%, −\d+%\] FAIL \(maxRegression \d+%/,
    )
    // (The terminal wraps long lines at 100 columns: joined again, the first clause is there.)
    expect(run.output.replace(/\n +/g, ' ')).toContain(`threads ×2: ${regression.reason.split(';')[0]}`)
    // Measured a slower parallel arm, not a failure to measure, and the lock is gone.
    expect(bench.error).toBeUndefined()
    expect(readdirSync(lockDir)).toEqual([])
  }, 150_000)

  it('does not fail an unchanged run against it', async () => {
    const run = await runVitest(FIXTURE, [], { env: { VITEST_PARALLEL_BENCH_COMPARE_WITH: baselineFile } })
    expect(run.code, run.output).toBe(0)
    const row = onlyRow(run)
    const regression = compared(row, run)
    expect(['PASS', 'IMPROVED', 'INCONCLUSIVE'], run.output).toContain(regression.status)
    expect(regression.high).toBeGreaterThanOrEqual(1 - regression.maxRegression)
    expect(regression.baseline.speedup).toBeCloseTo(baselineRow.estimate.speedup, 9)
    expect(run.output).toContain(`Compared with the baseline ${baselineFile} (from VITEST_PARALLEL_BENCH_COMPARE_WITH)`)
  }, 150_000)
})
