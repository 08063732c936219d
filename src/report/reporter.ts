// The Vitest reporter: collects every bench result from its test artifact
// and, at the end of the run, prints the terminal report, writes the JSON and the
// GitHub outputs. The only file of the reporting layer that does I/O.
import { appendFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import picocolors from 'picocolors'
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node'
import { machineCurves, serialFractionVerdict } from '../analysis/machines.js'
import { environmentInfo } from '../machine/environment.js'
import {
  type BenchResult,
  type EnvironmentInfo,
  type ModelResult,
  RESULT_ARTIFACT,
  type RegressionComparison,
} from '../types.js'
import { annotationCommands, stepSummaryMarkdown } from './github.js'
import { htmlReport } from './html.js'
import { jsonReport, writeJsonReport, writeJsonReportSync } from './json.js'
import { curveTitle, serialFractionFailure, serialFractionVerdictText } from './summary/machines.js'
import { renderReport } from './terminal.js'
import { writeFileAtomically } from './write-file.js'

export interface ParallelBenchReporterOptions {
  /** Write the JSON report here, relative to the Vitest root. @default none */
  outputFile?: string | undefined
  /** Write the self-contained HTML report (every bench with its chart) here, relative to the Vitest root. @default none */
  htmlFile?: string | undefined
  /** Print GitHub annotations and append markdown to `GITHUB_STEP_SUMMARY`. @default false */
  github?: boolean | undefined
  /** The level forced by `VITEST_PARALLEL_BENCH_LEVEL`, shown in every report. @default none */
  levelOverride?: string | undefined
  /** Colour the terminal report. @default picocolors' detection (TTY, NO_COLOR, FORCE_COLOR) */
  colors?: boolean | undefined
  /** Every column of the table in one row, however wide. @default false */
  verbose?: boolean | undefined
  /** The legend under the terminal report: on the first report only (`'once'`: not on watch reruns), every time, or never. @default 'once' */
  legend?: boolean | 'once' | undefined
  /** Report only the benches of these projects (each config that declares the plugin has its own). @default every project */
  projects?: string[] | undefined
  /** Columns to fit, at most 100. @default the terminal's width, else 100 */
  width?: number | undefined
  /** Fail the run when a curve across machines fits a serial fraction above this, interval and all. @default none */
  maxSerialFraction?: number | undefined
}

// The parts of a Vitest TestCase this reporter reads (so tests can pass plain objects).
type ReportedTestCase = Pick<TestCase, 'id' | 'meta'> &
  Partial<Pick<TestCase, 'artifacts'>> & {
    project?: { name: string } | undefined
  }
type ReportedTestModule = { children: { allTests(): Iterable<ReportedTestCase> } }
type ReporterVitest = {
  config: { root: string; reporters?: unknown }
  logger?: { log(message: string): void } | undefined
  version?: string | undefined
}

/** Narrows `meta().parallelBench` to a `BenchResult` without trusting its shape. */
export function isBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Record<keyof BenchResult, unknown>>
  return (
    candidate.schema === 1 &&
    typeof candidate.name === 'string' &&
    typeof candidate.fullName === 'string' &&
    typeof candidate.file === 'string' &&
    (candidate.kind === 'async' ||
      candidate.kind === 'threads' ||
      candidate.kind === 'processes' ||
      candidate.kind === 'compare') &&
    typeof candidate.options === 'object' &&
    candidate.options !== null &&
    Array.isArray(candidate.results)
  )
}

/**
 * Undoes what serialization did to a result: JSON (and so Vitest's blob reports, read back
 * by `--merge-reports`) turns an unbounded interval's `high: Infinity` into `null`, which
 * would read as 0 in every comparison. A copy: the test's own `meta` is left as it is.
 */
export function reviveBenchResult(bench: BenchResult): BenchResult {
  const unbounded = (interval: { high: number | null } | undefined): boolean => interval?.high === null
  const revive = <T extends { high: number }>(interval: T): T =>
    unbounded(interval as { high: number | null }) ? { ...interval, high: Number.POSITIVE_INFINITY } : interval
  const compared = (r: ModelResult): RegressionComparison | undefined =>
    r.regression?.status === 'NEW' ? undefined : r.regression
  const changed = (r: ModelResult): boolean =>
    unbounded(r.estimate) || unbounded(r.netInterval) || unbounded(r.onCpuGot) || unbounded(compared(r))
  if (!bench.results.some(changed) && !unbounded(bench.ranking) && !(bench.rankings ?? []).some(unbounded)) return bench
  return {
    ...bench,
    ...(bench.ranking === undefined ? {} : { ranking: revive(bench.ranking) }),
    ...(bench.rankings === undefined ? {} : { rankings: bench.rankings.map(revive) }),
    results: bench.results.map((r) => {
      const regression = compared(r)
      return {
        ...r,
        estimate: revive(r.estimate),
        ...(r.netInterval === undefined ? {} : { netInterval: revive(r.netInterval) }),
        ...(r.onCpuGot === undefined ? {} : { onCpuGot: revive(r.onCpuGot) }),
        ...(regression === undefined ? {} : { regression: revive(regression) }),
      }
    }),
  }
}

/** Vitest's reporters that print nothing for a person to read in the terminal: files, CI commands, TAP. */
const MACHINE_REPORTERS = new Set([
  'blob',
  'json',
  'junit',
  'html',
  'tap',
  'tap-flat',
  'github-actions',
  'hanging-process',
])

/**
 * Whether the user sees a terminal report: some reporter other than ours is not a machine one
 * (a custom reporter counts as a terminal one). With only `--reporter=blob` / `html` / `json`, ours stays quiet too.
 */
export function showsTerminalReport(reporters: unknown, ours: string): boolean {
  if (!Array.isArray(reporters)) return true
  const names = reporters.map((entry: unknown) => (Array.isArray(entry) ? entry[0] : entry))
  const others = names.filter((name) => name !== ours)
  return others.length === 0 || others.some((name) => typeof name !== 'string' || !MACHINE_REPORTERS.has(name))
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export default class ParallelBenchReporter implements Reporter {
  readonly #options: ParallelBenchReporterOptions
  #vitest: ReporterVitest | undefined
  // Keyed by test id and machine label: a retried or re-reported test keeps one (the latest) result,
  // and the same test merged from several machines' blobs keeps one per machine (Vitest 4 gives
  // them one id; Vitest 5 tells them apart by VITEST_BLOB_LABEL).
  readonly #results = new Map<string, BenchResult>()
  #interrupted = false

  constructor(options: ParallelBenchReporterOptions = {}) {
    this.#options = options
  }

  // Set once the legend was printed: `legend: 'once'` leaves it out of watch reruns.
  #legendShown = false
  #terminal = true

  onInit(vitest: Vitest | ReporterVitest): void {
    this.#vitest = vitest
    this.#results.clear()
    this.#terminal = showsTerminalReport(vitest.config.reporters, fileURLToPath(import.meta.url))
    this.#listen()
  }

  /** Until the run ends: a watch-mode rerun listens again (onTestRunStart). */
  #listen(): void {
    this.#stopListening()
    this.#interrupted = false
    process.once('SIGINT', this.#onInterrupt)
    process.once('SIGTERM', this.#onInterrupt)
  }

  /**
   * Ctrl-C / SIGTERM: Vitest exits from its own signal handler without ending the run, so no
   * onTestRunEnd comes. Say so, and report (terminal and JSON, synchronously: the process ends
   * right after) the benches that completed; the ones still running were stopped unmeasured.
   */
  readonly #onInterrupt = (signal: NodeJS.Signals): void => {
    this.#stopListening()
    this.#interrupted = true
    try {
      const results = this.#sortedResults()
      const environment = this.#environment()
      const outputFile = this.#options.outputFile
      if (outputFile !== undefined && outputFile !== '' && results.length > 0) {
        const root = this.#vitest?.config.root ?? process.cwd()
        const meta = {
          levelOverride: this.#options.levelOverride,
          generatedAt: new Date().toISOString(),
          interrupted: signal,
        }
        writeJsonReportSync(resolve(root, outputFile), jsonReport(results, environment, meta))
      }
      // Quiet where the terminal report is (machine-readable reporters own stdout).
      if (this.#terminal) {
        const completed = results.length === 1 ? '1 bench completed' : `${results.length} benches completed`
        this.#log(
          `\nParallel bench: the run was interrupted (${signal}); ${completed} before it${results.length > 0 ? ' (below)' : ''}. Benches still running were stopped and not measured.`,
        )
        if (results.length > 0) this.#log(`\n${this.#render(results, environment)}\n`)
      }
    } catch (error) {
      this.#log(`[vitest-parallel-bench] could not report the interrupted run: ${errorMessage(error)}`)
    }
    // Without Vitest's own handler (a programmatic run), the signal must still end the process.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }

  #stopListening(): void {
    process.off('SIGINT', this.#onInterrupt)
    process.off('SIGTERM', this.#onInterrupt)
  }

  /** Run order within a file, files grouped (files may finish in any order). */
  #sortedResults(): BenchResult[] {
    const results = [...this.#results.values()]
    const fileOrder = [...new Set(results.map((r) => r.file))]
    return results.sort((a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file))
  }

  /** The machine that measured (merged shards report it, not the one merging). */
  #environment(): EnvironmentInfo {
    const measured = [...this.#results.values()].find((bench) => bench.environment !== undefined)?.environment
    return measured ?? environmentInfo(this.#vitest?.version)
  }

  #render(results: BenchResult[], environment: EnvironmentInfo): string {
    const colors = picocolors.createColors(this.#options.colors ?? picocolors.isColorSupported)
    const width = this.#options.width ?? (process.stdout.isTTY ? process.stdout.columns : undefined)
    const { levelOverride, verbose } = this.#options
    return renderReport(results, environment, colors, {
      levelOverride,
      width,
      verbose,
      legend: this.#options.legend !== false,
    })
  }

  // Watch mode: each run reports its own benches.
  onTestRunStart(): void {
    this.#results.clear()
    this.#listen()
  }

  onTestCaseResult(testCase: TestCase | ReportedTestCase): void {
    this.#collect(testCase)
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule | ReportedTestModule> = []): Promise<void> {
    this.#stopListening()
    // Reported already, when the signal came (a run end that still arrives would print it twice).
    if (this.#interrupted) return
    // A safety net: results that did not arrive through onTestCaseResult are still in the modules.
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) this.#collect(testCase)
    }
    const results = this.#sortedResults()
    if (results.length === 0) return

    // Every step runs even when an earlier one failed; the failures are thrown together at the end.
    const failures: { what: string; error: unknown }[] = []
    const attempt = async (what: string, step: () => unknown): Promise<void> => {
      try {
        await step()
      } catch (error) {
        failures.push({ what, error })
      }
    }
    const levelOverride = this.#options.levelOverride
    let env: EnvironmentInfo | undefined
    await attempt('read the environment', () => {
      env = this.#environment()
    })
    const environment = env ?? {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpu: 'unknown CPU',
      cores: 0,
      effectiveCores: 0,
      vitest: this.#vitest?.version ?? 'unknown',
    }

    // The JSON first: it must be written whatever else fails (and also when tests failed).
    const root = this.#vitest?.config.root ?? process.cwd()
    const generatedAt = new Date().toISOString()
    const outputFile = this.#options.outputFile
    if (outputFile !== undefined && outputFile !== '') {
      const doc = jsonReport(results, environment, { levelOverride, generatedAt })
      await attempt(`write ${outputFile}`, () => writeJsonReport(resolve(root, outputFile), doc))
    }
    const htmlFile = this.#options.htmlFile
    if (htmlFile !== undefined && htmlFile !== '') {
      await attempt(`write ${htmlFile}`, () =>
        writeFileAtomically(resolve(root, htmlFile), htmlReport(results, environment, { levelOverride, generatedAt })),
      )
    }

    if (this.#terminal) {
      await attempt('print the report', () => {
        const colors = picocolors.createColors(this.#options.colors ?? picocolors.isColorSupported)
        const width = this.#options.width ?? (process.stdout.isTTY ? process.stdout.columns : undefined)
        const verbose = this.#options.verbose
        const option = this.#options.legend ?? 'once'
        const legend = option === true || (option === 'once' && !this.#legendShown)
        const maxSerialFraction = this.#options.maxSerialFraction
        const options = { levelOverride, width, verbose, legend, maxSerialFraction }
        this.#log(`\n${renderReport(results, environment, colors, options)}\n`)
        this.#legendShown ||= legend
      })
    }

    if (this.#options.github === true) {
      await attempt('print GitHub annotations', () => {
        const commands = annotationCommands(results)
        if (commands.length > 0) this.#log(commands.join('\n'))
      })
      const summaryFile = process.env.GITHUB_STEP_SUMMARY
      if (summaryFile !== undefined && summaryFile !== '') {
        await attempt('append to GITHUB_STEP_SUMMARY', () =>
          appendFile(
            summaryFile,
            stepSummaryMarkdown(results, environment, {
              levelOverride,
              maxSerialFraction: this.#options.maxSerialFraction,
            }),
            'utf8',
          ),
        )
      }
    }

    const [first] = failures
    if (first !== undefined) {
      const summary = failures.map(({ what, error }) => `could not ${what}: ${errorMessage(error)}`).join('; ')
      throw new Error(`[vitest-parallel-bench] ${summary}`, { cause: first.error })
    }
    // After every report is out: the gate fails the run, it does not hide what was measured.
    const gate = this.#gate(results)
    if (gate !== undefined) throw gate
  }

  #collect(testCase: ReportedTestCase): void {
    const projects = this.#options.projects
    if (projects !== undefined && testCase.project !== undefined && !projects.includes(testCase.project.name)) return
    // The whole result is an artifact; meta holds it only while running (or from an older version's blob).
    const artifact = testCase.artifacts?.().find((recorded) => recorded.type === RESULT_ARTIFACT)
    const meta: object = testCase.meta()
    const result =
      artifact !== undefined && 'result' in artifact
        ? artifact.result
        : 'parallelBench' in meta
          ? meta.parallelBench
          : undefined
    if (!isBenchResult(result)) return
    const label = result.environment?.label
    this.#results.set(label === undefined ? testCase.id : `${testCase.id}\u0000${label}`, reviveBenchResult(result))
  }

  /** The `maxSerialFraction` gate on every curve across machines: the error to fail the run with, if any failed. */
  #gate(results: readonly BenchResult[]): Error | undefined {
    const max = this.#options.maxSerialFraction
    if (max === undefined) return undefined
    const failed = machineCurves(results)
      .filter((curve) => serialFractionVerdict(curve, max) === 'FAIL')
      .map((curve) => `${curveTitle(curve)}: ${serialFractionVerdictText(curve, max, 'FAIL')}`)
    return failed.length === 0 ? undefined : new Error(`[vitest-parallel-bench] ${serialFractionFailure(failed)}`)
  }

  #log(message: string): void {
    if (this.#vitest?.logger !== undefined) this.#vitest.logger.log(message)
    else process.stdout.write(`${message}\n`)
  }
}
