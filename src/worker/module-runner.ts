// Creates the worker's Vite module runner: the same `vite/module-runner` as the
// Vite server that Vitest uses (its URL comes from the main process), with Node's
// import.meta, no HMR, stack traces mapped back to the user's sources, and
// Vitest's own module evaluator (vitest-evaluator.ts): modules get `require`,
// `module`, `exports`, `__filename` and `__dirname`, and externalised CommonJS
// packages their default-export interop, exactly as in Vitest's test workers.
import type { ModuleRunner, ModuleRunnerImportMeta } from 'vite/module-runner'
import type { LoaderSetup } from '../contracts/options.js'
import { socketTransport } from './module-transport.js'
import { vitestModuleEvaluator } from './vitest-evaluator.js'

export async function createModuleRunner(loader: LoaderSetup): Promise<ModuleRunner> {
  const vite = (await import(loader.moduleRunnerUrl)) as typeof import('vite/module-runner')
  const evaluator = await vitestModuleEvaluator(loader.vitestRuntimeUrl)
  // As Vitest's workers do (setupEnv): the project's env goes through the evaluator's
  // `import.meta.env`, a view of process.env (this worker's own copy).
  const env = evaluator.env as Record<string, unknown>
  for (const [key, value] of Object.entries(loader.env)) env[key] = value
  return new vite.ModuleRunner(
    {
      hmr: false,
      transport: socketTransport(loader.channel),
      // Node's import.meta, but `resolve` made on first use: Vite's registers a module hook for it,
      // which on Node 20 starts a hooks thread (~30 ms per worker).
      createImportMeta: (path) => ({
        ...vite.createDefaultImportMeta(path),
        main: false,
        env: evaluator.env as ModuleRunnerImportMeta['env'],
        resolve: (specifier: string, parent?: string) => vite.createNodeImportMeta(path).resolve(specifier, parent),
      }),
      sourcemapInterceptor: 'prepareStackTrace',
    },
    evaluator,
  )
}
