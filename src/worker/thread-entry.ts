// Piscina worker module: starts the shared runtime, announces readiness on
// the pool's message channel, and hands every task to the runtime.
import { parentPort, workerData } from 'node:worker_threads'
import type { TaskReply, TaskRequest, WorkerSetup } from './protocol.js'
import { startRuntime } from './runtime.js'

const runtime = await startRuntime(workerData as WorkerSetup)
parentPort?.postMessage(runtime.ready)

export default function handle(request: TaskRequest): TaskReply | Promise<TaskReply> {
  return runtime.handle(request)
}
