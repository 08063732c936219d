// parallelBench(): a Vite plugin that gives Vitest a project of its own for
// bench files — one file at a time, after every other test (so unit tests do
// not steal the CPU being measured) — serves that project's modules to the
// bench workers, and adds the parallel-bench reporter.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import type { TestProject, TestSequencerConstructor, TestSpecification, Vitest } from 'vitest/node'
import type { BaselineSnapshot } from '../contracts/baseline.js'
import {
  COMPARE_WITH_ENV,
  LEVEL_ENV,
  type ParallelBenchPluginOptions,
  PROVIDE_KEY,
  type ProvidedSettings,
} from '../contracts/options.js'
import { benchDefaults, checkCompareWith, validatePluginOptions } from '../host/options.js'
import type { ParallelBenchReporterOptions } from '../report/reporter.js'
import { readBaseline } from './baseline-file.js'
import {
  type BenchFiles,
  DEFAULT_EXCLUDE,
  DEFAULT_INCLUDE,
  excludePatterns,
  findBenchFiles,
  ownedFiles,
} from './bench-files.js'
import {
  type ModuleSource,
  viteModuleRunnerUrl,
  vitestModuleSource,
  vitestRuntimeUrl,
  workerModuleAnswer,
} from './bench-modules.js'
import { benchProjectConfig } from './bench-project.js'
import { type ModuleServer, startModuleServer } from './module-server.js'
import {
  addProjects,
  allowNoTests,
  dropProjects,
  isBenchmarkClone,
  isVitest4BenchCommand,
  NO_BENCHMARK_CLONE,
  rootProject,
  siblingProject,
} from './vitest-compat.js'

export type { ParallelBenchPluginOptions } from '../contracts/options.js'

export const PROJECT_NAME = 'parallel-bench'

/**
 * configureVitest runs once per project that carries the plugin, concurrently, and a config may
 * bundle its own copy of this module: the run's state lives on the root's Vite server, under a global symbol.
 */
const RUN = Symbol.for('vitest-parallel-bench/run')
const CLAIMED = Symbol.for('vitest-parallel-bench/configured')

/** What every config that declares the plugin shares in one Vitest run. */
interface RunState {
  /** The configs that declared the plugin (one bench project each), with the folder each holds. */
  declared: Map<string, string>
  /** Our bench projects. */
  projects: Set<TestProject>
  /** Module sources of our bench projects, by project name, for the one module server. */
  sources: Map<string, ModuleSource>
  /** The bench files each declaring config finds in its folder, in the order they claimed. */
  found: Map<string, Promise<BenchFiles>>
  moduleServer?: Promise<ModuleServer>
}

function runState(vitest: Vitest): RunState {
  // On the root's Vite server, not on Vitest: a watch-mode restart (a config edit) keeps Vitest and
  // makes a new server, and every config must claim its bench project again.
  const holder = vitest.vite as Vitest['vite'] & { [RUN]?: RunState }
  holder[RUN] ??= { declared: new Map(), projects: new Set(), sources: new Map(), found: new Map() }
  return holder[RUN]
}

/** Whether `configFile` is the first to claim a bench project in this run (for its folder `dir`). */
function claim(state: RunState, configFile: string, dir: string): boolean {
  if (state.declared.has(configFile)) return false
  state.declared.set(configFile, dir)
  ;(globalThis as { [CLAIMED]?: true })[CLAIMED] = true
  return true
}

/** The files in `configFile`'s folder that are its own, not those of a nested config that declares the plugin too. */
async function ownFiles(state: RunState, configFile: string): Promise<string[]> {
  const found = await state.found.get(configFile)
  const dir = state.declared.get(configFile)
  return found === undefined || dir === undefined ? [] : ownedFiles(found.ours, dir, [...state.declared.values()])
}

/** The config whose report carries the run's one legend: the first to claim that has benches of its own. */
async function legendOwner(state: RunState): Promise<string | undefined> {
  const configs = [...state.declared.keys()]
  const counts = await Promise.all(configs.map(async (config) => (await ownFiles(state, config)).length))
  return configs[counts.findIndex((count) => count > 0)] ?? configs[0]
}

/** One module server for every bench project of the run, closed with Vitest. */
function moduleServerOf(vitest: Vitest, state: RunState): Promise<ModuleServer> {
  if (state.moduleServer === undefined) {
    state.moduleServer = startModuleServer(workerModuleAnswer((name) => state.sources.get(name)))
    const started = state.moduleServer
    vitest.onClose(async () => (await started).close())
  }
  return state.moduleServer
}

/** Whether this process's Vitest called the plugin at all (a --project filter can leave it out). */
function claimedInProcess(): boolean {
  return (globalThis as { [CLAIMED]?: true })[CLAIMED] === true
}

const FILTERED_OUT =
  `vitest-parallel-bench: the --project filter leaves out the "${PROJECT_NAME}" project, so no parallel bench runs; ` +
  `add --project ${PROJECT_NAME} to run them.`

/** An entry of `test.projects` that is our stand-in (declared by this plugin's `config` hook). */
function isStandInEntry(entry: unknown): boolean {
  return (entry as { test?: { name?: unknown } } | null)?.test?.name === PROJECT_NAME
}

/** Our stand-in under `test.projects`, or Vitest 5's "(bench)" clone of it: never one of our bench projects. */
function isStandIn(project: TestProject, state: RunState): boolean {
  if (state.projects.has(project)) return false
  return project.name === PROJECT_NAME || (isBenchmarkClone(project) && project.name.startsWith(`${PROJECT_NAME} `))
}

function projectDir(project: TestProject): string {
  return project.config.dir || project.config.root
}

/**
 * Bench files go last, whatever the other projects' groups and maxWorkers: our project sits in
 * Vitest's trailing sequential group (isolate, groupOrder 0, one worker), and inside that group
 * this sequencer puts its files after everyone else's.
 */
function runBenchesLast(vitest: Vitest, state: RunState): void {
  const Base = vitest.config.sequence.sequencer
  if ((Base as { [RUN]?: true })[RUN]) return
  const isOurs = (spec: TestSpecification): boolean => state.projects.has(spec.project)
  const Sequencer = class extends Base {
    constructor(context: Vitest) {
      super(context)
      const sort = this.sort.bind(this)
      this.sort = async (files: TestSpecification[]): Promise<TestSpecification[]> => {
        const sorted = await sort(files)
        return [...sorted.filter((spec) => !isOurs(spec)), ...sorted.filter(isOurs)]
      }
    }
  }
  ;(Sequencer as { [RUN]?: true })[RUN] = true
  vitest.config.sequence.sequencer = Sequencer as TestSequencerConstructor
}

/** The stored run to compare with: the environment variable's for this run, else `compareWith`; read once. */
async function baselineSnapshot(root: string, option: string | undefined): Promise<BaselineSnapshot | undefined> {
  const fromEnv = process.env[COMPARE_WITH_ENV]
  if (fromEnv !== undefined && fromEnv !== '') {
    try {
      checkCompareWith(COMPARE_WITH_ENV, fromEnv)
    } catch (error) {
      if (error instanceof Error) error.message = `parallelBench(): ${error.message}`
      throw error
    }
    return readBaseline(root, fromEnv, 'environment')
  }
  return option === undefined ? undefined : readBaseline(root, option, 'option')
}

export function parallelBench(options: ParallelBenchPluginOptions = {}): Plugin {
  const validated = validatePluginOptions(options)
  const include = validated.include ?? DEFAULT_INCLUDE
  const exclude = [...DEFAULT_EXCLUDE, ...(validated.exclude ?? [])]

  const plugin: Plugin = {
    name: 'vitest-parallel-bench',
    // Vitest calls configureVitest only for plugins of the projects it resolved. Under `test.projects`
    // the root config is no project: inline projects without `extends` (Vitest 4) and projects by glob do
    // not carry its plugins, so this plugin would never be called. A stand-in among the user's projects
    // carries this plugin alone (no `extends`: that would load the config file, and every plugin in it,
    // again); configureVitest puts the bench project in its place.
    config(config) {
      const projects = (config as { test?: { projects?: unknown } }).test?.projects
      if (!Array.isArray(projects) || projects.some(isStandInEntry)) return
      projects.push({
        extends: false,
        plugins: [plugin],
        test: { name: PROJECT_NAME, include: [], ...NO_BENCHMARK_CLONE },
      })
    },
    // Vitest's own configureServer (on the root's server) has resolved the projects and called
    // configureVitest by now: when it never called ours, a --project filter left the bench project out.
    configureServer(server) {
      const isVitestRoot = server.config.plugins.some((plugin) => plugin.name === 'vitest')
      const hasProjects = Array.isArray((server.config as { test?: { projects?: unknown } }).test?.projects)
      if (isVitestRoot && hasProjects && !claimedInProcess()) server.config.logger.warn(FILTERED_OUT)
    },
    async configureVitest({ vitest, project: caller }) {
      const state = runState(vitest)
      const standIns = vitest.projects.filter((project) => isStandIn(project, state))
      dropProjects(vitest, standIns)
      // The config that declared the plugin: the root's (the stand-in's, or inherited by inline projects
      // with `extends`), or a package's in a monorepo run from its root; the bench project inherits it.
      const rootConfig = vitest.vite.config.configFile
      const configFile = caller.vite.config.configFile
      const byPackage = !standIns.includes(caller) && configFile !== undefined && configFile !== rootConfig
      const declaring = byPackage ? caller : rootProject(vitest)
      const root = projectDir(declaring)
      // Each config that declares the plugin gets its own bench project (monorepo packages each with theirs).
      const claimKey = (byPackage ? configFile : rootConfig) ?? ''
      const claimed = claim(state, claimKey, root)
      if (claimed) state.found.set(claimKey, findBenchFiles(root, include, exclude))
      // The stand-ins own a Vite server each (this plugin's alone), which nothing else closes.
      await Promise.all(standIns.map((project) => project.close()))
      if (!claimed) return
      const name = byPackage ? `${PROJECT_NAME} (${caller.name})` : PROJECT_NAME
      // Every config that declares the plugin has claimed by now (each claims before its first await).
      const found = (await state.found.get(claimKey)) ?? { ours: [], others: [] }
      const files = { ours: await ownFiles(state, claimKey), others: found.others }
      const nested = found.ours.filter((file) => !files.ours.includes(file))
      const excludeOurs = (project: TestProject): void => {
        project.config.exclude.push(...excludePatterns(projectDir(project), files.ours))
      }
      if (isVitest4BenchCommand(vitest)) {
        // Vitest 4's bench mode would collect our files (its include is benchmark.include) and skip every test.
        for (const project of vitest.projects) excludeOurs(project)
        vitest.logger.log(
          'vitest-parallel-bench: `vitest bench` on Vitest 4 runs only bench(); run `vitest run` for the parallel benches.',
        )
        // Our files were the only ones: "No benchmark files found" must not fail the run after our notice.
        if (files.others.length === 0) allowNoTests(vitest)
        return
      }
      if (!byPackage && !vitest.matchesProjectFilter(PROJECT_NAME)) {
        for (const project of vitest.projects) excludeOurs(project)
        vitest.logger.log(FILTERED_OUT)
        return
      }

      // Before any bench runs, so `compareWith` may name this run's own outputFile (the previous run's).
      const comparison = await baselineSnapshot(root, validated.compareWith)

      const moduleServer = await moduleServerOf(vitest, state)
      const moduleRunnerUrl = viteModuleRunnerUrl()
      const runtimeUrl = vitestRuntimeUrl()

      // The bench project shares the declaring project's Vite server: its config file and plugins load once.
      // A package that declared the plugin runs its benches whenever a --project filter keeps the package.
      const bench = siblingProject(
        declaring,
        benchProjectConfig(declaring.config, {
          name,
          // The plugin's include/exclude are the rule here; files of nested packages that declare the
          // plugin, and files that match but are not ours (native benchmarks), are left to others.
          include: [...include],
          exclude: [...exclude, ...excludePatterns(root, [...files.others, ...nested])],
          ...(validated.setupFiles === undefined
            ? {}
            : { setupFiles: validated.setupFiles.map((file) => resolve(root, file)) }),
          ...(validated.environment === undefined ? {} : { environment: validated.environment }),
        }),
      )
      state.projects.add(bench)
      addProjects(vitest, [bench])
      state.sources.set(bench.name, await vitestModuleSource(bench))
      // Settings travel to the bench tests through Vitest's provide/inject.
      const settings: ProvidedSettings = {
        defaults: benchDefaults(validated),
        loader: {
          channel: { address: moduleServer.address, token: moduleServer.token, project: bench.name },
          moduleRunnerUrl,
          vitestRuntimeUrl: runtimeUrl,
          setupFiles: [...bench.config.setupFiles],
          globals: bench.config.globals,
          defines: { ...bench.config.defines },
          env: { ...bench.config.env },
        },
        ...(comparison === undefined ? {} : { comparison }),
      }
      bench.provide(PROVIDE_KEY, settings)
      // No other project (the root, test.projects, Vitest 5's "(bench)" clones) collects our files.
      for (const project of vitest.projects) if (project !== bench) excludeOurs(project)
      runBenchesLast(vitest, state)
      // Bench files only register benches in the Vitest worker: they would read as uncovered code.
      const coverageExclude = (vitest.config.coverage as { exclude?: string[] }).exclude
      if (Array.isArray(coverageExclude)) coverageExclude.push(...include)

      const reporterOptions: ParallelBenchReporterOptions = {
        // Relative to the config that declared the plugin.
        ...(validated.outputFile === undefined ? {} : { outputFile: resolve(root, validated.outputFile) }),
        ...(validated.htmlFile === undefined ? {} : { htmlFile: resolve(root, validated.htmlFile) }),
        github: validated.github ?? process.env.GITHUB_ACTIONS === 'true',
        ...(validated.verbose === undefined ? {} : { verbose: validated.verbose }),
        ...(validated.maxSerialFraction === undefined ? {} : { maxSerialFraction: validated.maxSerialFraction }),
        // One legend per run, under the report of the first bench project with benches.
        ...((await legendOwner(state)) !== claimKey
          ? { legend: false }
          : validated.legend === undefined
            ? {}
            : { legend: validated.legend }),
        projects: [bench.name],
        ...(process.env[LEVEL_ENV] ? { levelOverride: process.env[LEVEL_ENV] } : {}),
      }
      const reporter = fileURLToPath(new URL('../report/reporter.js', import.meta.url))
      vitest.config.reporters.push([reporter, reporterOptions as Record<string, unknown>])
    },
  }
  return plugin
}

export default parallelBench
