// Main process: the local channel over which bench workers ask for modules;
// `answer` (bench-modules.ts) decides what they get.
//
// The channel is a local socket: on Linux an abstract one (no file, so nothing is
// left behind even when this process is SIGKILLed), elsewhere a socket in a fresh
// 0700 temp directory (a named pipe on Windows). A client must open with the
// random token it was given through Vitest's `provide`, or it is dropped.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Hello, lineReader, type ModuleRequest, type ModuleResponse } from '../worker/module-channel.js'

/** Answers one module runner request for the named project. */
export type ModuleAnswer = (project: string, payload: ModuleRequest['payload']) => Promise<ModuleResponse['response']>

export interface ModuleServer {
  /** Where workers connect (`net.connect(address)`). */
  address: string
  token: string
  close(): Promise<void>
}

function listenAddress(): { address: string; directory?: string } {
  const id = randomBytes(8).toString('hex')
  if (process.platform === 'linux') return { address: `\0vitest-parallel-bench-${process.pid}-${id}` }
  if (process.platform === 'win32') return { address: `\\\\.\\pipe\\vitest-parallel-bench-${process.pid}-${id}` }
  // mkdtemp creates the directory 0700: only this user can reach the socket inside it.
  const directory = mkdtempSync(join(tmpdir(), 'vitest-parallel-bench-'))
  return { address: join(directory, 'modules.sock'), directory }
}

/** An error as plain JSON: Vite's errors can hold circular references (plugin contexts). */
export function plainError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error)
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) }
  return { name: 'Error', message: String(error) }
}

function encode(response: ModuleResponse): string {
  try {
    return `${JSON.stringify(response)}\n`
  } catch {
    const { id } = response
    const error = 'error' in response.response ? response.response.error : new Error('unserializable module result')
    return `${JSON.stringify({ id, response: { error: plainError(error) } })}\n`
  }
}

function sameToken(given: unknown, token: string): boolean {
  return (
    typeof given === 'string' &&
    given.length === token.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(token))
  )
}

/** How often the server looks for bench child processes whose owner died, ms. */
const REAP_INTERVAL_MS = 500

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/**
 * A bench child process must not outlive the Vitest worker that forked it, even when that worker
 * is SIGKILLed (OOM killer, kill -9) while fn keeps the child's main thread in an endless loop, so
 * that no 'disconnect' handler can run. This process (Vitest's main) is still there: it ends such
 * orphans. Costs the children nothing; they already hold a connection here.
 */
function reapOrphans(children: Map<Socket, { pid: number; owner: number }>, all = false): void {
  for (const [socket, { pid, owner }] of children) {
    if (!all && isAlive(owner)) continue
    children.delete(socket)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

export async function startModuleServer(answer: ModuleAnswer): Promise<ModuleServer> {
  const token = randomBytes(24).toString('hex')
  const { address, directory } = listenAddress()
  const sockets = new Set<Socket>()
  const children = new Map<Socket, { pid: number; owner: number }>()
  const reaper = setInterval(() => reapOrphans(children), REAP_INTERVAL_MS)
  reaper.unref()
  // Ctrl-C or a kill of Vitest: bench children go at once, not when their owner gets round to it
  // (Vitest lets a running test's worker linger ~1 s, and fn may never yield).
  const onSignal = (): void => reapOrphans(children, true)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // Vitest may exit from its own signal handler before ours runs.
  process.on('exit', onSignal)

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      children.delete(socket)
    })
    socket.on('error', () => socket.destroy())
    let project = ''
    const reply = async ({ id, payload }: ModuleRequest): Promise<void> => {
      let response: ModuleResponse['response']
      try {
        response = await answer(project, payload)
      } catch (error) {
        response = { error: plainError(error) }
      }
      if (!socket.destroyed) socket.write(encode({ id, response }))
    }
    let greeted = false
    lineReader(socket, (line) => {
      let message: Hello | ModuleRequest
      try {
        message = JSON.parse(line) as Hello | ModuleRequest
      } catch {
        return socket.destroy()
      }
      if (!greeted) {
        const hello = message as Hello
        if (!sameToken(hello.token, token)) return socket.destroy()
        greeted = true
        project = hello.project
        if (hello.child !== undefined) children.set(socket, hello.child)
        return
      }
      void reply(message as ModuleRequest)
    })
  })
  // Never keeps Vitest alive on its own.
  server.unref()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address, () => resolve())
  })

  return {
    address,
    token,
    async close() {
      clearInterval(reaper)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      process.off('exit', onSignal)
      // Vitest is closing: a child still connected now (its owner was killed and the run ended) is an orphan.
      reapOrphans(children, true)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true })
    },
  }
}
