// Creates the worker's Vite module runner: the same `vite/module-runner` as the
// Vite server that Vitest uses (its URL comes from the main process), with Node's
// import.meta, no HMR, and stack traces mapped back to the user's sources.
import type { ModuleRunner, ModuleRunnerImportMeta } from 'vite/module-runner'
import type { LoaderSetup } from '../contracts/options.js'
import { socketTransport } from './module-transport.js'

export async function createModuleRunner(loader: LoaderSetup): Promise<ModuleRunner> {
  const vite = (await import(loader.moduleRunnerUrl)) as typeof import('vite/module-runner')
  return new vite.ModuleRunner(
    {
      hmr: false,
      transport: socketTransport(loader.channel),
      // Node's import.meta, but `resolve` made on first use: Vite's registers a module hook for it,
      // which on Node 20 starts a hooks thread (~30 ms per worker).
      createImportMeta: (path) => ({
        ...vite.createDefaultImportMeta(path),
        main: false,
        env: loader.env as ModuleRunnerImportMeta['env'],
        resolve: (specifier: string, parent?: string) => vite.createNodeImportMeta(path).resolve(specifier, parent),
      }),
      sourcemapInterceptor: 'prepareStackTrace',
    },
    new vite.ESModulesEvaluator(),
  )
}
