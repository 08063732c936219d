// Worker-side task for bench/accuracy.ts: a fixed amount of pure CPU work.
// The cost is set by an iteration count, never by the clock: a task that spins
// "until 25 ms have passed" would take 25 ms however starved or slowed its core
// is, and would hide exactly the effects the speedup is supposed to measure.

/** `iterations` steps of xorshift32; the result is returned so the loop cannot be optimised away. */
export function spin(iterations: number): number {
  let x = 0x9e3779b9 | 0
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
  }
  return x >>> 0
}
