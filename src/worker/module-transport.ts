// The worker's end of the module channel: a Vite module runner transport whose
// `invoke` goes over the local socket to the module server in the Vitest main
// process (see bench-modules.ts for what it answers).
import { connect, type Socket } from 'node:net'
import { isMainThread } from 'node:worker_threads'
import type { ModuleRunnerTransport } from 'vite/module-runner'
import {
  type Hello,
  lineReader,
  type ModuleChannel,
  type ModuleRequest,
  type ModuleResponse,
  parseResponse,
} from './module-channel.js'

type Payload = ModuleRequest['payload']
type Response = ModuleResponse['response']

export function socketTransport(channel: ModuleChannel): ModuleRunnerTransport {
  const pending = new Map<number, { resolve: (response: Response) => void; reject: (error: Error) => void }>()
  let nextId = 0
  let socket: Socket | undefined
  let closedWith: Error | undefined

  function open(): Socket {
    if (socket !== undefined) return socket
    const opened = connect(channel.address)
    // The channel must never keep a worker alive on its own.
    opened.unref()
    const child = isMainThread && process.send !== undefined ? { pid: process.pid, owner: process.ppid } : undefined
    const hello: Hello = { token: channel.token, project: channel.project, child }
    opened.write(`${JSON.stringify(hello)}\n`)
    lineReader(opened, (line) => {
      const message = parseResponse(line)
      if (message === undefined) return void opened.destroy(new Error('the module server sent a malformed frame'))
      pending.get(message.id)?.resolve(message.response)
      pending.delete(message.id)
    })
    const fail = (error?: Error): void => {
      closedWith = new Error(
        `the module channel to the Vitest main process closed${error ? ` (${error.message})` : ''}; did Vitest exit?`,
      )
      for (const request of pending.values()) request.reject(closedWith)
      pending.clear()
    }
    opened.on('error', fail)
    opened.on('close', () => fail())
    socket = opened
    return opened
  }

  return {
    async invoke(payload) {
      if (closedWith !== undefined) throw closedWith
      const id = nextId++
      const response = new Promise<Response>((resolve, reject) => pending.set(id, { resolve, reject }))
      open().write(`${JSON.stringify({ id, payload: payload as Payload } satisfies ModuleRequest)}\n`)
      return response
    },
    disconnect() {
      socket?.destroy()
    },
  }
}
