// Module hooks for every bench worker, so that the worker can import the
// user's TypeScript bench file exactly as Vitest did:
// - `vitest` resolves to the inert shim (the worker registers benches, it runs no tests);
// - extensionless and `.js`-for-`.ts` relative imports resolve like Vite resolves them;
// - TypeScript becomes JavaScript through oxc's transformer (as rolldown, Vite 8's bundler, ships it),
//   with an inline source map.
// Two ways in: `registerInThread()` (module.registerHooks, Node ≥ 22.15: synchronous, in the
// worker's own thread) or module.register() of this file (`initialize`/`resolve`/`load`, Node 20:
// Node runs them on a hooks thread of their own). See bench/overhead.ts for what each costs.
import { readFileSync } from 'node:fs'
import type { LoadHook, ResolveHook } from 'node:module'
import * as nodeModule from 'node:module'
import { fileURLToPath } from 'node:url'

export interface HooksData {
  shimUrl: string
  /**
   * Node strips types itself (process.features.typescript). oxc is still preferred: loading it
   * costs ~10 ms per worker, Node's own stripper ~60–75 ms (Node 24); Node strips only when oxc
   * cannot be loaded.
   */
  nativeTypeScript: boolean
}

let data: HooksData = { shimUrl: '', nativeTypeScript: false }

export function initialize(input: HooksData): void {
  data = input
}

const TS_FILE = /\.(?:[cm]?ts|tsx)$/
const JS_EXTENSION = /\.(?:[cm]?js|jsx)$/
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '/index.ts', '/index.js']

function isPathLike(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')
}

/** Where Vite would find `./work` or `./work.js` when only `./work.ts` exists. */
function candidates(specifier: string): string[] {
  if (JS_EXTENSION.test(specifier)) {
    const stem = specifier.replace(JS_EXTENSION, '')
    const ts = specifier.endsWith('.mjs')
      ? '.mts'
      : specifier.endsWith('.cjs')
        ? '.cts'
        : specifier.endsWith('.jsx')
          ? '.tsx'
          : '.ts'
    return [stem + ts]
  }
  return SOURCE_EXTENSIONS.map((extension) => specifier + extension)
}

/** Whether a failed resolution may be retried with candidates(). */
function retryable(specifier: string, error: unknown): boolean {
  const code = (error as { code?: string }).code
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') && isPathLike(specifier)
}

// ------------------------------------------------------------ TypeScript → JavaScript

// oxc's transformer as rolldown ships it (the bundler under Vite 8): rolldown publishes its native
// binding for every platform, which npm lockfiles need; oxc-transform's are not all published.
type Oxc = typeof import('rolldown/utils')

const require = nodeModule.createRequire(import.meta.url)
/** undefined: not tried yet; null: cannot be loaded here (no binary for this platform), see oxcError. */
let oxc: Oxc | null | undefined
let oxcError: unknown

function loadOxc(): Oxc | null {
  if (oxc === undefined) {
    try {
      // rolldown/utils has a CommonJS build: require() loads it synchronously, also in sync hooks.
      oxc = require('rolldown/utils') as Oxc
    } catch (error) {
      oxc = null
      oxcError = error
    }
  }
  return oxc
}

function transform(compiler: Oxc, path: string, source: string): string {
  const result = compiler.transformSync(path, source, { sourcemap: true, lang: path.endsWith('x') ? 'tsx' : 'ts' })
  const firstError = result.errors[0]
  if (firstError !== undefined) throw new SyntaxError(`${path}: ${firstError.message}`)
  // An inline source map keeps stack traces pointing at the user's .ts lines.
  const map =
    result.map === undefined
      ? ''
      : `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(result.map)).toString('base64')}`
  return result.code + map
}

/** JavaScript for a TypeScript file, or undefined when oxc cannot be loaded on this platform. */
export function compileTypeScript(path: string, source: string): string | undefined {
  const compiler = loadOxc()
  return compiler === null ? undefined : transform(compiler, path, source)
}

// ------------------------------------------------------------ the hooks, in two flavours

type LoadResult = { format: 'module' | 'commonjs'; source: string; shortCircuit: true }

/** The load result for a TypeScript file, or undefined to let Node load it. */
function loadTypeScript(url: string): LoadResult | undefined {
  if (!url.startsWith('file:')) return undefined
  const { pathname } = new URL(url)
  if (!TS_FILE.test(pathname)) return undefined
  const path = fileURLToPath(url)
  const source = compileTypeScript(path, readFileSync(path, 'utf8'))
  if (source === undefined) {
    // Without oxc, Node ≥ 22.18 strips the types itself; older Nodes would only say the extension is unknown.
    if (data.nativeTypeScript) return undefined
    const reason = oxcError instanceof Error ? oxcError.message : String(oxcError)
    throw new Error(
      `cannot load ${path}: rolldown's oxc transformer failed to load (${reason}) and Node ${process.version} does not strip TypeScript types`,
    )
  }
  return { format: pathname.endsWith('.cts') ? 'commonjs' : 'module', source, shortCircuit: true }
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  if (specifier === 'vitest') return { url: data.shimUrl, shortCircuit: true }
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    if (!retryable(specifier, error)) throw error
    for (const candidate of candidates(specifier)) {
      try {
        return await nextResolve(candidate, context)
      } catch {
        // try the next candidate
      }
    }
    throw error
  }
}

export const load: LoadHook = async (url, context, nextLoad) => loadTypeScript(url) ?? nextLoad(url, context)

interface SyncResolveResult {
  url: string
  format?: string | null | undefined
  shortCircuit?: boolean | undefined
}
interface SyncLoadResult {
  format?: string | null | undefined
  source?: string | ArrayBuffer | Uint8Array | undefined
  shortCircuit?: boolean | undefined
}
interface SyncHooks {
  resolve(
    specifier: string,
    context: object,
    nextResolve: (specifier: string, context?: object) => SyncResolveResult,
  ): SyncResolveResult
  load(url: string, context: object, nextLoad: (url: string, context?: object) => SyncLoadResult): SyncLoadResult
}
type RegisterHooks = (hooks: SyncHooks) => unknown

/**
 * Registers the hooks in this thread with module.registerHooks (Node ≥ 22.15), which runs them
 * synchronously here instead of on a hooks thread: no extra thread to start per worker.
 * Returns false when this Node has no registerHooks (use module.register of this file then).
 */
export function registerInThread(input: HooksData): boolean {
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks
  if (typeof registerHooks !== 'function') return false
  initialize(input)
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === 'vitest') return { url: data.shimUrl, shortCircuit: true }
      try {
        return nextResolve(specifier, context)
      } catch (error) {
        if (!retryable(specifier, error)) throw error
        for (const candidate of candidates(specifier)) {
          try {
            return nextResolve(candidate, context)
          } catch {
            // try the next candidate
          }
        }
        throw error
      }
    },
    load(url, context, nextLoad) {
      return loadTypeScript(url) ?? nextLoad(url, context)
    },
  })
  return true
}
