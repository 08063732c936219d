// Child process entry: starts the shared runtime, then answers tasks over IPC.
// It exits when the host goes away (IPC disconnect), so a killed Vitest
// worker never leaves bench processes behind.
import { serializeError } from '../errors.js'
import { type ProcessReply, type ProcessTask, SETUP_ENV, type TaskReply, type WorkerSetup } from './protocol.js'
import { startRuntime } from './runtime.js'

function send(message: unknown): void {
  process.send?.(message)
}

process.on('disconnect', () => process.exit(0))

const setup = JSON.parse(process.env[SETUP_ENV] ?? 'null') as WorkerSetup
const runtime = await startRuntime(setup)

function reply(id: number, reply: TaskReply): void {
  try {
    send({ id, reply } satisfies ProcessReply)
  } catch (error) {
    // The return value could not be serialized: say so instead of going silent.
    send({ id, reply: { ok: false, code: 'NOT_CLONEABLE', error: serializeError(error) } } satisfies ProcessReply)
  }
}

process.on('message', ({ id, request }: ProcessTask) => {
  const result = runtime.handle(request)
  if (result instanceof Promise) void result.then((value) => reply(id, value))
  else reply(id, result)
})
send(runtime.ready)
