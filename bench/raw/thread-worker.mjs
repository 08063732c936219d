// Raw piscina worker: no harness, no hooks, no TypeScript. It loads work.mjs,
// says it is ready (so startup is timed the way our pools time it) and runs
// workerData.exportName for every task.
// workerData.hooks (optional) installs our module hooks first, with module.register
// (`how: 'register'`) or module.registerHooks (`'in-thread'`): the floor that the
// hooks mechanism itself costs.
import { register } from 'node:module'
import { parentPort, workerData } from 'node:worker_threads'

const { exportName = 'echo', moduleUrl = new URL('./work.mjs', import.meta.url).href, hooks } = workerData ?? {}
if (hooks?.how === 'register') register(hooks.hooksUrl, { data: hooks.data })
if (hooks?.how === 'in-thread') (await import(hooks.hooksUrl)).registerInThread(hooks.data)
const fn = (await import(moduleUrl))[exportName]
parentPort.postMessage('raw-ready')

export default function run(input) {
  return fn(input)
}
