// Main process: the local channel over which bench workers ask for modules;
// `answer` (bench-modules.ts) decides what they get.
//
// The channel is a local socket: on Linux an abstract one (no file, so nothing is
// left behind even when this process is SIGKILLed), elsewhere a socket in a fresh
// 0700 temp directory (a named pipe on Windows). A client must open with the
// random token it was given through Vitest's `provide`, or it is dropped.
//
// An abstract socket has no file permissions: any local user can connect and send
// anything. Nothing a client sends may crash, stall or bloat this process (it is
// Vitest's main process, and it runs beside the numbers being measured): frames are
// checked for shape, lines capped, a client has 2 s to say hello, unauthenticated
// clients are few, and a handler's failure ends that connection only.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { descendsFrom, isRunning, type ProcessIdentity, processIdentity } from '../machine/process-identity.js'
import {
  type Hello,
  lineReader,
  type ModuleRequest,
  type ModuleResponse,
  parseHello,
  parseRequest,
  requestId,
} from '../worker/module-channel.js'

/** Answers one module runner request for the named project. */
export type ModuleAnswer = (project: string, payload: ModuleRequest['payload']) => Promise<ModuleResponse['response']>

export interface ModuleServer {
  /** Where workers connect (`net.connect(address)`). */
  address: string
  token: string
  close(): Promise<void>
}

/** A client that has not sent a valid hello by then is dropped. */
export const HELLO_DEADLINE_MS = 2000
/** A hello is ~200 bytes: a longer first line is not one. */
export const MAX_HELLO_BYTES = 4096
/** A module request names a module (a URL and an importer): 1 MiB is far above any real one. */
export const MAX_REQUEST_BYTES = 1 << 20
/** Clients between connect and hello; beyond this the oldest is dropped (a worker's hello comes within ms). */
export const MAX_UNAUTHENTICATED = 32
/** All clients: one per bench worker (workers are capped far below this). */
export const MAX_CONNECTIONS = 1024
/** Requests one client may have unanswered (a module runner has a few import chains in flight). */
export const MAX_IN_FLIGHT = 256

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
  // Vitest's RPC errors are plain objects with a message.
  const { name, message, stack } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  if (typeof message === 'string')
    return { name: typeof name === 'string' ? name : 'Error', message, ...(typeof stack === 'string' ? { stack } : {}) }
  return { name: 'Error', message: describeValue(error) }
}

/** A thrown non-error as text, however odd (a null-prototype object, a throwing toString). */
function describeValue(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
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

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Constant time whatever `given` is: both sides are hashed to 32 bytes first (timingSafeEqual needs equal lengths). */
function tokenCheck(token: string): (given: string) => boolean {
  const expected = digest(token)
  return (given) => timingSafeEqual(digest(given), expected)
}

/** How often the server looks for bench child processes whose owner died, ms. */
const REAP_INTERVAL_MS = 500

/**
 * A bench child process that said hello: checked in /proc where Linux has it (then known by pid and
 * start time), else taken at its word (`pid` and `owner` alone; see checkClaim).
 */
type KnownChild =
  | { verified: true; child: ProcessIdentity; owner: ProcessIdentity }
  | { verified: false; pid: number; owner: number }

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'
  }
}

/**
 * The claim of a hello's `child`, checked before the server would ever kill anything on its word:
 * the pid's parent must be the stated owner, and the owner must run below this process (a Vitest
 * worker); 'false' otherwise. Without /proc (macOS, Windows) the claim cannot be checked and is
 * taken as it is: there the socket sits in a 0700 directory (or a pipe), so only this user, who can
 * kill those processes anyway, can make it; on Linux an abstract socket is open to every user.
 */
function checkClaim(claim: NonNullable<Hello['child']>): KnownChild | 'false' {
  if (processIdentity(process.pid) === undefined) return { verified: false, pid: claim.pid, owner: claim.owner }
  const child = processIdentity(claim.pid)
  const owner = processIdentity(claim.owner)
  if (child === undefined || owner === undefined || child.ppid !== owner.pid) return 'false'
  if (!descendsFrom(owner.pid, process.pid)) return 'false'
  return { verified: true, child, owner }
}

function ownerAlive(known: KnownChild): boolean {
  return known.verified ? isRunning(known.owner) : isAlive(known.owner)
}

/** The very process that said hello (same start time where /proc tells), never a reused pid. */
function childToKill(known: KnownChild): number | undefined {
  if (!known.verified) return known.pid
  return isRunning(known.child) ? known.child.pid : undefined
}

/**
 * A bench child process must not outlive the Vitest worker that forked it, even when that worker
 * is SIGKILLed (OOM killer, kill -9) while fn keeps the child's main thread in an endless loop, so
 * that no 'disconnect' handler can run. This process (Vitest's main) is still there: it ends such
 * orphans (on Linux the kernel's death watch usually did already: pools/death-watch.ts). Costs the
 * children nothing; they already hold a connection here.
 */
function reapOrphans(children: Map<Socket, KnownChild>, all = false): void {
  for (const [socket, known] of children) {
    if (!all && ownerAlive(known)) continue
    children.delete(socket)
    const pid = childToKill(known)
    if (pid === undefined) continue
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

export async function startModuleServer(answer: ModuleAnswer): Promise<ModuleServer> {
  const token = randomBytes(24).toString('hex')
  const isToken = tokenCheck(token)
  const { address, directory } = listenAddress()
  const sockets = new Set<Socket>()
  /** Clients that have not said hello yet, oldest first. */
  const unauthenticated = new Set<Socket>()
  const children = new Map<Socket, KnownChild>()
  const reaper = setInterval(() => reapOrphans(children), REAP_INTERVAL_MS)
  reaper.unref()
  // Ctrl-C or a kill of Vitest: bench children go at once, not when their owner gets round to it
  // (Vitest lets a running test's worker linger ~1 s, and fn may never yield).
  const onSignal = (): void => reapOrphans(children, true)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // Vitest may exit from its own signal handler before ours runs.
  process.on('exit', onSignal)

  function serve(socket: Socket): void {
    sockets.add(socket)
    unauthenticated.add(socket)
    for (const oldest of unauthenticated) {
      if (unauthenticated.size <= MAX_UNAUTHENTICATED) break
      oldest.destroy()
      unauthenticated.delete(oldest)
    }
    const deadline = setTimeout(() => socket.destroy(), HELLO_DEADLINE_MS)
    deadline.unref()
    socket.on('close', () => {
      clearTimeout(deadline)
      sockets.delete(socket)
      unauthenticated.delete(socket)
      children.delete(socket)
    })
    socket.on('error', () => socket.destroy())
    let project: string | undefined
    let inFlight = 0

    const reply = async (id: number, request: ModuleRequest | string, of: string): Promise<void> => {
      let response: ModuleResponse['response']
      if (typeof request === 'string') response = { error: plainError(new TypeError(request)) }
      else {
        inFlight++
        try {
          response = await answer(of, request.payload)
        } catch (error) {
          response = { error: plainError(error) }
        } finally {
          inFlight--
        }
      }
      if (!socket.destroyed) socket.write(encode({ id, response }))
    }

    function greet(line: string): void {
      const hello = parseHello(line)
      if (hello === undefined || !isToken(hello.token)) return void socket.destroy()
      if (hello.child !== undefined) {
        const known = checkClaim(hello.child)
        if (known === 'false') return void socket.destroy()
        children.set(socket, known)
      }
      clearTimeout(deadline)
      unauthenticated.delete(socket)
      project = hello.project
    }

    function request(line: string, of: string): void {
      const id = requestId(line)
      // Without an id, no answer can reach the caller: a broken client.
      if (id === undefined || inFlight >= MAX_IN_FLIGHT) return void socket.destroy()
      reply(id, parseRequest(line), of).catch(() => socket.destroy())
    }

    lineReader(
      socket,
      (line) => {
        try {
          if (project === undefined) greet(line)
          else request(line, project)
        } catch {
          socket.destroy()
        }
      },
      () => (project === undefined ? MAX_HELLO_BYTES : MAX_REQUEST_BYTES),
    )
  }

  const server = createServer(serve)
  server.maxConnections = MAX_CONNECTIONS
  // Never keeps Vitest alive on its own.
  server.unref()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(address, () => resolve())
  })
  // A listening server that fails later (EMFILE on accept) must not crash Vitest.
  server.on('error', () => {})

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
