// Where a package's export is for `import` in Node, resolved from another
// package's own dependencies: bench workers need the `vite/module-runner` of the
// Vite that Vitest runs on (the runner must speak its server's protocol), and
// the module server needs the file that `import 'vitest'` loads.
import { readFileSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

type ExportTarget = string | { [condition: string]: ExportTarget } | null | undefined

/** The file an exports entry points to for `import` in Node. */
function importTarget(target: ExportTarget): string | undefined {
  if (typeof target === 'string') return target
  if (target === null || target === undefined) return undefined
  for (const condition of ['node', 'import', 'default']) {
    const found = importTarget(target[condition])
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * The real path of `packageName` + `subpath` (e.g. '.', './module-runner') as `import` loads it,
 * resolved from `fromFile`; undefined when the package does not export that path.
 */
export function importPath(packageName: string, subpath: string, fromFile: string): string | undefined {
  const manifestPath = createRequire(fromFile).resolve(`${packageName}/package.json`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: ExportTarget }
  const exports = manifest.exports
  const entry =
    typeof exports === 'string' || (exports !== null && typeof exports === 'object' && !(subpath in exports))
      ? subpath === '.'
        ? exports
        : undefined
      : exports?.[subpath]
  const file = importTarget(entry as ExportTarget)
  return file === undefined ? undefined : realpathSync(join(dirname(manifestPath), file))
}

/** The version of `packageName` as seen from `fromFile`. */
export function packageVersion(packageName: string, fromFile: string): string {
  const manifestPath = createRequire(fromFile).resolve(`${packageName}/package.json`)
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version
}
