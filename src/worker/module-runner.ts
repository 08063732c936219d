// Creates the worker's Vite module runner: the same `vite/module-runner` as the
// Vite server that Vitest uses (its URL comes from the main process), with Node's
// import.meta, no HMR, and stack traces mapped back to the user's sources.
import type { ModuleRunner } from 'vite/module-runner'
import type { ModuleChannel } from './module-channel.js'
import { socketTransport } from './module-transport.js'

/** How a worker loads modules: chosen by the plugin in the main process, per project. */
export interface LoaderSetup {
  channel: ModuleChannel
  /** `vite/module-runner` of the Vite that serves the project (file URL). */
  moduleRunnerUrl: string
  /** The project's `setupFiles`, absolute, run before the bench file. */
  setupFiles: string[]
  /** The project's `globals`: `describe`, `test`, … without an import. */
  globals: boolean
}

export async function createModuleRunner(loader: LoaderSetup): Promise<ModuleRunner> {
  const vite = (await import(loader.moduleRunnerUrl)) as typeof import('vite/module-runner')
  return new vite.ModuleRunner(
    {
      hmr: false,
      transport: socketTransport(loader.channel),
      createImportMeta: vite.createNodeImportMeta,
      sourcemapInterceptor: 'prepareStackTrace',
    },
    new vite.ESModulesEvaluator(),
  )
}
