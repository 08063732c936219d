import { createServer } from 'vite'
import { viteModuleRunnerUrl, workerModuleAnswer } from '../dist/bench-modules.js'
import { startModuleServer } from '../dist/module-server.js'
import { createThreadPool } from '../dist/pools/thread-pool.js'

const server = await createServer({
  root: '/work/main/fixtures/reliability',
  configFile: false,
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, ws: false, hmr: false },
})
const environment = server.environments.ssr
const source = {
  fetch: (u, i, o) => environment.fetchModule(u, i, o),
  handleInvoke: (p) => environment.hot.handleInvoke(p),
}
const ms = await startModuleServer(workerModuleAnswer(() => source))
const loader = {
  channel: { address: ms.address, token: ms.token, project: 'bench' },
  moduleRunnerUrl: viteModuleRunnerUrl(),
  setupFiles: [],
  globals: false,
}
const setup = {
  target: { kind: 'file', file: '/work/main/fixtures/reliability/throws.bench.ts', key: `threads::throws` },
  loader,
}
const pool = createThreadPool({ size: 1, setup, taskTimeout: 30000, maxMemoryMb: undefined })
await pool.ready
try {
  await pool.run({ op: 'run', input: 1 })
} catch (e) {
  console.log(e.stack)
}
await pool.destroy()
await ms.close()
await server.close()
