// A fixture configured like a real application (fixtures/app): bench workers
// load the bench file through the project's own Vite pipeline, so aliases,
// tsconfig paths, a plugin's virtual module, ?raw imports, define,
// import.meta.env, setup files, globals, package.json "imports" and a
// workspace package imported by name all work inside fn, under both models.
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { benchNamed, fixture, runVitest } from '../support/run-vitest.js'
import { line } from '../support/vitest-line.js'

/** An app's node_modules: the installed plugin and a workspace package, linked as npm links them. */
function linkNodeModules(root: string): void {
  const modules = join(root, 'node_modules')
  rmSync(modules, { recursive: true, force: true })
  mkdirSync(join(modules, '@fixture'), { recursive: true })
  symlinkSync(line.packageDir, join(modules, 'vitest-parallel-bench'), 'dir')
  symlinkSync(join(root, 'packages', 'greeter'), join(modules, '@fixture', 'greeter'), 'dir')
}

describe('bench workers load modules the way Vitest does', () => {
  beforeAll(() => linkNodeModules(fixture('app')))

  it('resolves and transforms everything the app config sets up, in threads and in processes', async () => {
    const markers = join(tmpdir(), `vpb-app-markers-${process.pid}.jsonl`)
    rmSync(markers, { force: true })
    const run = await runVitest('app', [], { env: { PB_MARKERS: markers } })
    expect(run.code, run.output).toBe(0)
    for (const title of ['uses the app config [threads]', 'uses the app config [processes]']) {
      const bench = benchNamed(run, title)
      expect(bench.error, run.output).toBeUndefined()
      expect(bench.results[0]?.rounds.length, run.output).toBe(3)
    }
    const seen = readFileSync(markers, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    rmSync(markers, { force: true })
    // One marker per worker (2 threads, 2 processes, plus the serial arm's own worker each).
    expect(new Set(seen.map((s) => s.model))).toEqual(new Set(['threads', 'processes']))
    for (const marker of seen) {
      expect(marker, run.output).toMatchObject({
        alias: 'function',
        tsconfigPaths: 'lib:x',
        virtual: 42,
        raw: 'raw text',
        define: 'from-define',
        mode: 'test',
        imports: 'package.json imports',
        workspace: 'hello bench',
        setup: 3,
      })
    }
  })
})
