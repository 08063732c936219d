// Outside Vitest, the bench scripts feed their pools' workers the way the plugin
// does inside it: a Vite server's ssr environment answers the module runner in
// every worker over the same private channel (no Vitest project, no setup files).
// Plain JavaScript, so that bench/startup.mjs (run without tsx) shares it.
import { createServer } from 'vite'
import {
  fileRules,
  viteModuleRunnerUrl,
  vitestRuntimeUrl,
  workerModuleAnswer,
} from '../../dist/plugin/bench-modules.js'
import { startModuleServer } from '../../dist/plugin/module-server.js'

/** @param {string} root @returns {Promise<import('./module-loader.d.mts').BenchLoader>} */
export async function startBenchLoader(root) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    appType: 'custom',
    server: { middlewareMode: true, ws: false, hmr: false },
  })
  const environment = server.environments.ssr
  const source = {
    fetch: (url, importer, options) => environment.fetchModule(url, importer, options),
    handleInvoke: (payload) => environment.hot.handleInvoke(payload),
    ...(await fileRules(server.config, environment)),
  }
  const modules = await startModuleServer(workerModuleAnswer(() => source))
  return {
    loader: {
      channel: { address: modules.address, token: modules.token, project: 'bench' },
      moduleRunnerUrl: viteModuleRunnerUrl(),
      vitestRuntimeUrl: vitestRuntimeUrl(),
      setupFiles: [],
      globals: false,
      defines: {},
      env: { MODE: 'benchmark', DEV: true, PROD: false, SSR: true },
    },
    async close() {
      await modules.close()
      await server.close()
    },
  }
}
