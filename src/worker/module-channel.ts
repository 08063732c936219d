// The messages between a bench worker's module runner and the module server in
// the Vitest main process: one JSON object per line over a local socket.
import type { Socket } from 'node:net'

/** The first line a worker sends: the server drops any client without the token. */
export interface Hello {
  token: string
  /** The Vitest project whose Vite environment serves this worker. */
  project: string
  /** A child process says who it is and who forked it, so the server can end it if its owner dies. */
  child?: { pid: number; owner: number } | undefined
}

/** Where and how a worker reaches the module server; travels from the plugin through `provide`. */
export interface ModuleChannel {
  address: string
  token: string
  project: string
}

/** A module runner's invoke payload (`vite:invoke`: fetchModule, getBuiltins), with our request id. */
export interface ModuleRequest {
  id: number
  payload: { type: 'custom'; event: 'vite:invoke'; data: { id: string; name: string; data: unknown[] } }
}

export interface ModuleResponse {
  id: number
  response: { result: unknown } | { error: unknown }
}

/** Calls `onLine` with every complete line read from the socket. */
export function lineReader(socket: Socket, onLine: (line: string) => void): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let end = buffered.indexOf('\n')
    while (end !== -1) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      if (line.length > 0) onLine(line)
      end = buffered.indexOf('\n')
    }
  })
}
