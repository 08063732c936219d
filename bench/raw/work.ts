// TypeScript twin of work.mjs's `spin`, imported extensionless by spin-bench.ts
// (as Vite allows), so startup pays for what a real bench file needs.
export function spin(iterations: number): number {
  let x: number = 2463534242
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
  }
  return x >>> 0
}
