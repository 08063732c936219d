// What a bench runs: the target the workers load (a registry key in the bench file, or a module's
// export), the function of the inline baseline, and each task's input.
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { TestContext } from 'vitest'
import type { LoaderSetup, ResolvedOptions } from '../contracts/options.js'
import type { BenchKind, BenchSubject, ModuleFunction } from '../types.js'
import { hostModuleExport } from '../worker/load-target.js'
import type { BenchTarget } from '../worker/protocol.js'
import { type BenchFunction, benchKey } from '../worker/registry.js'

/** The parts of a bench call that say what runs. */
export interface BenchCall {
  kind: BenchKind
  name: string
  subject: BenchSubject<unknown>
  context: TestContext
}

function moduleUrl(subject: ModuleFunction): string {
  const { module } = subject
  if (module instanceof URL) return module.href
  if (typeof module === 'string' && module.startsWith('file:')) return module
  if (typeof module === 'string' && isAbsolute(module)) return pathToFileURL(module).href
  throw new TypeError(
    `\`module\` must be a URL (e.g. new URL('./work.ts', import.meta.url)) or an absolute path, got ${JSON.stringify(module)}`,
  )
}

export function benchTarget(input: BenchCall): BenchTarget {
  const { subject, context, kind, name } = input
  if (typeof subject === 'function') {
    const suitePath: string[] = []
    for (let suite = context.task.suite; suite !== undefined && suite !== context.task.file; suite = suite.suite) {
      suitePath.unshift(suite.name)
    }
    return { kind: 'file', file: context.task.file.filepath, key: benchKey(kind, suitePath, name) }
  }
  if (subject === null || typeof subject !== 'object' || typeof subject.export !== 'string') {
    throw new TypeError(`the second argument must be a function or { module, export }, got ${String(subject)}`)
  }
  return { kind: 'module', url: moduleUrl(subject), exportName: subject.export }
}

/** The function for the inline baseline, loaded once per bench: the user's own, or the module's export. */
export async function inlineBaseline(
  target: BenchTarget,
  subject: BenchSubject<unknown>,
  loader: LoaderSetup,
): Promise<{ fn: BenchFunction; close: () => Promise<void> }> {
  if (target.kind === 'module') return hostModuleExport(target.url, target.exportName, loader)
  return { fn: subject as BenchFunction, close: async () => {} }
}

export function workloadInput(options: ResolvedOptions): (index: number) => unknown {
  const { input } = options
  return typeof input === 'function' ? (input as (index: number) => unknown) : () => input
}
