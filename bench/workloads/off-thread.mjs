// Work that runs off the calling thread, for bench/load.ts: async PBKDF2 on libuv's thread pool,
// and fixed CPU work in a long-lived helper process that fn starts (as a compiler's service
// process does). Plain JavaScript, so raw pools and our pools load the very same code.
import { spawn } from 'node:child_process'
import { pbkdf2 } from 'node:crypto'

/** Async work on libuv's thread pool: `iterations` of PBKDF2-SHA256; the calling thread only waits. */
export function derive(iterations) {
  return new Promise((resolve, reject) =>
    pbkdf2('password', 'salt', iterations, 32, 'sha256', (error, key) => (error ? reject(error) : resolve(key.length))),
  )
}

// The helper reads iteration counts, one per line, spins that many xorshift steps, answers a line;
// it exits when its stdin closes, i.e. when the worker that started it goes away.
const HELPER = `
let x = 2463534242, rest = ''
process.stdin.on('data', (chunk) => {
  rest += chunk
  let newline
  while ((newline = rest.indexOf('\\n')) !== -1) {
    const iterations = Number(rest.slice(0, newline))
    rest = rest.slice(newline + 1)
    for (let i = 0; i < iterations; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5 }
    process.stdout.write((x >>> 0) + '\\n')
  }
})
process.stdin.on('end', () => process.exit(0))`

let helper
const waiting = []
function startHelper() {
  helper = spawn(process.execPath, ['-e', HELPER], { stdio: ['pipe', 'pipe', 'ignore'] })
  let rest = ''
  helper.stdout.on('data', (chunk) => {
    rest += chunk
    for (let newline = rest.indexOf('\n'); newline !== -1; newline = rest.indexOf('\n')) {
      const value = Number(rest.slice(0, newline))
      rest = rest.slice(newline + 1)
      waiting.shift()?.(value)
    }
  })
  helper.unref()
  helper.stdin.unref?.()
  helper.stdout.unref?.()
}

/** Fixed CPU work done by this worker's helper process; the calling thread only waits. */
export function viaHelper(iterations) {
  if (helper === undefined) startHelper()
  return new Promise((resolve) => {
    waiting.push(resolve)
    helper.stdin.write(`${iterations}\n`)
  })
}
