// Raw piscina worker: no harness, no module runner, no TypeScript. It loads
// work.mjs, says it is ready (so startup is timed the way our pools time it) and
// runs workerData.exportName for every task.
import { parentPort, workerData } from 'node:worker_threads'

const { exportName = 'echo', moduleUrl = new URL('./work.mjs', import.meta.url).href } = workerData ?? {}
const fn = (await import(moduleUrl))[exportName]
parentPort.postMessage('raw-ready')

export default function run(input) {
  return fn(input)
}
