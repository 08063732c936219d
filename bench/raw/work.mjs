// The functions every overhead measurement runs, in plain JavaScript: the raw
// baselines load this file directly; our pools load it as a `{ module, export }`
// target, so both sides run the very same code.
import { pbkdf2 } from 'node:crypto'

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
