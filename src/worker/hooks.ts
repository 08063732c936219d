// Module hooks registered in every bench worker (module.register), so that the
// worker can import the user's TypeScript bench file exactly as Vitest did:
// - `vitest` resolves to the inert shim (the worker registers benches, it runs no tests);
// - extensionless and `.js`-for-`.ts` relative imports resolve like Vite resolves them;
// - TypeScript is stripped natively where Node can (22.18+/24), else by oxc-transform.
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { LoadHook, ResolveHook } from 'node:module'

export interface HooksData {
  shimUrl: string
  /** Node strips types itself (process.features.typescript); oxc is then only the fallback. */
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
    const ts = specifier.endsWith('.mjs') ? '.mts' : specifier.endsWith('.cjs') ? '.cts' : specifier.endsWith('.jsx') ? '.tsx' : '.ts'
    return [stem + ts]
  }
  return SOURCE_EXTENSIONS.map((extension) => specifier + extension)
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  if (specifier === 'vitest') return { url: data.shimUrl, shortCircuit: true }
  try {
    return await nextResolve(specifier, context)
  } catch (error) {
    const code = (error as { code?: string }).code
    const retry = code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT'
    if (!retry || !isPathLike(specifier)) throw error
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

let oxc: typeof import('oxc-transform') | undefined

async function stripTypes(url: string): Promise<string> {
  const path = fileURLToPath(url)
  const source = await readFile(path, 'utf8')
  oxc ??= await import('oxc-transform')
  const result = oxc.transformSync(path, source, { sourcemap: true, lang: path.endsWith('x') ? 'tsx' : 'ts' })
  const firstError = result.errors[0]
  if (firstError !== undefined) {
    throw new SyntaxError(`${path}: ${firstError.message}`)
  }
  // An inline source map keeps stack traces pointing at the user's .ts lines.
  const map = result.map === undefined ? '' : `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(result.map)).toString('base64')}`
  return result.code + map
}

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!url.startsWith('file:') || !TS_FILE.test(new URL(url).pathname)) return nextLoad(url, context)
  if (data.nativeTypeScript && !url.endsWith('.tsx')) {
    try {
      return await nextLoad(url, context)
    } catch (error) {
      // Enums, namespaces and parameter properties need a transform, not just stripping.
      if ((error as { code?: string }).code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') throw error
    }
  }
  return {
    format: url.endsWith('.cts') ? 'commonjs' : 'module',
    source: await stripTypes(url),
    shortCircuit: true,
  }
}
