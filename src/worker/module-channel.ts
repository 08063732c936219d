// The messages between a bench worker's module runner and the module server in
// the Vitest main process: one JSON object per line over a local socket. Any
// local user can connect to that socket, so every frame is checked for shape
// before use (`parseHello`, `parseRequest`, `parseResponse`) and lines are capped.
import type { Socket } from 'node:net'

/** The first line a worker sends: the server drops any client without the token. */
export interface Hello {
  token: string
  /** The Vitest project whose Vite environment serves this worker. */
  project: string
  /** A child process says who it is and who forked it, so the server can end it if its owner dies. */
  child?: { pid: number; owner: number } | undefined
}

export type { ModuleChannel } from '../contracts/options.js'

/** The runner requests the server answers (Vite's `vite:invoke` names). */
export const INVOKE_NAMES = ['fetchModule', 'getBuiltins'] as const

/** A module runner's invoke payload (`vite:invoke`: fetchModule, getBuiltins), with our request id. */
export interface ModuleRequest {
  id: number
  payload: {
    type: 'custom'
    event: 'vite:invoke'
    data: { id: string; name: (typeof INVOKE_NAMES)[number]; data: unknown[] }
  }
}

export interface ModuleResponse {
  id: number
  response: { result: unknown } | { error: unknown }
}

type Frame = Record<string, unknown>

/** A JSON object (not null, not an array, not a primitive), or undefined. */
function parseObject(line: string): Frame | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  return isObject(value) ? value : undefined
}

function isObject(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isPid(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 1
}

/** A hello of the right shape, or undefined. */
export function parseHello(line: string): Hello | undefined {
  const frame = parseObject(line)
  if (frame === undefined || typeof frame.token !== 'string' || typeof frame.project !== 'string') return undefined
  const { child } = frame
  if (child === undefined) return { token: frame.token, project: frame.project }
  if (!isObject(child) || !isPid(child.pid) || !isPid(child.owner)) return undefined
  return { token: frame.token, project: frame.project, child: { pid: child.pid, owner: child.owner } }
}

/** The request id of a frame, when it has a usable one (so that even a bad request gets its error). */
export function requestId(line: string): number | undefined {
  const id = parseObject(line)?.id
  return Number.isSafeInteger(id) && (id as number) >= 0 ? (id as number) : undefined
}

/** A module request of the right shape, or a sentence saying what is wrong with it. */
export function parseRequest(line: string): ModuleRequest | string {
  const frame = parseObject(line)
  if (frame === undefined) return 'a module request must be a JSON object'
  const id = requestId(line)
  if (id === undefined) return '`id` must be an integer >= 0'
  const { payload } = frame
  if (!isObject(payload) || payload.type !== 'custom' || payload.event !== 'vite:invoke')
    return "`payload` must be { type: 'custom', event: 'vite:invoke', data }"
  const { data } = payload
  if (!isObject(data) || typeof data.id !== 'string' || !Array.isArray(data.data))
    return '`payload.data` must be { id: string, name, data: unknown[] }'
  const name = INVOKE_NAMES.find((known) => known === data.name)
  if (name === undefined) return `\`payload.data.name\` must be one of ${INVOKE_NAMES.join(', ')}`
  return { id, payload: { type: 'custom', event: 'vite:invoke', data: { id: data.id, name, data: data.data } } }
}

/** A response of the right shape, or undefined. */
export function parseResponse(line: string): ModuleResponse | undefined {
  const frame = parseObject(line)
  if (frame === undefined || !Number.isSafeInteger(frame.id)) return undefined
  const { response } = frame
  if (!isObject(response) || !('result' in response || 'error' in response)) return undefined
  return { id: frame.id as number, response: response as ModuleResponse['response'] }
}

const NEWLINE = 0x0a

/**
 * Calls `onLine` with every complete line read from the socket. Each chunk is scanned once (never
 * the whole buffer again), and a line longer than `maxLineBytes()` ends the connection through
 * `onOverflow` before it is buffered: a peer cannot make this process hold or rescan unbounded data.
 */
export function lineReader(
  socket: Socket,
  onLine: (line: string) => void,
  maxLineBytes: () => number = () => Number.POSITIVE_INFINITY,
  onOverflow: () => void = () => socket.destroy(),
): void {
  let parts: Buffer[] = []
  let size = 0
  const take = (piece: Buffer): boolean => {
    if (size + piece.length > maxLineBytes()) {
      parts = []
      size = 0
      onOverflow()
      return false
    }
    if (piece.length > 0) {
      parts.push(piece)
      size += piece.length
    }
    return true
  }
  socket.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    let start = 0
    let end = bytes.indexOf(NEWLINE)
    while (end !== -1) {
      if (!take(bytes.subarray(start, end))) return
      const line = Buffer.concat(parts, size).toString('utf8')
      parts = []
      size = 0
      if (line.length > 0) onLine(line)
      if (socket.destroyed) return
      start = end + 1
      end = bytes.indexOf(NEWLINE, start)
    }
    take(bytes.subarray(start))
  })
}
