// Which files the bench project runs: those the plugin's include/exclude match
// that use this package. A file that matches but does not (a Vitest 5 native
// benchmark, a Vitest 4 `bench()` file) is left to Vitest.
import { readFile } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import { escapePath, glob } from 'tinyglobby'

/** Every extension Vitest's own test pattern covers. */
export const DEFAULT_INCLUDE = ['**/*.bench.{ts,mts,cts,tsx,js,mjs,cjs,jsx}']
/** What Vitest itself never collects. */
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**']

const USES_PACKAGE = /vitest-parallel-bench|\bbench(?:Threads|Processes|Compare)\b/

export interface BenchFiles {
  /** Absolute paths of the files that use this package. */
  ours: string[]
  /** Absolute paths of the files that match the globs but do not. */
  others: string[]
}

export async function findBenchFiles(root: string, include: string[], exclude: string[]): Promise<BenchFiles> {
  const files = await glob(include, { cwd: root, ignore: exclude, absolute: true })
  const ours: string[] = []
  const others: string[] = []
  await Promise.all(
    files.sort().map(async (file) => {
      const source = await readFile(file, 'utf8').catch(() => '')
      ;(USES_PACKAGE.test(source) ? ours : others).push(file)
    }),
  )
  return { ours: ours.sort(), others: others.sort() }
}

/** Exclude patterns for `files`, relative to `dir` (a project's root); files outside it are left out. */
export function excludePatterns(dir: string, files: readonly string[]): string[] {
  return files
    .map((file) => relative(dir, file))
    .filter((path) => path !== '' && !path.startsWith('..') && !isAbsolute(path))
    .map((path) => escapePath(path.split('\\').join('/')))
}

function isInside(dir: string, file: string): boolean {
  const path = relative(dir, file)
  return path !== '' && !path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path)
}

/**
 * The files of `files` that belong to the config declared in `dir`: a file belongs to the nearest
 * folder that declares the plugin (a monorepo package with its own `parallelBench()` keeps its
 * benches, with its config, though the root declares the plugin too).
 */
export function ownedFiles(files: readonly string[], dir: string, declaredDirs: readonly string[]): string[] {
  const nested = declaredDirs.filter((other) => isInside(dir, other))
  return files.filter((file) => !nested.some((other) => isInside(other, file)))
}
