// Every view of a comparison with the stored baseline renders the same derivation: the
// terminal line, the GitHub annotations and summary table, the JSON and its blob round trip.
import { createColors } from 'picocolors'
import { describe, expect, it } from 'vitest'
import { compareWithBaseline } from '../../../src/analysis/regression.js'
import { logRatios } from '../../../src/analysis/statistics.js'
import type { BaselineRow } from '../../../src/contracts/baseline.js'
import { annotationCommands, escapeData, stepSummaryMarkdown } from '../../../src/report/github.js'
import { jsonReport } from '../../../src/report/json.js'
import { reviveBenchResult } from '../../../src/report/reporter.js'
import { regressionText } from '../../../src/report/summary/facts.js'
import { renderReport } from '../../../src/report/terminal.js'
import type { BenchResult, ComparedWith, ModelResult } from '../../../src/types.js'
import { benchResult, environment, modelResult } from '../../support/synthetic-results.js'

const plain = createColors(false)
const comparedWith: ComparedWith = {
  file: 'parallel-bench.main.json',
  from: 'option',
  generatedAt: '2026-11-27T12:00:00.000Z',
  skippedRows: 0,
}

/** A row measured at `speedup`, compared with a stored row at `then` (same jittered rounds). */
function compared(model: ModelResult['model'], speedup: number, then: number | undefined): ModelResult {
  const row = modelResult({ model, workers: 2, speedup, low: speedup * 0.97, high: speedup * 1.03 })
  const stored = then === undefined ? undefined : modelResult({ model, workers: 2, speedup: then, low: 0, high: 0 })
  const baseline: BaselineRow | undefined =
    stored === undefined
      ? undefined
      : {
          model,
          workers: 2,
          workersSetByUser: true,
          serialArm: 'worker',
          logRatios: logRatios(stored.rounds),
          speedup: then ?? 0,
          effectiveCores: 2,
          starved: false,
        }
  row.regression = compareWithBaseline(
    {
      model,
      workers: 2,
      workersSetByUser: true,
      serialArm: 'worker',
      rounds: row.rounds,
      speedup,
      effectiveCores: 2,
      starved: false,
    },
    baseline,
    { maxRegression: 0.1, confidence: 0.95 },
  )
  return row
}

function gated(level: 'error' | 'warn' = 'error'): BenchResult {
  const bench = benchResult(
    'sha256',
    'compare',
    [compared('threads', 1.2, 1.92), compared('processes', 1.9, undefined)],
    { level },
  )
  bench.comparedWith = comparedWith
  return bench
}

describe('a comparison with the stored baseline, in every view', () => {
  it('prints one line per row under the table, and says what it was compared with', () => {
    const text = renderReport([gated()], environment, plain)
    const threads = gated().results[0]?.regression
    expect(threads?.status).toBe('FAIL')
    expect(text).toContain('Compared with the baseline parallel-bench.main.json, measured 2026-11-27T12:00:00.000Z.')
    expect(text).toMatch(
      /^ {2}threads ×2: baseline 1\.92x → now 1\.20x, change −3\d% \[−\d+%, −\d+%\] FAIL \(maxRegression 10%, \d+(\.\d)?%\s+CI\)$/m,
    )
    expect(text.replace(/\n +/g, ' ')).toContain(`threads ×2: ${threads === undefined ? '' : regressionText(threads)}`)
    expect(text).toMatch(/^ {2}processes ×2: new, no baseline$/m)
    expect(text).toMatch(/^ {2}baseline +change = now \/ baseline speedup/m)
  })

  it('says in one line why nothing was compared', () => {
    const bench = benchResult('sha256', 'threads', [
      modelResult({ model: 'threads', workers: 2, speedup: 1.9, low: 1.8, high: 2 }),
    ])
    bench.comparedWith = { file: 'main.json', from: 'environment', problem: 'not found', skippedRows: 0 }
    const text = renderReport([bench], environment, plain)
    expect(text).toContain(
      'No regression check: the baseline main.json (from VITEST_PARALLEL_BENCH_COMPARE_WITH) not found.',
    )
    expect(text).not.toMatch(/^ {2}baseline +change/m)
  })

  it('annotates a regression on GitHub as its level says, with the same line', () => {
    const regression = gated().results[0]?.regression
    const reason = regression === undefined ? '' : regressionText(regression)
    const errors = annotationCommands([gated('error')]).filter((c) => c.includes('vs baseline'))
    expect(errors).toEqual([
      `::error file=bench/hash.bench.ts,title=sha256 [threads vs processes]::${escapeData(`vs baseline, threads ×2: ${reason}`)}`,
    ])
    const warnings = annotationCommands([gated('warn')]).filter((c) => c.includes('vs baseline'))
    expect(warnings.map((c) => c.slice(0, c.indexOf(' ')))).toEqual(['::warning'])
  })

  it('adds an "Against the baseline" table to the step summary', () => {
    const markdown = stepSummaryMarkdown([gated()], environment)
    expect(markdown).toContain(
      '> Compared with the baseline parallel-bench.main.json, measured 2026-11-27T12:00:00.000Z.',
    )
    const table = markdown.slice(markdown.indexOf('#### Against the baseline'))
    expect(table.split('\n').slice(2, 6)).toEqual([
      '| bench | model | workers | baseline | now | change [CI] | verdict |',
      '| :-- | :-- | --: | --: | --: | --: | :-- |',
      expect.stringMatching(
        /^\| sha256 \\\[threads vs processes\\\] \| threads \| 2 \| 1\.92x \| 1\.20x \| −3\d% \[−\d+%, −\d+%\] \(\d+(\.\d)?%\) \| ❌ FAIL \(max −10%\) \|$/,
      ),
      '|  | processes | 2 | – | 1.90x | – | 🆕 new, no baseline (max −10%) |',
    ])
  })

  it('keeps the comparison and its source in the JSON, and revives an unbounded interval from a blob', () => {
    const doc = jsonReport([gated()], environment, { generatedAt: '2026-11-27T13:00:00.000Z' })
    expect(doc.comparedWith).toEqual(comparedWith)
    const regression = doc.benches[0]?.results[0]?.regression
    expect(regression).toMatchObject({ status: 'FAIL', metric: 'speedup', baseline: { speedup: 1.92, rounds: 10 } })

    const unbounded = gated()
    const [row] = unbounded.results
    if (row?.regression === undefined || row.regression.status === 'NEW') throw new Error('expected a comparison')
    row.regression = { ...row.regression, low: 0, high: Number.POSITIVE_INFINITY }
    const fromBlob = JSON.parse(JSON.stringify(unbounded)) as BenchResult
    const revived = reviveBenchResult(fromBlob).results[0]?.regression
    expect(revived?.status === 'NEW' ? undefined : revived?.high).toBe(Number.POSITIVE_INFINITY)
  })
})
