// Worker-side registration. Inside a worker the bench file is imported again;
// there the helpers do not register Vitest tests, they only store their
// function under a key (kind + describe path + name), which the worker then
// looks up. The registry lives on a global symbol so that two copies of this
// package (a bundler, pnpm) still share it.

// biome-ignore lint/suspicious/noExplicitAny: user functions take whatever their input is.
export type BenchFunction = (input: any) => unknown

interface Registry {
  functions: Map<string, BenchFunction | typeof DUPLICATE>
  /** Names of the enclosing `describe` blocks while a bench file is being evaluated. */
  suitePath: string[]
  /** Async `describe` callbacks still running; awaited before the lookup. */
  pending: Promise<unknown>[]
}

const REGISTRY = Symbol.for('vitest-parallel-bench/registry')
const DUPLICATE = Symbol('duplicate')

type GlobalWithRegistry = typeof globalThis & { [REGISTRY]?: Registry }

/** The registry, only inside a worker; `undefined` in the Vitest host. */
export function workerRegistry(): Registry | undefined {
  return (globalThis as GlobalWithRegistry)[REGISTRY]
}

export function installRegistry(): Registry {
  const registry: Registry = { functions: new Map(), suitePath: [], pending: [] }
  ;(globalThis as GlobalWithRegistry)[REGISTRY] = registry
  return registry
}

/** The key under which host and worker agree on a bench: `threads::outer > inner > name`. */
export function benchKey(kind: string, suitePath: readonly string[], name: string): string {
  return `${kind}::${[...suitePath, name].join(' > ')}`
}

export function register(registry: Registry, kind: string, name: string, fn: BenchFunction): void {
  const key = benchKey(kind, registry.suitePath, name)
  registry.functions.set(key, registry.functions.has(key) ? DUPLICATE : fn)
}

/**
 * Inside a worker, registers a bench's function and returns true; in the Vitest host (no registry)
 * returns false. Only functions register: the `{ module, export }` form is loaded by its own path.
 */
export function registerInWorker(kind: string, name: string, subject: unknown): boolean {
  const registry = workerRegistry()
  if (registry === undefined) return false
  if (typeof subject === 'function') register(registry, kind, name, subject as BenchFunction)
  return true
}

export type Lookup = { found: true; fn: BenchFunction } | { found: false; reason: string }

export function lookup(registry: Registry, key: string): Lookup {
  const entry = registry.functions.get(key)
  if (entry === DUPLICATE) {
    return { found: false, reason: `two benches share the key "${key}"; give them distinct names` }
  }
  if (entry !== undefined) return { found: true, fn: entry }
  const known = [...registry.functions.keys()]
  return {
    found: false,
    reason:
      `no bench registered under "${key}" when the bench file was imported in the worker` +
      ` (registered: ${known.length === 0 ? 'none' : known.map((k) => `"${k}"`).join(', ')}).` +
      ' Benches must be defined at module scope or inside describe(), not in hooks, tests or conditions that differ in a worker.',
  }
}
