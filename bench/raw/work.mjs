// The functions every overhead measurement runs, in plain JavaScript: the raw
// baselines load this file directly; our pools load it as a `{ module, export }`
// target, so both sides run the very same code.
import { pbkdf2, scrypt } from 'node:crypto'
import { gzip } from 'node:zlib'

/** Small input, small output: what a round trip costs when the work is nothing. */
export function echo(input) {
  return { id: input.id, sum: input.values[0] + input.values[1] + input.values[2] + input.values[3] }
}

/** A large input (1 MiB typed array) with a tiny answer: the cost is in moving the input. */
export function size(input) {
  return input.byteLength
}

/** Fixed CPU work: `iterations` rounds of xorshift, the same cost on any thread or process. */
export function spin(iterations) {
  let x = 2463534242
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
  }
  return x >>> 0
}

/** Async work on libuv's thread pool: `iterations` of PBKDF2-SHA256; the calling thread only waits. */
export function derive(iterations) {
  return new Promise((resolve, reject) =>
    pbkdf2('password', 'salt', iterations, 32, 'sha256', (error, key) => (error ? reject(error) : resolve(key.length))),
  )
}

/** Memory-hard async work on libuv's thread pool: scrypt with cost `cost` (N), r 8; the calling thread only waits. */
export function scryptKey(cost) {
  return new Promise((resolve, reject) =>
    scrypt('password', 'salt', 32, { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key.length),
    ),
  )
}

const text = Buffer.from('the quick brown fox jumps over the lazy dog 0123456789 '.repeat(20_000))

/** zlib's async gzip of `bytes` of text on libuv's thread pool, at level 9; the calling thread only waits. */
export function compress(bytes) {
  return new Promise((resolve, reject) =>
    gzip(text.subarray(0, bytes), { level: 9 }, (error, out) => (error ? reject(error) : resolve(out.length))),
  )
}
