// What `import … from 'vitest'` resolves to inside a bench worker. `describe`
// runs its callback (so benches inside it register under the right path);
// tests, hooks and everything else do nothing. The worker never runs tests.
import { workerRegistry } from './registry.js'

type Callback = () => unknown

/** A function that accepts any call or property access and returns itself (for `expect(...).toBe`, `vi.fn()`, ...). */
function inert(): unknown {
  const target = () => proxy
  const proxy: unknown = new Proxy(target, {
    get: (_t, property) => (property === 'then' ? undefined : proxy),
    apply: () => proxy,
  })
  return proxy
}

function nameOf(name: unknown): string {
  if (typeof name === 'function') return name.name
  return String(name)
}

function formatValue(value: unknown, spec: string): string {
  switch (spec) {
    case 'd':
    case 'i':
      return String(spec === 'i' ? Math.trunc(Number(value)) : Number(value))
    case 'f':
      return String(Number(value))
    case 'j':
    case 'o':
    case 'O':
      return JSON.stringify(value)
    default:
      return typeof value === 'string' ? value : String(value)
  }
}

/** Formats `describe.each` titles the way Vitest does for the common cases (%s %d %i %f %j %o %# %$ %%, $name.path). */
export function formatTitle(template: string, args: unknown, index: number): string {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
    return template.replace(/\$([\w.]+)/g, (_m, path: string) => {
      let value: unknown = args
      for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part]
      return formatValue(value, 's')
    })
  }
  const values = Array.isArray(args) ? [...args] : [args]
  return template.replace(/%([sdifjoO#$%])/g, (match, spec: string) => {
    if (spec === '%') return '%'
    if (spec === '#') return String(index)
    if (spec === '$') return String(index + 1)
    return values.length > 0 ? formatValue(values.shift(), spec) : match
  })
}

function runSuite(name: unknown, fn: unknown): void {
  const registry = workerRegistry()
  if (registry === undefined || typeof fn !== 'function') return
  registry.suitePath.push(nameOf(name))
  try {
    const result = (fn as Callback)()
    if (result instanceof Promise) registry.pending.push(result)
  } finally {
    registry.suitePath.pop()
  }
}

type SuiteFn = (name: unknown, fn?: unknown) => void
type SuiteApi = SuiteFn & Record<string, unknown>

/** `describe`/`test` with their variants; variants return the same API, so chains like `describe.skip.each` work. */
function suiteApi(base: SuiteFn): SuiteApi {
  const api = ((name: unknown, fn?: unknown) => base(name, fn)) as SuiteApi
  const each =
    (cases: unknown[]) =>
    (template: unknown, fn?: (...args: unknown[]) => unknown): void => {
      cases.forEach((args, index) => {
        base(formatTitle(nameOf(template), args, index), () => fn?.(...(Array.isArray(args) ? args : [args])))
      })
    }
  const forEach =
    (cases: unknown[]) =>
    (template: unknown, fn?: (args: unknown) => unknown): void => {
      cases.forEach((args, index) => {
        base(formatTitle(nameOf(template), args, index), () => fn?.(args))
      })
    }
  return Object.assign(api, {
    skip: api,
    only: api,
    concurrent: api,
    sequential: api,
    shuffle: api,
    todo: () => {},
    each,
    for: forEach,
    skipIf: () => api,
    runIf: () => api,
  })
}

export const describe = suiteApi(runSuite)
export const suite = describe
export const test = suiteApi(() => {})
export const it = test
export const bench = test
export const beforeAll = (): void => {}
export const afterAll = (): void => {}
export const beforeEach = (): void => {}
export const afterEach = (): void => {}
export const aroundAll = (): void => {}
export const aroundEach = (): void => {}
export const onTestFailed = (): void => {}
export const onTestFinished = (): void => {}
export const recordArtifact = async (): Promise<void> => {}
export const inject = (): undefined => undefined
export const expect = inert()
export const assert = inert()
export const should = inert()
export const chai = inert()
export const vi = inert()
export const vitest = vi
export const expectTypeOf = inert()
export const assertType = (): void => {}
export const createExpect = inert()
export default { describe, suite, test, it, bench, expect, vi }
