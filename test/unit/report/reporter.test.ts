import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, test, vi } from 'vitest'
import ParallelBenchReporter, {
  isBenchResult,
  reviveBenchResult,
  showsTerminalReport,
} from '../../../src/report/reporter.js'
import type { BenchResult } from '../../../src/types.js'
import { erroredBench, failingBench, scalingBench, threadsWinCompare } from '../../support/synthetic-results.js'

// Only what the reporter reads of Vitest's objects.
function fakeVitest(root: string) {
  const logs: string[] = []
  return {
    logs,
    vitest: { config: { root }, logger: { log: (message: string) => logs.push(message) }, version: '4.1.12' },
  }
}
function testCase(id: string, meta: Record<string, unknown>) {
  return { id, meta: () => meta }
}
const benchCase = (id: string, bench: BenchResult) => testCase(id, { parallelBench: bench })

describe('ParallelBenchReporter', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'parallel-bench-reporter-'))
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await rm(root, { recursive: true, force: true })
  })

  test('writes the JSON relative to the root, also when a bench errored, and prints the report', async () => {
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'reports/parallel-bench.json', colors: false })
    reporter.onInit(vitest)
    reporter.onTestRunStart()
    reporter.onTestCaseResult(benchCase('t1', threadsWinCompare()))
    reporter.onTestCaseResult(benchCase('t2', erroredBench()))
    reporter.onTestCaseResult(testCase('t3', {})) // an ordinary test
    await reporter.onTestRunEnd([])

    const doc = JSON.parse(await readFile(join(root, 'reports', 'parallel-bench.json'), 'utf8'))
    expect(doc.schema).toBe('vitest-parallel-bench/v1')
    expect(doc.environment.vitest).toBe('4.1.12')
    expect(typeof doc.environment.effectiveCores).toBe('number')
    expect(doc.benches.map((b: BenchResult) => b.name)).toEqual(['sha256 of 1 MiB chunks', 'broken parser'])
    expect(doc.benches[1].error.code).toBe('TASK_FAILED')
    expect(doc).not.toHaveProperty('levelOverride')

    expect(logs).toHaveLength(1)
    const [report] = logs as [string]
    expect(report).toContain('● sha256 of 1 MiB chunks [threads vs processes]')
    expect(report).toContain('ERROR TASK_FAILED: fn threw')
    expect(report).not.toContain('\u001b[')
  })

  test("legend 'once' (the default): a watch rerun prints the report without the legend; true: every run; false: never", async () => {
    const legends = async (legend: boolean | 'once' | undefined): Promise<boolean[]> => {
      const { logs, vitest } = fakeVitest(root)
      const reporter = new ParallelBenchReporter({ colors: false, ...(legend === undefined ? {} : { legend }) })
      reporter.onInit(vitest)
      for (let run = 0; run < 2; run++) {
        reporter.onTestRunStart()
        reporter.onTestCaseResult(benchCase('t1', threadsWinCompare()))
        await reporter.onTestRunEnd([])
      }
      expect(logs.every((log) => log.includes('● sha256 of 1 MiB chunks'))).toBe(true)
      return logs.map((log) => log.includes('\nLegend\n'))
    }
    expect(await legends(undefined)).toEqual([true, false])
    expect(await legends('once')).toEqual([true, false])
    expect(await legends(true)).toEqual([true, true])
    expect(await legends(false)).toEqual([false, false])
  })

  test('prints nothing when the user chose only machine reporters; the JSON is still written', async () => {
    const ours = '/x/node_modules/vitest-parallel-bench/dist/report/reporter.js'
    expect(
      showsTerminalReport(
        [
          ['blob', {}],
          [ours, {}],
        ],
        ours,
      ),
    ).toBe(false)
    expect(
      showsTerminalReport(
        [
          ['html', {}],
          ['json', { outputFile: 'r.json' }],
          [ours, {}],
        ],
        ours,
      ),
    ).toBe(false)
    expect(
      showsTerminalReport(
        [
          ['default', {}],
          ['blob', {}],
          [ours, {}],
        ],
        ours,
      ),
    ).toBe(true)
    expect(
      showsTerminalReport(
        [
          ['./my-reporter.ts', {}],
          [ours, {}],
        ],
        ours,
      ),
    ).toBe(true)
    expect(
      showsTerminalReport(
        [
          [{ onInit() {} }, {}],
          [ours, {}],
        ],
        ours,
      ),
    ).toBe(true)

    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'parallel-bench.json', colors: false })
    reporter.onInit({ ...vitest, config: { ...vitest.config, reporters: [['blob', {}]] } })
    reporter.onTestCaseResult(benchCase('t1', threadsWinCompare()))
    await reporter.onTestRunEnd([])
    expect(logs).toEqual([])
    expect(JSON.parse(await readFile(join(root, 'parallel-bench.json'), 'utf8')).benches).toHaveLength(1)
  })

  test('writes the HTML report relative to the root, atomically, next to the JSON', async () => {
    const { vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({
      outputFile: 'parallel-bench.json',
      htmlFile: 'reports/parallel-bench.html',
      levelOverride: 'warn',
      colors: false,
    })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', threadsWinCompare()))
    reporter.onTestCaseResult(benchCase('t2', scalingBench()))
    await reporter.onTestRunEnd([])

    // No temporary file left behind.
    expect(await readdir(join(root, 'reports'))).toEqual(['parallel-bench.html'])
    const html = await readFile(join(root, 'reports', 'parallel-bench.html'), 'utf8')
    const doc = JSON.parse(await readFile(join(root, 'parallel-bench.json'), 'utf8'))
    // One report, two views: the same moment and the same benches.
    expect(html).toContain(`Generated ${doc.generatedAt}`)
    expect(html.match(/<section /g)).toHaveLength(2)
    expect(html.match(/<svg /g)).toHaveLength(2)
    expect(html).toContain('Level overridden to &#39;warn&#39;')
  })

  test('an HTML report that cannot be written still leaves the JSON, then rejects naming the file', async () => {
    await writeFile(join(root, 'blocker'), '')
    const { vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'out.json', htmlFile: 'blocker/out.html', colors: false })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', threadsWinCompare()))
    await expect(reporter.onTestRunEnd([])).rejects.toThrow(/could not write blocker\/out\.html/)
    expect(JSON.parse(await readFile(join(root, 'out.json'), 'utf8')).benches).toHaveLength(1)
  })

  test('prints and writes nothing when no bench ran', async () => {
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'parallel-bench.json', github: true })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(testCase('t1', { other: 1 }))
    await reporter.onTestRunEnd([])
    expect(logs).toEqual([])
    expect(await readdir(root)).toEqual([])
  })

  test('keeps one result per test, ignores malformed meta, and collects from the modules too', async () => {
    const { vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'out.json', colors: false })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', failingBench('error')))
    reporter.onTestCaseResult(benchCase('t1', failingBench('warn'))) // a retry: the latest wins
    reporter.onTestCaseResult(testCase('t2', { parallelBench: { schema: 2, name: 'future' } }))
    const moduleOnly = {
      children: { allTests: () => [benchCase('t3', scalingBench()), benchCase('t1', failingBench('warn'))] },
    }
    await reporter.onTestRunEnd([moduleOnly])
    const doc = JSON.parse(await readFile(join(root, 'out.json'), 'utf8'))
    expect(doc.benches.map((b: BenchResult) => [b.name, b.options.level])).toEqual([
      ['gzip blocks', 'warn'],
      ['mandelbrot rows', 'error'],
    ])
  })

  test('a new run starts empty (watch mode)', async () => {
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ colors: false })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', scalingBench()))
    reporter.onTestRunStart()
    await reporter.onTestRunEnd([])
    expect(logs).toEqual([])
  })

  test('github: prints annotation commands and appends markdown to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(root, 'summary.md')
    await writeFile(summary, 'earlier step\n')
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary)
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ github: true, colors: false, levelOverride: 'warn' })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', failingBench('warn')))
    await reporter.onTestRunEnd([])
    expect(logs).toHaveLength(2)
    expect(logs[0]).toContain("Level overridden to 'warn'")
    expect(logs[1]).toBe(
      '::warning file=bench/hash.bench.ts,title=gzip blocks [processes]::FAIL processes ×2, speedup 1.21x [1.15–1.27]: Speedup 1.21x (95%25 CI 1.15–1.27x) is below minSpeedup 1.6x.',
    )
    const markdown = await readFile(summary, 'utf8')
    expect(markdown.startsWith('earlier step\n## Parallel bench\n')).toBe(true)
    expect(markdown).toContain('| gzip blocks \\[processes\\] | processes | 2 |')
  })

  test('without github, no annotations and no summary', async () => {
    const summary = join(root, 'summary.md')
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary)
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ colors: false })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', failingBench('error')))
    await reporter.onTestRunEnd([])
    expect(logs).toHaveLength(1)
    expect(await readdir(root)).toEqual([])
  })

  test('a JSON that cannot be written still lets the report print, then rejects naming the file', async () => {
    await writeFile(join(root, 'blocker'), '')
    const { logs, vitest } = fakeVitest(root)
    const reporter = new ParallelBenchReporter({ outputFile: 'blocker/out.json', colors: false })
    reporter.onInit(vitest)
    reporter.onTestCaseResult(benchCase('t1', erroredBench()))
    await expect(reporter.onTestRunEnd([])).rejects.toThrow(/could not write blocker\/out\.json/)
    expect(logs).toHaveLength(1)
  })
})

describe('isBenchResult', () => {
  test('accepts a BenchResult and rejects other shapes', () => {
    expect(isBenchResult(threadsWinCompare())).toBe(true)
    expect(isBenchResult(erroredBench())).toBe(true)
    expect(isBenchResult(undefined)).toBe(false)
    expect(isBenchResult({ ...threadsWinCompare(), schema: 2 })).toBe(false)
    expect(isBenchResult({ ...threadsWinCompare(), results: 'none' })).toBe(false)
  })
})

describe('reviveBenchResult', () => {
  it("turns JSON's null back into an unbounded interval end: estimates, net intervals and the ranking", () => {
    const bench = threadsWinCompare()
    const [first] = bench.results
    if (first === undefined || bench.ranking === undefined) throw new Error('fixture changed')
    first.estimate = { ...first.estimate, low: 0, high: Number.POSITIVE_INFINITY }
    first.netInterval = { low: 0, high: Number.POSITIVE_INFINITY }
    bench.ranking = { ...bench.ranking, low: 0, high: Number.POSITIVE_INFINITY }
    const read = JSON.parse(JSON.stringify(bench)) as BenchResult
    expect(read.ranking?.high).toBeNull()
    const revived = reviveBenchResult(read)
    expect(revived.results[0]?.estimate.high).toBe(Number.POSITIVE_INFINITY)
    expect(revived.results[0]?.netInterval?.high).toBe(Number.POSITIVE_INFINITY)
    expect(revived.ranking?.high).toBe(Number.POSITIVE_INFINITY)
    // A copy: what was read stays as it was.
    expect(read.ranking?.high).toBeNull()
    expect(reviveBenchResult(threadsWinCompare())).toEqual(threadsWinCompare())
  })
})
