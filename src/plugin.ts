// parallelBench(): a Vite plugin that gives Vitest a project of its own for
// bench files — one file at a time, after the other tests (so unit tests do
// not steal the CPU being measured) — and adds the parallel-bench reporter.
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import {
  benchDefaults,
  LEVEL_ENV,
  type ParallelBenchPluginOptions,
  PROVIDE_KEY,
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
      await injectTestProjects({
        extends: true,
        test: {
          name: PROJECT_NAME,
          include: validated.include ?? DEFAULT_INCLUDE,
          // One bench file at a time: parallel benches would measure each other.
          fileParallelism: false,
          pool: 'forks',
          // After every other project's group.
          sequence: { groupOrder: Math.max(0, ...vitest.projects.map((p) => p.config.sequence.groupOrder ?? 0)) + 1 },
          // Bench defaults travel to the test workers through Vitest's provide/inject.
          provide: { [PROVIDE_KEY]: benchDefaults(validated) },
        },
      })
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
