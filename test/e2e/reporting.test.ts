// The reporting layer end to end: real Vitest runs on fixtures/reporting, read the way a
// reviewer of a CI run reads them — the JSON file, Vitest's own reporters, GitHub workflow
// commands and step summary, a two-shard blob merge, and a scaling curve.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { amdahlSerialFraction, karpFlatt } from '../../src/analysis/scaling.js'
import { escapeHtml } from '../../src/report/html.js'
import type { JsonModelResult, ParallelBenchJson } from '../../src/report/json.js'
import { recommendation } from '../../src/report/summary/advice.js'
import { CHART_ANNOTATION } from '../../src/report/svg.js'
import type { BenchResult, BenchSummary } from '../../src/types.js'
import { absoluteUrls, checkMarkup } from '../support/markup.js'
import { benchNamed, fixture, runVitest, type VitestRun } from '../support/run-vitest.js'
import { line } from '../support/vitest-line.js'

const FIXTURE = 'reporting'
// Everything in the fixture but the failing and the GitHub files.
const MAIN_FILES = ['alpha', 'beta', 'curve']
const MAIN_TITLES = ['alpha spin [threads]', 'beta compare [threads vs processes]', 'curve spin [threads]']

const tmp = mkdtempSync(join(tmpdir(), 'parallel-bench-reporting-'))
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
  // Vitest 4's and Vitest 5's default blob folders, in case a run fell back to one.
  for (const dir of ['.vitest-reports', '.vitest'])
    rmSync(join(fixture(FIXTURE), dir), { recursive: true, force: true })
})

function json(run: VitestRun): ParallelBenchJson {
  if (run.json === undefined) throw new Error(`no parallel-bench.json was written\n${run.output}`)
  return run.json
}

function titles(doc: ParallelBenchJson): string[] {
  return doc.benches.map((bench) => bench.fullName).sort()
}

function unescapeXml(text: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] as string)
}

function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

/** The lines of the terminal report (from its header to the legend) in the run's output. */
function reports(run: VitestRun): string[] {
  return run.stdout.split(/^(?=Parallel bench {2}Node )/m).slice(1)
}

/** exp(median of log(serial / parallel)): the estimate, re-derived from the raw rounds. */
function speedupFromRounds(rounds: BenchResult['results'][number]['rounds']): number {
  const logs = rounds.map((r) => Math.log(r.serialMs / r.parallelMs)).sort((a, b) => a - b)
  const mid = logs.length >> 1
  const median = logs.length % 2 === 1 ? (logs[mid] as number) : ((logs[mid - 1] as number) + (logs[mid] as number)) / 2
  return Math.exp(median)
}

describe('one run: JSON file, Vitest reporters, scaling curve', () => {
  let run: VitestRun
  let vitestJson: {
    testResults: {
      name: string
      assertionResults: { title: string; status: string; meta: { parallelBench?: BenchSummary } }[]
    }[]
  }
  let junit: string
  const vitestJsonFile = join(tmp, 'vitest-report.json')
  const junitFile = join(tmp, 'vitest-junit.xml')

  beforeAll(async () => {
    run = await runVitest(FIXTURE, [
      ...MAIN_FILES,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJsonFile}`,
      '--reporter=junit',
      `--outputFile.junit=${junitFile}`,
    ])
    expect(run.code, run.output).toBe(0)
    vitestJson = JSON.parse(readFileSync(vitestJsonFile, 'utf8')) as typeof vitestJson
    junit = readFileSync(junitFile, 'utf8')
  }, 120_000)

  it('writes the versioned JSON: environment, resolved options, raw rounds, startup, estimate, interval, verdict', () => {
    const doc = json(run)
    expect(doc.schema).toBe('vitest-parallel-bench/v1')
    expect(Number.isNaN(Date.parse(doc.generatedAt))).toBe(false)
    expect(doc.environment).toEqual({
      node: line.nodeVersion,
      platform: process.platform,
      arch: process.arch,
      cpu: expect.any(String),
      cores: expect.any(Number),
      effectiveCores: expect.any(Number),
      vitest: expect.stringMatching(line.vitestVersion),
    })
    expect(doc.environment.effectiveCores).toBeGreaterThanOrEqual(1)
    expect(doc.levelOverride).toBeUndefined()
    expect(titles(doc)).toEqual([...MAIN_TITLES].sort())

    for (const title of MAIN_TITLES) {
      const bench = benchNamed(run, title)
      expect(bench.schema).toBe(1)
      expect(bench.error).toBeUndefined()
      // Resolved options: the plugin's defaults merged with the bench's own.
      expect(bench.options).toMatchObject({
        tasks: 4,
        time: 1000,
        minRounds: 6,
        maxRounds: 8,
        warmupRounds: 1,
        confidence: 0.95,
        level: 'error',
        baseline: 'worker',
      })
      expect(bench.results.length).toBeGreaterThan(0)
      for (const result of bench.results) {
        expect(result.tasks).toBe(4)
        expect(result.rounds.length).toBeGreaterThanOrEqual(6)
        expect(result.rounds.length).toBeLessThanOrEqual(8)
        for (const round of result.rounds) {
          // Both arms of every paired round, raw.
          expect(round.order).toMatch(/^(serial|parallel)-first$/)
          expect(round.serialMs).toBeGreaterThan(0)
          expect(round.parallelMs).toBeGreaterThan(0)
          expect(round.serialBusyMs).toBeGreaterThan(0)
          expect(round.parallelBusyMs).toBeGreaterThan(0)
        }
        // ABBA: the order alternates.
        expect(new Set(result.rounds.map((r) => r.order)).size).toBe(2)
        expect(result.startupMs).toHaveLength(result.workers)
        expect(result.startupMs.every((ms) => ms > 0)).toBe(true)
        expect(result.roundTripMs).toBeGreaterThanOrEqual(0)
        const { speedup, low, high, confidence, efficiency } = result.estimate
        // Enough to re-derive the numbers: the estimate is the median paired log-ratio.
        expect(speedup).toBeCloseTo(speedupFromRounds(result.rounds), 10)
        expect(efficiency).toBeCloseTo(speedup / result.workers, 10)
        expect(low).toBeLessThanOrEqual(speedup)
        expect(high).toBeGreaterThanOrEqual(speedup)
        expect(confidence).toBeGreaterThanOrEqual(0.95)
        // No budget in these benches: measured, with a one-sentence reason (which says so when the
        // machine was too busy for the speedup to mean much).
        expect(result.verdict.status).toBe('MEASURED')
        const tooBusy = result.verdict.why.kind === 'too-loaded'
        expect(result.verdict.reason).toMatch(
          tooBusy ? /^The machine was busier than it can serve: .* is not judged\.$/ : /^Speedup .*; no budget set\.$/,
        )
      }
    }
    const compare = benchNamed(run, 'beta compare [threads vs processes]')
    expect(compare.results.map((r) => [r.model, r.workers])).toEqual([
      ['threads', 2],
      ['processes', 2],
    ])
    // Memory added per worker, one measure for both models: megabytes, not a thread's heap against a process's RSS.
    for (const result of compare.results) {
      expect(result.memoryBytes).toBeGreaterThan(2 * 2 ** 20)
      expect(result.memoryBytes).toBeLessThan(64 * 2 ** 20)
    }
  })

  it('prints one terminal report with every bench, the interval and the recommendation', () => {
    const [report, ...others] = reports(run)
    expect(others).toEqual([])
    expect(report).toMatch(/^CPU .* · \d+ cores? · \d+ effective$/m)
    for (const title of MAIN_TITLES) expect(report).toContain(`● ${title}`)
    // Beside the speedup, a bar of it against the ideal (plain characters: not a terminal).
    expect(report).toMatch(/^ {2}processes +2 +[\d.]+x \[[\d.]+–[\d.]+\] +[█▏▎▍▌▋▊▉·]{8} +[\d.]+x +MEASURED$/m)
    // Not a terminal: fitted to 100 columns, the other columns folded under each row.
    expect(report).toMatch(/^ {6}serial [\d.]+ (ms|s) · parallel [\d.]+ (ms|s) · efficiency \d+%/m)
    for (const line of (report ?? '').split('\n')) expect([...line].length).toBeLessThanOrEqual(100)
    expect(report).toMatch(/→ threads [\d.]+x vs processes [\d.]+x: /)
    expect(report).toContain('Legend')
  })

  it("puts a small summary of each result in the test's meta (Vitest's JSON and HTML reporters) and the result in annotations (JUnit)", () => {
    const tests = vitestJson.testResults.flatMap((file) => file.assertionResults)
    expect(tests.map((t) => t.title).sort()).toEqual([...MAIN_TITLES].sort())
    for (const test of tests) {
      expect(test.status).toBe('passed')
      // Each row of parallel-bench.json, rounded to three digits; the rounds stay out of the meta.
      const bench = benchNamed(run, test.title)
      const summary = test.meta.parallelBench
      expect(JSON.stringify(summary).length).toBeLessThan(150 * bench.results.length + 200)
      expect(summary?.rows.map((row) => [row.model, row.workers, row.verdict])).toEqual(
        bench.results.map((row) => [row.model, row.workers, row.verdict.status]),
      )
      summary?.rows.forEach((row, index) => {
        const speedup = bench.results[index]?.estimate.speedup ?? Number.NaN
        expect(Math.abs(row.speedup - speedup) / speedup).toBeLessThan(0.005)
      })
    }

    for (const title of MAIN_TITLES) {
      const bench = benchNamed(run, title)
      const testcase = new RegExp(
        `<testcase [^>]*name="${title.replace(/[[\]]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</testcase>`,
      ).exec(junit)
      expect(testcase, junit).not.toBeNull()
      const annotations = [...(testcase?.[1] ?? '').matchAll(/<property name="(\w+)" value="([^"]*)">/g)].map((p) => ({
        type: p[1],
        message: unescapeXml(p[2] ?? ''),
      }))
      // Per measured (model, workers), in order: its verdict and reason, then its warnings; last, the recommendation.
      const advice = recommendation(bench)
      expect(annotations).toEqual([
        ...bench.results.flatMap((r) => [
          { type: 'notice', message: `${r.model} ×${r.workers}: ${r.verdict.status} — ${r.verdict.reason}` },
          ...r.warnings.map((warning) => ({ type: 'warning', message: `${r.model} ×${r.workers}: ${warning}` })),
        ]),
        ...(advice === undefined ? [] : [{ type: 'notice', message: `→ ${advice}` }]),
        // Last, the chart (its SVG is the annotation's attachment, which JUnit leaves out).
        { type: 'notice', message: CHART_ANNOTATION },
      ])
    }
  })

  it('measures workers: [1, 2] as a scaling curve: one result per count, a table with Karp–Flatt and the Amdahl fit', () => {
    const curve = benchNamed(run, 'curve spin [threads]')
    expect(curve.options.workers).toEqual([1, 2])
    expect(curve.results.map((r) => [r.model, r.workers])).toEqual([
      ['threads', 1],
      ['threads', 2],
    ])
    for (const result of curve.results) {
      expect(result.rounds.length).toBeGreaterThanOrEqual(6)
      expect(result.startupMs).toHaveLength(result.workers)
    }

    const [report = ''] = reports(run)
    const section = report.slice(report.indexOf('● curve spin [threads]'))
    const table = lines(section.slice(section.indexOf('  threads scaling')))
    expect(table[0]).toBe('  threads scaling')
    expect(table[1]).toMatch(/^ {4}workers +speedup \[\d+(\.\d)?% CI\] +efficiency +Karp–Flatt$/)
    // The numbers in the table are the ones re-derived from the JSON.
    const [one, two] = curve.results as [JsonModelResult, JsonModelResult]
    expect(table[2]).toMatch(new RegExp(`^ +1 +${one.estimate.speedup.toFixed(2)}x \\[[\\d.]+–[\\d.]+\\] +\\d+% +–$`))
    const e = karpFlatt(two.estimate.speedup, 2)
    expect(table[3]).toMatch(
      new RegExp(`^ +2 +${two.estimate.speedup.toFixed(2)}x \\[[\\d.]+–[\\d.]+\\] +\\d+% +${e?.toFixed(3)}$`),
    )
    const f = amdahlSerialFraction(curve.results.map((r) => ({ workers: r.workers, speedup: r.estimate.speedup })))
    expect(table[4]).toMatch(new RegExp(`^ {4}Amdahl serial fraction ${f?.toFixed(3)}: `))
    expect(section).toMatch(/→ threads: /)
  })

  it('writes the HTML report (htmlFile): one self-contained page, every bench with its chart', () => {
    const html = run.html
    if (html === undefined) throw new Error(`no parallel-bench.html was written\n${run.output}`)
    expect(checkMarkup(html, ['meta', 'wbr']).problems).toEqual([])
    expect(new Set(absoluteUrls(html))).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(html).not.toContain('<script')
    const sections = html.split('<section ').slice(1)
    expect(sections).toHaveLength(MAIN_TITLES.length)
    for (const title of MAIN_TITLES) {
      const section = sections.find((s) => s.includes(`<h2>${escapeHtml(title)}</h2>`))
      expect(section, title).toBeDefined()
      expect(section).toContain('<svg ')
      expect(section).toContain('<td class="MEASURED">MEASURED</td>')
    }
    expect(html).toContain(`Vitest ${json(run).environment.vitest}`)
    expect(html).toMatch(/<p class="advice">→ threads [\d.]+x vs processes [\d.]+x: /)
  })
})

it('writes the JSON even when a bench fails, with the error and the other benches', async () => {
  const run = await runVitest(FIXTURE, ['failing'])
  expect(run.code, run.output).toBe(1)
  const doc = json(run)
  expect(doc.schema).toBe('vitest-parallel-bench/v1')
  expect(titles(doc)).toEqual(['still measured [threads]', 'throws [threads]'])
  const failed = benchNamed(run, 'throws [threads]')
  expect(failed.error).toEqual({
    code: 'TASK_FAILED',
    message: expect.stringContaining('boom from the reporting fixture'),
  })
  expect(failed.results).toEqual([])
  expect(failed.options).toMatchObject({ workers: [2], tasks: 4 })
  const measured = benchNamed(run, 'still measured [threads]')
  expect(measured.error).toBeUndefined()
  expect(measured.results[0]?.rounds.length).toBeGreaterThanOrEqual(6)
  expect(measured.results[0]?.verdict.status).toBe('MEASURED')
  // The terminal report has both, too.
  expect(run.stdout).toMatch(/^ {2}ERROR TASK_FAILED: benchThreads\("throws"\): boom from the reporting fixture$/m)
  expect(run.stdout).toContain('● still measured [threads]')
})

it('on GitHub Actions: warnings for FAIL (warn) and INCONCLUSIVE, a markdown table and a chart, nothing injectable', async () => {
  const summaryFile = join(tmp, 'step-summary.md')
  writeFileSync(summaryFile, 'written by an earlier step\n')
  const run = await runVitest(FIXTURE, ['github', 'curve'], {
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile },
  })
  expect(run.code, run.output).toBe(0)
  const missed = benchNamed(run, 'missed budget [threads]').results[0]
  expect(missed?.verdict.status, run.output).toBe('FAIL')
  const undecided = benchNamed(run, 'too few rounds [threads]').results[0]
  expect(undecided?.verdict.status).toBe('INCONCLUSIVE')
  // Stopped by time at the first look, too early for any interval: unbounded; JSON has no Infinity.
  expect(undecided?.estimate).toMatchObject({ low: 0, high: null })
  expect(undecided?.estimate.confidence).toBeGreaterThanOrEqual(0.95)
  expect(undecided?.warnings.join('\n')).toMatch(/stopped by the time budget \(0 ms\) after 5 rounds/)

  const commands = lines(run.stdout).filter((line) => line.startsWith('::'))
  expect(commands).toContain(
    `::warning file=github.bench.ts,title=missed budget [threads]::FAIL threads ×2, speedup ${missed?.estimate.speedup.toFixed(2)}x [${missed?.estimate.low.toFixed(2)}–${missed?.estimate.high.toFixed(2)}]: ${missed?.verdict.reason.replace(/%/g, '%25')}`,
  )
  const inconclusive = commands.find((c) =>
    c.startsWith('::warning file=github.bench.ts,title=too few rounds [threads]::'),
  )
  // Undecided either way: too few rounds for any interval, or (on a busy runner) too much load to correct.
  expect(inconclusive, run.stdout).toMatch(
    /::INCONCLUSIVE threads ×2, speedup [\d.]+x \[0\.00–∞\]: (Speedup [\d.]+x \(9\d(\.\d)?%25 CI 0\.00–∞x\)( on the CPU it got)? straddles minSpeedup 1\.2x|The machine was busier than it can serve: the parallel arm waited for a CPU \d+%25 )/,
  )

  // The bench named "50% off: a, b\n::error::pwned": its title is one escaped property.
  const hostile = benchNamed(run, 'pwned [threads]')
  expect(hostile.name).toBe('50% off: a, b\n::error::pwned')
  // No line of the whole run — ours or Vitest's own reporters', which print test titles as they are — starts a command it did not mean.
  const injected = lines(run.output).filter((line) => /^\s*::error/.test(line))
  expect(injected, 'a bench name started a workflow command line of its own').toEqual([])
  for (const line of lines(run.output)) {
    if (line.trimStart().startsWith('::')) expect(line).toMatch(/^::(warning|notice) file=[^,:\s]+,title=[^,:]+::\S/)
  }
  expect(commands.filter((c) => c.includes('pwned'))).toEqual([
    expect.stringMatching(
      /^::warning file=github\.bench\.ts,title=50%25 off%3A a%2C b %3A%3Aerror%3A%3Apwned \[threads\]::INCONCLUSIVE /,
    ),
  ])
  expect(commands).toHaveLength(3)

  const summary = readFileSync(summaryFile, 'utf8')
  // Appended, never overwritten.
  expect(summary.startsWith('written by an earlier step\n')).toBe(true)
  const markdown = summary.slice(summary.indexOf('## Parallel bench'))
  expect(markdown).toMatch(
    /^\| bench \| model \| workers \| speedup \[(?:[\d.]+% )?CI\] \| net vs inline \| efficiency \| startup\/worker \| round-trip\/task \| memory\/worker \| verdict \|$/m,
  )
  expect(markdown).toContain('| :-- | :-- | --: | --: | --: | --: | --: | --: | --: | :-- |')
  const rows = lines(markdown).filter(
    (line) => line.startsWith('| ') && !line.startsWith('| bench') && !line.startsWith('| :--'),
  )
  // One row per (bench, model, workers): 3 github benches + 2 points of the curve.
  expect(rows).toHaveLength(5)
  expect(rows.every((row) => row.split(/(?<!\\)\|/).length === 12)).toBe(true)
  expect(markdown).toMatch(
    /^\| missed budget \\\[threads\\\] \| threads \| 2 \| [\d.]+x \[[\d.]+–[\d.]+\](?: \([\d.]+%\))? \|.*\| ❌ FAIL ≥1\.95x \(warn\) \|$/m,
  )
  expect(markdown).toMatch(
    /^\| too few rounds \\\[threads\\\] \| threads \| 2 \| [\d.]+x \[0\.00–∞\](?: \([\d.]+%\))? \|.*\| ⚠️ INCONCLUSIVE ≥1\.20x \|$/m,
  )
  expect(markdown).toMatch(/^\| 50% off: a, b ::error::pwned \\\[threads\\\] \| threads \| 2 \| /m)
  expect(markdown).not.toMatch(/^::/m)
  // The scaling curve as a mermaid chart: measured bars with their intervals, the ideal, the Amdahl fit.
  expect(markdown).toMatch(
    /```mermaid\n%%\{init: .*\}%%\nxychart-beta\n {4}title "curve spin threads: speedup vs workers"\n {4}x-axis "workers \[interval\]" \["1 \([\d.]+–[\d.]+\)", "2 \([\d.]+–[\d.]+\)"\]\n {4}y-axis "speedup \(x\)" 0 --> \d+\n {4}bar \[[\d.]+, [\d.]+\]\n {4}line \[1, 2\]\n {4}line \[[\d.]+, [\d.]+\]\n```/,
  )
  // Every measured bench has its charts, the rounds folded.
  expect(markdown.match(/title "[^"]*: batch time per round"/g)).toHaveLength(4)
  expect(markdown.match(/<details><summary>Batch time per round<\/summary>/g)).toHaveLength(4)
  expect(markdown).toMatch(/Amdahl serial fraction [\d.]+/)
})

it('merges two shards (blob reports) into one terminal report and one JSON with every bench', async () => {
  const blobs = join(tmp, 'blobs')
  const shards: VitestRun[] = []
  for (const index of [1, 2]) {
    const shard = await runVitest(FIXTURE, [
      ...MAIN_FILES,
      `--shard=${index}/2`,
      '--reporter=blob',
      `--outputFile=${join(blobs, `blob-${index}.json`)}`,
    ])
    expect(shard.code, shard.output).toBe(0)
    // Only a machine reporter was chosen: our report stays out of the way too (the JSON is still written).
    expect(shard.stdout).not.toContain('Parallel bench  Node')
    shards.push(shard)
  }
  expect(readdirSync(blobs).sort()).toEqual(['blob-1.json', 'blob-2.json'])
  // Each bench's chart travels in the blob as its annotation's attachment: an SVG, base64, naming the bench.
  const blobText = readdirSync(blobs)
    .map((file) => readFileSync(join(blobs, file), 'utf8'))
    .join('\n')
  const charts = [...blobText.matchAll(/"(PHN2Zy[A-Za-z0-9+/]+=*)"/g)].map(([, body]) =>
    Buffer.from(body ?? '', 'base64').toString('utf8'),
  )
  expect(blobText).toContain('image/svg+xml')
  expect(blobText).toContain(CHART_ANNOTATION)
  for (const title of MAIN_TITLES) {
    expect(
      charts.filter((svg) => svg.startsWith('<svg ') && svg.includes(`>${escapeHtml(title)}</text>`)),
    ).toHaveLength(1)
  }
  // Each shard measured a part of the benches, together all of them, none twice.
  const parts = shards.map((shard) => titles(json(shard)))
  expect(
    parts.every((part) => part.length > 0),
    parts.join(' | '),
  ).toBe(true)
  expect(parts.flat().sort()).toEqual([...MAIN_TITLES].sort())

  const merged = await runVitest(FIXTURE, [`--merge-reports=${blobs}`])
  expect(merged.code, merged.output).toBe(0)
  const doc = json(merged)
  expect(doc.schema).toBe('vitest-parallel-bench/v1')
  expect(titles(doc)).toEqual([...MAIN_TITLES].sort())
  // The merged JSON holds the very measurements of the shards, raw rounds included.
  for (const shard of shards) {
    for (const bench of json(shard).benches) expect(benchNamed(merged, bench.fullName)).toEqual(bench)
  }
  const [report, ...others] = reports(merged)
  expect(others).toEqual([])
  for (const title of MAIN_TITLES) expect(report?.split(`● ${title}`)).toHaveLength(2)
  // The merged HTML report has every shard's bench, charts drawn from the merged results.
  expect(merged.html?.match(/<svg /g)).toHaveLength(MAIN_TITLES.length)
  expect(report).toContain('threads scaling')
  // The blobs went where --outputFile said, not to a line's default folder (.vitest-reports on 4, .vitest/blob on 5).
  expect(existsSync(join(fixture(FIXTURE), '.vitest-reports'))).toBe(false)
  expect(existsSync(join(fixture(FIXTURE), '.vitest', 'blob'))).toBe(false)
})
