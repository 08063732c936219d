// Everything that differs between the Vitest lines the plugin supports (4.1, 5),
// in one place. Facts and the code they come from: DESIGN.md §10.
import type { ResolvedConfig, TestProject, Vitest } from 'vitest/node'

/**
 * Vitest 4's `vitest bench` runs only `bench()` tasks (a plain test in a bench file is skipped
 * silently): there the plugin stands down and says so. Vitest 5 always reports mode 'test'.
 */
export function isVitest4BenchCommand(vitest: Vitest): boolean {
  return (vitest as { mode?: string }).mode === 'benchmark'
}

/** Vitest 4's bench mode exits 1 when it finds no benchmark file, unless `passWithNoTests`. */
export function allowNoTests(vitest: Vitest): void {
  ;(vitest.config as { passWithNoTests: boolean }).passWithNoTests = true
}

/**
 * Vitest 5 clones every project into "<name> (bench)" under `vitest bench` or
 * `benchmark.enabled` (maxWorkers 1, its own later groupOrder); the clone has
 * `benchmark.enabled: true`. Vitest 4 has no clones.
 */
export function isBenchmarkClone(project: TestProject): boolean {
  return (project.config as { benchmark?: { enabled?: boolean } }).benchmark?.enabled === true
}

/**
 * Project settings that keep Vitest 5 from cloning ours under `benchmark.enabled`
 * (`vitest bench` clones it anyway: the plugin removes that clone).
 */
export const NO_BENCHMARK_CLONE = { benchmark: { enabled: false } } as Record<string, unknown>

/** Removes projects from the run (Vitest 5's forced "(bench)" clone of ours). */
export function dropProjects(vitest: Vitest, dropped: readonly TestProject[]): void {
  if (dropped.length === 0) return
  const keep = (vitest.projects as TestProject[]).filter((project) => !dropped.includes(project))
  ;(vitest as { projects: TestProject[] }).projects = keep
}

/** The statics both lines have for a project that shares its parent's Vite server (browser instances, Vitest 5's "(bench)"). */
interface SiblingStatics {
  /** Vitest 5. */
  _spawnSibling?: (parent: TestProject, config: ResolvedConfig) => TestProject
  /** Vitest 4. */
  _cloneBrowserProject?: (parent: TestProject, config: ResolvedConfig) => TestProject
}

/**
 * A project with its own config that shares `parent`'s Vite server, plugins and module runner,
 * as Vitest's own project variants do: the config file that declared `parent` is not loaded again
 * (a project resolved from `extends` re-runs the config file, and every plugin in it, on both lines).
 */
export function siblingProject(parent: TestProject, config: ResolvedConfig): TestProject {
  const statics = parent.constructor as SiblingStatics
  const spawn = statics._spawnSibling ?? statics._cloneBrowserProject
  if (spawn === undefined) throw new Error("vitest-parallel-bench: this Vitest cannot share a project's Vite server")
  return spawn.call(parent.constructor, parent, config)
}

/** The project of the root config (both lines create it on demand; under `test.projects` it runs no tests). */
export function rootProject(vitest: Vitest): TestProject {
  return (vitest as unknown as { _ensureRootProject(): TestProject })._ensureRootProject()
}

/** Adds projects to the run, as `injectTestProjects` does once it has resolved them. */
export function addProjects(vitest: Vitest, added: readonly TestProject[]): void {
  ;(vitest.projects as TestProject[]).push(...added)
}

/** Vitest 5 stores a module's source map after its code, in the file a fetch result's `tmp` names. */
const SOURCE_MAP_SEPARATOR = '\n//# vitestSourceMap='

/** The code and (Vitest 5) source map of a module that Vitest's fetch left in a file. */
export function splitCodeFile(content: string): { code: string; sourceMap: string | undefined } {
  const index = content.lastIndexOf(SOURCE_MAP_SEPARATOR)
  if (index === -1) return { code: content, sourceMap: undefined }
  return { code: content.slice(0, index), sourceMap: content.slice(index + SOURCE_MAP_SEPARATOR.length) || undefined }
}
