// Child process entry: starts the shared runtime, then answers tasks over IPC.
// It exits when the host goes away: on IPC disconnect when idle; when fn keeps
// its main thread busy, the module server in the Vitest main process kills it
// (module-server.ts, orphan reaping).
import { serializeError } from '../errors.js'
import {
  isProcessSetup,
  isProcessTask,
  type ProcessReply,
  REPLY,
  type TaskReply,
  type WorkerSetup,
} from './protocol.js'
import { startRuntime } from './runtime.js'

/**
 * Sends to the host. Serialization errors throw here (the caller reports them); a channel that
 * closed meanwhile (the host was killed) comes back in the callback: then this child just ends,
 * instead of dying of an unhandled EPIPE printed over the user's terminal.
 */
function send(message: unknown): void {
  process.send?.(message, undefined, undefined, (error: Error | null) => {
    if (error !== null) process.exit(0)
  })
}

process.on('disconnect', () => process.exit(0))

const setup = await new Promise<WorkerSetup>((resolve) => {
  const onSetup = (message: unknown): void => {
    if (!isProcessSetup(message)) return
    process.off('message', onSetup)
    resolve(message.setup)
  }
  process.on('message', onSetup)
})
const runtime = await startRuntime(setup)

function reply(id: number, reply: TaskReply): void {
  try {
    send({ type: REPLY, id, reply } satisfies ProcessReply)
  } catch (error) {
    // The return value could not be serialized: say so instead of going silent.
    const failed: TaskReply = { ok: false, code: 'NOT_CLONEABLE', error: serializeError(error) }
    send({ type: REPLY, id, reply: failed } satisfies ProcessReply)
  }
}

process.on('message', (message: unknown) => {
  // Anything else on the channel is the user's own business.
  if (!isProcessTask(message)) return
  const result = runtime.handle(message.request)
  if (result instanceof Promise) void result.then((value) => reply(message.id, value))
  else reply(message.id, result)
})
send(runtime.ready)
