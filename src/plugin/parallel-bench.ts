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
import { DEFAULT_EXCLUDE, DEFAULT_INCLUDE, excludePatterns, findBenchFiles } from './bench-files.js'
import {
  type ModuleSource,
  viteModuleRunnerUrl,
  vitestModuleSource,
  vitestRuntimeUrl,
  workerModuleAnswer,
} from './bench-modules.js'
import { type ModuleServer, startModuleServer } from './module-server.js'
import {
  allowNoTests,
  dropProjects,
  isBenchmarkClone,
  isVitest4BenchCommand,
  NO_BENCHMARK_CLONE,
  withProjectFilterAllowing,
} from './vitest-compat.js'

export type { ParallelBenchPluginOptions } from '../contracts/options.js'

export const PROJECT_NAME = 'parallel-bench'

/**
 * configureVitest runs once per project that carries the plugin, concurrently, and a config may
 * bundle its own copy of this module: the run's state lives on the Vitest instance, under a global symbol.
 */
const RUN = Symbol.for('vitest-parallel-bench/run')
const CLAIMED = Symbol.for('vitest-parallel-bench/configured')

/** What every config that declares the plugin shares in one Vitest run. */
interface RunState {
  /** The configs that declared the plugin (one bench project each). */
  configs: Set<string>
  /** The names of our bench projects. */
  projects: Set<string>
  /** Module sources of our bench projects, by project name, for the one module server. */
  sources: Map<string, ModuleSource>
  moduleServer?: Promise<ModuleServer>
}

/** The run's state, when `configFile` is the first to claim a bench project in it; undefined when it already has one. */
function claim(vitest: Vitest, configFile: string): RunState | undefined {
  const holder = vitest as Vitest & { [RUN]?: RunState }
  holder[RUN] ??= { configs: new Set(), projects: new Set(), sources: new Map() }
  const state = holder[RUN]
  if (state.configs.has(configFile)) return undefined
  state.configs.add(configFile)
  ;(globalThis as { [CLAIMED]?: true })[CLAIMED] = true
  return state
}

function firstConfig(state: RunState): string | undefined {
  return state.configs.values().next().value
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

/** An entry of `test.projects` that is the bench project (declared by this plugin's `config` hook). */
function isBenchProjectEntry(entry: unknown): boolean {
  return (entry as { test?: { name?: unknown } } | null)?.test?.name === PROJECT_NAME
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
  const isOurs = (spec: TestSpecification): boolean => state.projects.has(spec.project.name)
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

  /** The bench project's own settings, wherever it is declared. */
  const benchTest = {
    name: PROJECT_NAME,
    include,
    exclude,
    // One bench file at a time: parallel benches would measure each other.
    fileParallelism: false,
    isolate: true,
    pool: 'forks' as const,
    sequence: { groupOrder: 0 },
    ...NO_BENCHMARK_CLONE,
  }

  return {
    name: 'vitest-parallel-bench',
    // Vitest calls configureVitest only for plugins of the projects it resolved. Under `test.projects`
    // the root config is no project: inline projects without `extends: true` and projects by glob do not
    // carry its plugins, so this plugin would never be called. Declared among the user's projects,
    // the bench project carries them (`extends: true`).
    config(config) {
      const projects = (config as { test?: { projects?: unknown } }).test?.projects
      if (!Array.isArray(projects) || projects.some(isBenchProjectEntry)) return
      projects.push({ extends: true, test: { ...benchTest, include: [...include], exclude: [...exclude] } })
    },
    // Vitest's own configureServer (on the root's server) has resolved the projects and called
    // configureVitest by now: when it never called ours, a --project filter left the bench project out.
    configureServer(server) {
      const isVitestRoot = server.config.plugins.some((plugin) => plugin.name === 'vitest')
      const hasProjects = Array.isArray((server.config as { test?: { projects?: unknown } }).test?.projects)
      if (isVitestRoot && hasProjects && !claimedInProcess()) server.config.logger.warn(FILTERED_OUT)
    },
    async configureVitest({ vitest, project: caller, injectTestProjects }) {
      const declared = vitest.projects.find((project) => project.name === PROJECT_NAME && !isBenchmarkClone(project))
      // The config that declared the plugin: the root's (inherited by inline projects with `extends: true`),
      // or a package's in a monorepo run from its root; the bench project inherits that config.
      const configFile = caller.vite.config.configFile
      const rootConfig = vitest.vite.config.configFile
      const byPackage = declared === undefined && configFile !== undefined && configFile !== rootConfig
      // Each config that declares the plugin gets its own bench project (monorepo packages each with theirs).
      const claimKey = (byPackage ? configFile : rootConfig) ?? ''
      const state = claim(vitest, claimKey)
      if (state === undefined) return
      const name = byPackage ? `${PROJECT_NAME} (${caller.name})` : PROJECT_NAME
      const root = byPackage ? projectDir(caller) : vitest.config.dir || vitest.config.root
      const files = await findBenchFiles(root, include, exclude)
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
      if (declared === undefined && !byPackage && !vitest.matchesProjectFilter(PROJECT_NAME)) {
        for (const project of vitest.projects) excludeOurs(project)
        vitest.logger.log(FILTERED_OUT)
        return
      }

      // Before any bench runs, so `compareWith` may name this run's own outputFile (the previous run's).
      const comparison = await baselineSnapshot(root, validated.compareWith)

      const moduleServer = await moduleServerOf(vitest, state)
      const moduleRunnerUrl = viteModuleRunnerUrl()
      const runtimeUrl = vitestRuntimeUrl()

      // A package that declared the plugin runs its benches under a --project filter that keeps the package.
      const injected =
        declared === undefined
          ? await withProjectFilterAllowing(vitest, name, () =>
              injectTestProjects({
                extends: byPackage ? configFile : true,
                ...(byPackage ? { root: caller.config.root } : {}),
                test: { ...benchTest, name },
              }),
            )
          : [declared]
      // Our benches run once, in our project, under `vitest run` and `vitest bench` alike.
      const clones = vitest.projects.filter(
        (project) => isBenchmarkClone(project) && project.name.startsWith(`${PROJECT_NAME} `),
      )
      dropProjects(vitest, clones)
      const ours = injected.filter((project) => !isBenchmarkClone(project))
      for (const project of ours) state.projects.add(project.name)

      for (const project of ours) {
        // `extends: true` merged the root's include/exclude into ours: the plugin's own are the rule here.
        project.config.include = [...include]
        project.config.exclude = [...exclude, ...excludePatterns(projectDir(project), files.others)]
        // The bench project's own setup files and environment replace what it inherited (Vitest would concatenate).
        if (validated.setupFiles !== undefined) {
          project.config.setupFiles = validated.setupFiles.map((file) => resolve(root, file))
        }
        if (validated.environment !== undefined) project.config.environment = validated.environment
        state.sources.set(project.name, await vitestModuleSource(project))
        // Settings travel to the bench tests through Vitest's provide/inject.
        const settings: ProvidedSettings = {
          defaults: benchDefaults(validated),
          loader: {
            channel: { address: moduleServer.address, token: moduleServer.token, project: project.name },
            moduleRunnerUrl,
            vitestRuntimeUrl: runtimeUrl,
            setupFiles: [...project.config.setupFiles],
            globals: project.config.globals,
            defines: { ...project.config.defines },
            env: { ...project.config.env },
          },
          ...(comparison === undefined ? {} : { comparison }),
        }
        project.provide(PROVIDE_KEY, settings)
      }
      // No other project (the root, test.projects, Vitest 5's "(bench)" clones) collects our files.
      for (const project of vitest.projects) if (!ours.includes(project)) excludeOurs(project)
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
        // One legend per run, under the first bench project's report.
        ...(firstConfig(state) !== claimKey
          ? { legend: false }
          : validated.legend === undefined
            ? {}
            : { legend: validated.legend }),
        projects: ours.map((project) => project.name),
        ...(process.env[LEVEL_ENV] ? { levelOverride: process.env[LEVEL_ENV] } : {}),
      }
      const reporter = fileURLToPath(new URL('../report/reporter.js', import.meta.url))
      vitest.config.reporters.push([reporter, reporterOptions as Record<string, unknown>])
    },
  }
}

export default parallelBench
