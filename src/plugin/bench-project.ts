// The bench project's config: the config of the project that declared the
// plugin, with what a bench needs — one file at a time, in Node, after every
// other test (so unit tests do not steal the CPU being measured).
import type { ResolvedConfig } from 'vitest/node'

export interface BenchProjectSettings {
  name: string
  include: string[]
  exclude: string[]
  /** Replace what the declaring project has, when set (Vitest would otherwise concatenate setup files). */
  setupFiles?: string[]
  environment?: string
}

/** `declaring`'s resolved config made the bench project's, as Vitest derives its own "(bench)" variants. */
export function benchProjectConfig(declaring: ResolvedConfig, settings: BenchProjectSettings): ResolvedConfig {
  const { benchmark } = declaring as { benchmark?: object }
  return {
    ...declaring,
    name: settings.name,
    color: undefined,
    include: settings.include,
    exclude: settings.exclude,
    // In-source tests stay with their project.
    includeSource: [],
    // One bench file at a time: parallel benches would measure each other.
    fileParallelism: false,
    maxWorkers: 1,
    isolate: true,
    pool: 'forks',
    // Vitest's trailing sequential group; the plugin's sequencer puts our files last within it.
    sequence: { ...declaring.sequence, groupOrder: 0 },
    typecheck: { ...declaring.typecheck, enabled: false },
    browser: { ...declaring.browser, enabled: false },
    // Vitest 5 runs its native benchmarks in projects of its own; Vitest 4 has no such option here.
    ...(benchmark === undefined ? {} : { benchmark: { ...benchmark, enabled: false } }),
    ...(settings.setupFiles === undefined ? {} : { setupFiles: settings.setupFiles }),
    ...(settings.environment === undefined ? {} : { environment: settings.environment }),
  } as ResolvedConfig
}
