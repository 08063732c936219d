// Main process: what a bench worker's module runner gets when it asks for a
// module. Modules come from Vitest's own fetch for the bench project (the same
// transforms, plugins and externalization as its test workers), with two
// exceptions: `vitest` is the inert shim, and this package's entry is its worker
// view (helpers that only register their function).
import { existsSync, realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { TestProject } from 'vitest/node'
import type { ModuleRequest, ModuleResponse } from '../worker/module-channel.js'
import { type ModuleAnswer, plainError } from './module-server.js'
import { importPath, packageVersion } from './package-exports.js'
import { splitCodeFile } from './vitest-compat.js'

type Response = ModuleResponse['response']

/** Bench workers run in Node: their modules come from Vite's server-side environment, as for Vitest's node tests. */
const ENVIRONMENT = 'ssr'

function externalize(url: URL): Response {
  return { result: { externalize: url.href, type: 'module' } }
}

const SHIM = externalize(new URL('../worker/vitest-shim.js', import.meta.url))
const WORKER_ENTRY = externalize(new URL('../worker/bench-entry.js', import.meta.url))
const PACKAGE_ENTRY = realpathSync(fileURLToPath(new URL('../index.js', import.meta.url)))

function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

/** Where a fetch result's module lives on disk, inlined or externalized (a path or a file URL). */
function moduleFile(result: { externalize?: string; file?: string | null }): string | undefined {
  const { externalize } = result
  if (externalize?.startsWith('file:')) return realPath(fileURLToPath(externalize))
  if (externalize !== undefined && isAbsolute(externalize)) return realPath(externalize)
  return result.file ? realPath(result.file) : undefined
}

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/

/**
 * Vitest 5 sends a module's source map beside its code; Vite's module runner, which maps the
 * workers' stack traces, reads it only from an inline `sourceMappingURL`. So the map goes inline,
 * shifted by the lines the evaluator's function wrapper adds (none for Vitest's evaluator, which
 * the workers use), with a `//# sourceURL` so frames name the file.
 */
function forViteEvaluator(code: string, file: string, startOffset: number, separateMap: string | undefined): string {
  let body = code
  let map = separateMap
  const inline = INLINE_MAP.exec(body)
  if (inline?.[1] !== undefined) {
    map = Buffer.from(inline[1], 'base64').toString('utf8')
    body = body.slice(0, inline.index)
  }
  if (map !== undefined) {
    const decoded = JSON.parse(map) as { mappings: string }
    decoded.mappings = ';'.repeat(startOffset) + decoded.mappings
    body = `${body.trimEnd()}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(decoded)).toString('base64')}`
  }
  return body.includes('\n//# sourceURL=') ? `${body}\n` : `${body.trimEnd()}\n//# sourceURL=${file}\n`
}

/** `vite/module-runner` of the Vite that Vitest runs on: a runner must speak its server's protocol. */
export function viteModuleRunnerUrl(): string {
  const vitestManifest = importPath('vitest', './package.json', fileURLToPath(import.meta.url))
  const runner = vitestManifest && importPath('vite', './module-runner', vitestManifest)
  if (runner === undefined) {
    const vite = vitestManifest ? packageVersion('vite', vitestManifest) : 'unknown'
    throw new Error(`vitest-parallel-bench needs Vite 6 or later (vite/module-runner); Vitest runs on vite ${vite}`)
  }
  return pathToFileURL(runner).href
}

/** `vitest/runtime` of the Vitest that runs the project: the workers take Vitest's module evaluator from it. */
export function vitestRuntimeUrl(): string {
  const runtime = importPath('vitest', './runtime', fileURLToPath(import.meta.url))
  if (runtime === undefined) throw new Error('vitest-parallel-bench needs Vitest 4.1 or later (vitest/runtime)')
  return pathToFileURL(runtime).href
}

type FetchOptions = { cached?: boolean; startOffset?: number }
type FetchResult = {
  externalize?: string
  file?: string | null
  tmp?: string
  code?: string
  /** Vitest 5: the source map, beside the code. */
  sourceMap?: string
  cache?: boolean
}

/** Where modules come from: Vitest's fetch for a project, or (bench/ scripts) a plain Vite environment. */
export interface ModuleSource {
  fetch(url: string, importer: string | undefined, options: FetchOptions | undefined): Promise<FetchResult>
  /** Every other runner request (getBuiltins), answered by the Vite environment itself. */
  handleInvoke(payload: ModuleRequest['payload']): Promise<Response>
  /** Whether this file may be read for a worker: Vite's `server.fs.allow` / `deny` rules. */
  allows(file: string): boolean
  /** The project root, where Vite resolves a URL starting with `/` first. */
  root: string
  /** The file a relative URL resolves to from `importer`, as Vite resolves it; undefined when it does not. */
  resolve(url: string, importer: string | undefined): Promise<string | undefined>
}

type FetchArguments = [url: string, importer: string | undefined, options: FetchOptions | undefined]

/** fetchModule's arguments checked for type (they come over a socket), or a sentence saying what is wrong. */
function fetchArguments(data: unknown[]): FetchArguments | string {
  const [url, importer, options] = data
  if (typeof url !== 'string') return 'fetchModule: the url must be a string'
  if (importer !== undefined && importer !== null && typeof importer !== 'string')
    return 'fetchModule: the importer must be a string'
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options)))
    return 'fetchModule: the options must be an object'
  return [url, importer ?? undefined, (options ?? undefined) as FetchOptions | undefined]
}

/** The file system path a URL names outright (`/abs`, `/@fs/abs`, `file://`), else undefined. */
function namedPath(url: string): string | undefined {
  const bare = url.replace(/[?#].*$/s, '')
  if (bare.startsWith('/@fs/')) return bare.slice('/@fs'.length)
  if (bare.startsWith('file:')) {
    try {
      return fileURLToPath(bare)
    } catch {
      return undefined
    }
  }
  return isAbsolute(bare) ? bare : undefined
}

function notAllowed(file: string): Response {
  return {
    error: plainError(
      new Error(
        `${file} is outside the paths Vite may load for this project (server.fs.allow / server.fs.deny); add its folder to server.fs.allow to load it in bench workers`,
      ),
    ),
  }
}

/**
 * Held to the paths the project's Vite dev server would serve (Vite's `isFileLoadingAllowed`): the
 * channel is local, but a client with the token must not read /etc/passwd or `/dev/zero` through it.
 * Checked on the URL before fetching, and on the file that came back (a `../..` resolves only there).
 */
function deniedUrl(source: ModuleSource, url: string): boolean {
  const path = namedPath(url)
  if (path === undefined) return false
  // `/src/x.ts` is root-relative first, as Vite reads it; `/@id/…` and other virtual ids are no files.
  const rooted = url.startsWith('/') && !url.startsWith('/@fs/') ? join(source.root, path) : undefined
  if (rooted !== undefined && existsSync(rooted)) return deniedFile(source, rooted)
  return deniedFile(source, path)
}

function deniedFile(source: ModuleSource, file: string): boolean {
  // Virtual modules (`\0virtual:x`) are no files: only real files are held to the rules, as Vite does.
  return isAbsolute(file) && existsSync(file) && !source.allows(file)
}

/** Vitest's entry is the shim in a worker, and this package's entry its worker view. */
function swap(file: string, vitestEntry: string | undefined): Response | undefined {
  if (file === vitestEntry) return SHIM
  return file === PACKAGE_ENTRY ? WORKER_ENTRY : undefined
}

/** Answers module requests from `sourceOf(project)`, with the shim and the worker entry swapped in. */
export function workerModuleAnswer(sourceOf: (project: string) => ModuleSource | undefined): ModuleAnswer {
  const vitestEntry = importPath('vitest', '.', fileURLToPath(import.meta.url))
  return async (project, payload) => {
    const source = sourceOf(project)
    if (source === undefined) return { error: plainError(new Error(`no Vitest project named "${project}"`)) }
    const { name, data } = payload.data
    if (name !== 'fetchModule') return source.handleInvoke(payload)
    const checked = fetchArguments(data)
    if (typeof checked === 'string') return { error: plainError(new TypeError(checked)) }
    const [url, importer, options] = checked
    if (url === 'vitest') return SHIM
    // Asked for by path: swapped before the check too (see below).
    const named = namedPath(url)
    const swapped = named === undefined ? undefined : swap(realPath(named), vitestEntry)
    if (swapped !== undefined) return swapped
    if (deniedUrl(source, url)) return notAllowed(named ?? url)
    // A relative URL can climb out (`../../etc/passwd`): resolve it first, or Vite's parse error would quote the file.
    if (url.startsWith('.')) {
      const resolved = await source.resolve(url, importer)
      if (resolved !== undefined && deniedFile(source, resolved)) return notAllowed(resolved)
    }
    const result = await source.fetch(url, importer, options)
    // Swapped before the check: no byte of them is served, and a monorepo's hoisted node_modules may lie
    // outside a package's server.fs.allow (Vitest's own workers load them from there all the same).
    const file = moduleFile(result)
    const swappedFile = file === undefined ? undefined : swap(file, vitestEntry)
    if (swappedFile !== undefined) return swappedFile
    if (
      result.file != null &&
      (result.code !== undefined || result.tmp !== undefined) &&
      deniedFile(source, result.file)
    )
      return notAllowed(result.file)
    // With Vitest's file cache on, the code (and on Vitest 5 its map) waits in a file.
    const { code, sourceMap } =
      result.tmp === undefined
        ? { code: result.code, sourceMap: result.sourceMap }
        : splitCodeFile(await readFile(result.tmp, 'utf8'))
    if (code === undefined || result.file == null) return { result }
    const { sourceMap: _separate, tmp: _tmp, ...rest } = result
    return { result: { ...rest, code: forViteEvaluator(code, result.file, options?.startOffset ?? 0, sourceMap) } }
  }
}

type FileLoadingCheck = (config: import('vite').ResolvedConfig, file: string) => boolean

/** Vite's own check of `server.fs` (from the Vite that Vitest runs on): `isFileLoadingAllowed` (Vite ≥ 6.0.9). */
async function fileLoadingCheck(): Promise<FileLoadingCheck> {
  const vitestManifest = importPath('vitest', './package.json', fileURLToPath(import.meta.url))
  const entry = vitestManifest && importPath('vite', '.', vitestManifest)
  const vite = (await import(entry ? pathToFileURL(entry).href : 'vite')) as {
    isFileLoadingAllowed?: FileLoadingCheck
    isFileServingAllowed?: (config: import('vite').ResolvedConfig, url: string) => boolean
  }
  const { isFileLoadingAllowed, isFileServingAllowed } = vite
  if (isFileLoadingAllowed !== undefined) return isFileLoadingAllowed
  if (isFileServingAllowed !== undefined) return (config, file) => isFileServingAllowed(config, file)
  throw new Error('vitest-parallel-bench: the Vite that Vitest runs on exports no isFileLoadingAllowed')
}

/** What a module source may serve: Vite's `server.fs` rules of `config`, and resolution in `environment`. */
export async function fileRules(
  config: import('vite').ResolvedConfig,
  environment: import('vite').DevEnvironment | undefined,
): Promise<Pick<ModuleSource, 'allows' | 'root' | 'resolve'>> {
  const allows = await fileLoadingCheck()
  return {
    root: config.root,
    allows: (file) => allows(config, file.replaceAll('\\', '/')),
    resolve: async (url, importer) => {
      const resolved = await environment?.pluginContainer.resolveId(url, importer)
      return resolved ? resolved.id.replace(/[?#].*$/s, '') : undefined
    },
  }
}

/** The module source of a Vitest project: Vitest's own fetch (`createMethodsRPC`, as its pools use it). */
export async function vitestModuleSource(project: TestProject): Promise<ModuleSource> {
  const { createMethodsRPC } = await import('vitest/node')
  const rpc = createMethodsRPC(project)
  const environment = project.vite.environments[ENVIRONMENT]
  return {
    ...(await fileRules(project.vite.config, environment)),
    fetch: (url, importer, options) => rpc.fetch(url, importer, ENVIRONMENT, options) as Promise<FetchResult>,
    handleInvoke: async (payload) =>
      environment === undefined
        ? { error: plainError(new Error(`the project "${project.name}" has no "${ENVIRONMENT}" Vite environment`)) }
        : ((await environment.hot.handleInvoke(payload)) as Response),
  }
}
