// The least a fork pool can do: `size` children of fork-child.mjs, a task goes
// to an idle child, the answer comes back over IPC (advanced serialization).
// No timeouts, no error handling: it is the yardstick, not a product.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD = fileURLToPath(new URL('./fork-child.mjs', import.meta.url))

/**
 * @param {number} size
 * @param {Record<string, string>} [env] RAW_EXPORT, RAW_MODULE, RAW_HOOKS
 */
export function createRawForkPool(size, env = {}) {
  const idle = []
  const queue = []
  const pending = new Map()
  let nextId = 0
  let readyCount = 0
  let markReady
  const ready = new Promise((resolve) => (markReady = resolve))
  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const child = idle.pop()
      const { input, resolve } = queue.shift()
      const id = nextId++
      pending.set(id, { child, resolve })
      child.send({ id, input })
    }
  }
  const children = Array.from({ length: size }, () => {
    const child = fork(CHILD, [], {
      serialization: 'advanced',
      execArgv: [],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    child.on('message', (message) => {
      if (message === 'raw-ready') {
        if (++readyCount === size) markReady()
        idle.push(child)
        dispatch()
        return
      }
      const job = pending.get(message.id)
      pending.delete(message.id)
      idle.push(job.child)
      job.resolve(message.value)
      dispatch()
    })
    return child
  })
  return {
    ready,
    /** @param {unknown} input */
    run(input) {
      return new Promise((resolve) => {
        queue.push({ input, resolve })
        dispatch()
      })
    },
    async destroy() {
      await Promise.all(
        children.map((child) =>
          child.exitCode !== null || child.signalCode !== null
            ? undefined
            : new Promise((resolve) => {
                child.once('exit', resolve)
                child.disconnect()
              }),
        ),
      )
    },
  }
}
