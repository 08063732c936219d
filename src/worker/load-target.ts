// The one loader of a bench target, for every worker: through Vite's module
// runner, run the project's setup files (with Vitest-like globals when the
// project has `globals`), then import the bench file and find the function
// registered under the bench's key, or import a module and take its export.
import { fileURLToPath } from 'node:url'
import type { ModuleRunner } from 'vite/module-runner'
import type { LoaderSetup } from '../contracts/options.js'
import { describeThrown, ParallelBenchError } from '../errors.js'
import { createModuleRunner } from './module-runner.js'
import type { BenchTarget } from './protocol.js'
import { type BenchFunction, installRegistry, lookup } from './registry.js'

const LOADING_DOCS = 'See "How workers load your code" in the vitest-parallel-bench README.'

/** Vite attaches these to transform errors; they say which plugin failed and where. */
interface ViteErrorFields {
  plugin?: string
  id?: string
  frame?: string
}

function loadError(what: string, error: unknown): ParallelBenchError {
  const reason = error instanceof Error ? error.message : describeThrown(error)
  const { plugin, frame } = (error ?? {}) as ViteErrorFields
  const detail = [plugin ? `(plugin ${plugin})` : '', frame ? `\n${frame}` : ''].join(' ').trim()
  const failure = new ParallelBenchError(
    'LOAD_FAILED',
    `could not load ${what} in a bench worker: ${reason}${detail ? ` ${detail}` : ''}\n${LOADING_DOCS}`,
    { cause: error },
  )
  if (error instanceof Error && error.stack !== undefined) {
    failure.stack = `${failure.name}: ${failure.message}\n${error.stack.split('\n').slice(1).join('\n')}`
  }
  return failure
}

/** Vitest's globals, as the shim has them: only for projects with `globals`, so the others never load it here. */
async function installGlobals(): Promise<void> {
  const shim = (await import('./vitest-shim.js')) as Record<string, unknown>
  for (const [name, value] of Object.entries(shim)) {
    if (name !== 'default') Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  }
}

async function importModule(runner: ModuleRunner, file: string, what = file): Promise<Record<string, unknown>> {
  try {
    return (await runner.import(file)) as Record<string, unknown>
  } catch (error) {
    throw loadError(what, error)
  }
}

async function exportedFunction(runner: ModuleRunner, url: string, exportName: string): Promise<BenchFunction> {
  const exports = await importModule(runner, url.startsWith('file:') ? fileURLToPath(url) : url)
  const fn = exports[exportName]
  if (typeof fn === 'function') return fn as BenchFunction
  const found = Object.keys(exports).filter((name) => typeof exports[name] === 'function')
  throw new ParallelBenchError(
    'NOT_FOUND',
    `${url} has no exported function \`${exportName}\`` +
      ` (exported functions: ${found.length === 0 ? 'none' : found.join(', ')})`,
  )
}

async function registeredFunction(runner: ModuleRunner, file: string, key: string): Promise<BenchFunction> {
  const registry = installRegistry()
  await importModule(runner, file)
  await Promise.all(registry.pending)
  const found = lookup(registry, key)
  if (!found.found) throw new ParallelBenchError('NOT_FOUND', `${file}: ${found.reason}`)
  return found.fn
}

export async function loadTarget(target: BenchTarget, loader: LoaderSetup): Promise<BenchFunction> {
  const runner = await createModuleRunner(loader)
  // As Vitest's workers do: `define` constants become globals, then `globals: true` adds the API.
  Object.assign(globalThis, loader.defines)
  if (loader.globals) await installGlobals()
  for (const file of loader.setupFiles) await importModule(runner, file, `the setup file ${file}`)
  return target.kind === 'module'
    ? exportedFunction(runner, target.url, target.exportName)
    : registeredFunction(runner, target.file, target.key)
}

/**
 * The `{ module, export }` function in the Vitest host, for the inline baseline: loaded as a
 * worker loads it, without setup files or globals (they already ran in this Vitest worker).
 * `close` ends its module runner and its connection to the module server.
 */
export async function hostModuleExport(
  url: string,
  exportName: string,
  loader: LoaderSetup,
): Promise<{ fn: BenchFunction; close: () => Promise<void> }> {
  const runner = await createModuleRunner(loader)
  try {
    return { fn: await exportedFunction(runner, url, exportName), close: () => runner.close() }
  } catch (error) {
    await runner.close()
    throw error
  }
}
