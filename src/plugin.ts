// parallelBench(): a Vite plugin that gives Vitest a project of its own for
// bench files — one file at a time, after the other tests (so unit tests do
// not steal the CPU being measured) — serves that project's modules to the
// bench workers, and adds the parallel-bench reporter.
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import { type ModuleSource, viteModuleRunnerUrl, vitestModuleSource, workerModuleAnswer } from './bench-modules.js'
import { startModuleServer } from './module-server.js'
import {
  benchDefaults,
  LEVEL_ENV,
  type ParallelBenchPluginOptions,
  PROVIDE_KEY,
  type ProvidedSettings,
  validatePluginOptions,
} from './options.js'
import type { ParallelBenchReporterOptions } from './report/reporter.js'

export type { ParallelBenchPluginOptions } from './options.js'

export const PROJECT_NAME = 'parallel-bench'
const DEFAULT_INCLUDE = ['**/*.bench.ts']

const configured = new WeakSet<Vitest>()

export function parallelBench(options: ParallelBenchPluginOptions = {}): Plugin {
  const validated = validatePluginOptions(options)

  return {
    name: 'vitest-parallel-bench',
    async configureVitest({ vitest, injectTestProjects }) {
      // Every project that extends the root config carries this plugin; configure once.
      if (configured.has(vitest)) return
      configured.add(vitest)
      const sources = new Map<string, ModuleSource>()
      const moduleServer = await startModuleServer(workerModuleAnswer((name) => sources.get(name)))
      vitest.onClose(() => moduleServer.close())
      const moduleRunnerUrl = viteModuleRunnerUrl()
      const projects = await injectTestProjects({
        extends: true,
        test: {
          name: PROJECT_NAME,
          include: validated.include ?? DEFAULT_INCLUDE,
          // One bench file at a time: parallel benches would measure each other.
          fileParallelism: false,
          pool: 'forks',
          // After every other project's group.
          sequence: { groupOrder: Math.max(0, ...vitest.projects.map((p) => p.config.sequence.groupOrder ?? 0)) + 1 },
        },
      })
      for (const project of projects) {
        sources.set(project.name, await vitestModuleSource(project))
        // Settings travel to the bench tests through Vitest's provide/inject.
        const settings: ProvidedSettings = {
          defaults: benchDefaults(validated),
          loader: {
            channel: { address: moduleServer.address, token: moduleServer.token, project: project.name },
            moduleRunnerUrl,
            setupFiles: [...project.config.setupFiles],
            globals: project.config.globals,
          },
        }
        project.provide(PROVIDE_KEY, settings)
      }
      const reporterOptions: ParallelBenchReporterOptions = {
        ...(validated.outputFile === undefined ? {} : { outputFile: validated.outputFile }),
        github: validated.github ?? process.env.GITHUB_ACTIONS === 'true',
        ...(process.env[LEVEL_ENV] ? { levelOverride: process.env[LEVEL_ENV] } : {}),
      }
      const reporter = fileURLToPath(new URL('./report/reporter.js', import.meta.url))
      vitest.config.reporters.push([reporter, reporterOptions as Record<string, unknown>])
    },
  }
}

export default parallelBench
