// Types of fork-pool.mjs, for bench/overhead.ts.
export interface RawForkPool {
  /** Resolves when every child has loaded its module. */
  ready: Promise<void>
  run(input: unknown): Promise<unknown>
  destroy(): Promise<void>
}

export function createRawForkPool(size: number, env?: Record<string, string>): RawForkPool
