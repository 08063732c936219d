// The module channel as a stranger meets it: any frame, before or after the token, gets a coded
// answer or a closed connection, never a throw, a hang or an unhandled rejection in this process
// (which stands for Vitest's main process). Fuzzed with fast-check over real socket connections.
import { EventEmitter } from 'node:events'
import { connect, type Socket } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  HELLO_DEADLINE_MS,
  MAX_HELLO_BYTES,
  MAX_UNAUTHENTICATED,
  type ModuleServer,
  startModuleServer,
} from '../../../src/plugin/module-server.js'
import { lineReader, parseRequest, requestId } from '../../../src/worker/module-channel.js'

const RUNS = 1000

let server: ModuleServer
const crashes: unknown[] = []
const onCrash = (error: unknown): void => void crashes.push(error)

beforeAll(async () => {
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)
  // Answers every well-formed request; a request for 'throw' makes the answer itself fail.
  server = await startModuleServer(async (_project, payload) => {
    if (payload.data.data[0] === 'throw') throw Object.create(null)
    return { result: { name: payload.data.name } }
  })
})

afterAll(async () => {
  await server.close()
  process.off('uncaughtException', onCrash)
  process.off('unhandledRejection', onCrash)
  expect(crashes).toEqual([])
})

interface Outcome {
  closed: boolean
  lines: string[]
}

/** Sends `text`, then waits for the server to close the connection or to send `expectLines` lines. */
function exchange(text: string | Buffer, expectLines: number, waitMs = 1000): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(server.address)
    const outcome: Outcome = { closed: false, lines: [] }
    let buffered = ''
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(finish, waitMs)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      buffered += chunk
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      outcome.lines.push(...parts)
      if (outcome.lines.length >= expectLines && expectLines > 0) finish()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      outcome.closed = true
      finish()
    })
    socket.write(text)
  })
}

const hello = (): string => `${JSON.stringify({ token: server.token, project: 'p' })}\n`

/** JSON a fuzzer or a stranger might send: any value, objects shaped like our frames with wrong fields. */
const anyFrame = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary' }),
  fc
    .record(
      {
        token: fc.oneof(
          fc.string(),
          fc.integer(),
          fc.constant(null),
          fc.string({ unit: 'binary', minLength: 48, maxLength: 48 }),
        ),
        project: fc.oneof(fc.string(), fc.constant({})),
        child: fc.oneof(fc.constant(undefined), fc.record({ pid: fc.integer(), owner: fc.anything() }), fc.anything()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        id: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double(), fc.string(), fc.constant(null)),
        payload: fc.oneof(
          fc.anything(),
          fc.record(
            {
              type: fc.constantFrom('custom', 'x'),
              event: fc.constantFrom('vite:invoke', 'other'),
              data: fc.oneof(
                fc.anything(),
                fc.record(
                  {
                    id: fc.oneof(fc.string(), fc.integer()),
                    name: fc.constantFrom('fetchModule', 'getBuiltins', 'evil', '__proto__'),
                    data: fc.oneof(fc.array(fc.oneof(fc.string(), fc.constant('throw'), fc.anything())), fc.anything()),
                  },
                  { requiredKeys: [] },
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
)
/** One line: a newline inside would make it two frames. */
const oneLine = anyFrame.map((text) => text.replaceAll('\n', ' ')).filter((text) => text.trim().length > 0)

describe('module server under fuzzed frames', () => {
  it(`closes the connection on any frame before the token (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(oneLine, async (line) => {
        const outcome = await exchange(`${line}\n`, 0)
        expect(outcome).toEqual({ closed: true, lines: [] })
      }),
      { numRuns: RUNS },
    )
  })

  it(`answers any frame after the token with a result or an error for its id, or closes the connection (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(oneLine, async (line) => {
        const id = requestId(line)
        const outcome = await exchange(`${hello()}${line}\n`, 1)
        if (id === undefined) {
          // No id, no way to answer: the connection ends, nothing else does.
          expect(outcome).toEqual({ closed: true, lines: [] })
          return
        }
        expect(outcome.lines).toHaveLength(1)
        const answer = JSON.parse(outcome.lines[0] as string) as { id: number; response: Record<string, unknown> }
        expect(answer.id).toBe(id)
        const request = parseRequest(line)
        if (typeof request === 'string' || request.payload.data.data[0] === 'throw') {
          expect(answer.response.error).toMatchObject({ name: expect.any(String), message: expect.any(String) })
        } else {
          expect(answer.response).toEqual({ result: { name: request.payload.data.name } })
        }
      }),
      { numRuns: RUNS },
    )
  })
})

describe('module server limits', () => {
  it('cuts off a long line before the token at the hello cap, without reading the rest', async () => {
    const outcome = await exchange(Buffer.alloc(8 << 20, 0x61), 0, 3000)
    expect(outcome.closed).toBe(true)
    expect(MAX_HELLO_BYTES).toBeLessThanOrEqual(1 << 20)
  })

  it(`closes a silent connection after ${HELLO_DEADLINE_MS} ms, not before`, async () => {
    const started = performance.now()
    const outcome = await exchange('', 0, HELLO_DEADLINE_MS + 2000)
    const elapsed = performance.now() - started
    expect(outcome.closed).toBe(true)
    expect(elapsed).toBeGreaterThanOrEqual(HELLO_DEADLINE_MS - 50)
    expect(elapsed).toBeLessThan(HELLO_DEADLINE_MS + 1500)
  })

  it(`holds at most ${MAX_UNAUTHENTICATED} connections without a hello; a worker's hello still gets through`, async () => {
    const strangers: Socket[] = []
    const closed: boolean[] = []
    for (let i = 0; i < 100; i++) {
      const socket = connect(server.address)
      socket.on('error', () => {})
      socket.on('close', () => (closed[i] = true))
      strangers.push(socket)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(closed.filter(Boolean).length).toBeGreaterThanOrEqual(100 - MAX_UNAUTHENTICATED)
    const request = JSON.stringify({
      id: 7,
      payload: { type: 'custom', event: 'vite:invoke', data: { id: 'x', name: 'getBuiltins', data: [] } },
    })
    const outcome = await exchange(`${hello()}${request}\n`, 1)
    expect(JSON.parse(outcome.lines[0] as string)).toEqual({ id: 7, response: { result: { name: 'getBuiltins' } } })
    for (const socket of strangers) socket.destroy()
  })
})

describe('lineReader', () => {
  it('gives the same lines however the bytes are split into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme' }).map((s) => s.replaceAll('\n', '')),
          { maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''))
          const socket = new EventEmitter() as unknown as Socket
          const seen: string[] = []
          lineReader(socket, (line) => seen.push(line))
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
          let from = 0
          for (const point of [...points, bytes.length]) {
            socket.emit('data', bytes.subarray(from, point))
            from = point
          }
          expect(seen).toEqual(lines.filter((line) => line.length > 0))
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('ends the connection at the cap, counting bytes across chunks', () => {
    const socket = new EventEmitter() as unknown as Socket
    let overflows = 0
    const seen: string[] = []
    lineReader(
      socket,
      (line) => seen.push(line),
      () => 10,
      () => overflows++,
    )
    socket.emit('data', Buffer.from('12345'))
    socket.emit('data', Buffer.from('678\nabc'))
    expect(seen).toEqual(['12345678'])
    socket.emit('data', Buffer.from('defghijk'))
    expect(overflows).toBe(1)
  })
})

describe('orphan reaping (where no kernel death watch ends a child)', () => {
  it.runIf(process.platform === 'linux')(
    'kills a child whose claim /proc confirms once its owner is SIGKILLed, while fn keeps it busy',
    async () => {
      // This test process stands for Vitest's main: owner (a Vitest worker) → child (a bench child).
      const childCode = `
        const net = require('node:net')
        const socket = net.connect(Buffer.from(process.env.ADDRESS, 'base64').toString())
        socket.write(JSON.stringify({ token: process.env.TOKEN, project: 'p', child: { pid: process.pid, owner: process.ppid } }) + '\\n')
        socket.on('connect', () => setTimeout(() => { process.stdout.write(String(process.pid) + '\\n'); for (;;) {} }, 200))
      `
      const ownerCode = `
        const { spawn } = require('node:child_process')
        spawn(process.execPath, ['-e', process.env.CHILD_CODE], { stdio: ['ignore', 'inherit', 'inherit'] })
        setInterval(() => {}, 1000)
      `
      const { spawn } = await import('node:child_process')
      const owner = spawn(process.execPath, ['-e', ownerCode], {
        env: {
          ...process.env,
          ADDRESS: Buffer.from(server.address).toString('base64'),
          TOKEN: server.token,
          CHILD_CODE: childCode,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const childPid = await new Promise<number>((resolve) =>
        owner.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      )
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0)
          return true
        } catch {
          return false
        }
      }
      try {
        expect(alive(childPid)).toBe(true)
        owner.kill('SIGKILL')
        const deadline = performance.now() + 3000
        while (alive(childPid) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
        expect(alive(childPid)).toBe(false)
      } finally {
        if (alive(childPid)) process.kill(childPid, 'SIGKILL')
      }
    },
  )
})
