// Beyond one machine, on one machine: the README's shard-and-merge recipe run step by step as
// written (the blob path both Vitest lines honour), and a matrix of two "machines" — the same
// bench file pinned to one and to two CPUs (taskset: effective cores read the affinity), each
// with its own VITEST_BLOB_LABEL and the real blob reporter — merged into one curve.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MachineCurve } from '../../src/analysis/machines.js'
import { fixture, ROOT, runVitest, type VitestRun } from '../support/run-vitest.js'

const FIXTURE = 'machines'

function clean(): void {
  for (const dir of ['.vitest-blobs', '.vitest-reports', '.vitest', 'blobs']) {
    rmSync(join(fixture(FIXTURE), dir), { recursive: true, force: true })
  }
}
beforeAll(clean)
afterAll(clean)

/** The README's sharding workflow: the YAML block that merges blob reports. */
function readmeRecipe(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(([, body]) => body ?? '')
  const recipe = blocks.find((block) => block.includes('--shard=') && block.includes('--merge-reports'))
  if (recipe === undefined) throw new Error('README.md has no shard-and-merge workflow')
  return recipe
}

/** `npx vitest …` of a `- run:` step, its arguments split, GitHub's expressions replaced. */
function vitestArgs(step: string, values: Record<string, string>): string[] {
  const command = step.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for \${{ ${name} }} in: ${step}`)
    return value
  })
  const [npx, vitest, ...args] = command.trim().split(/\s+/)
  expect([npx, vitest]).toEqual(['npx', 'vitest'])
  return args
}

function steps(recipe: string): { runs: string[]; paths: string[] } {
  return {
    runs: [...recipe.matchAll(/- run: (npx vitest .*)/g)].map(([, run]) => run ?? ''),
    paths: [...recipe.matchAll(/^\s+path: (.*)$/gm)].map(([, path]) => (path ?? '').trim()),
  }
}

function names(run: VitestRun): string[] {
  if (run.json === undefined) throw new Error(`no parallel-bench.json was written\n${run.output}`)
  return run.json.benches.map((bench) => bench.fullName).sort()
}

describe("the README's shard-and-merge recipe, step by step", () => {
  it('names no folder only one Vitest line writes, and yields the merged report', async () => {
    const recipe = readmeRecipe()
    const { runs, paths } = steps(recipe)
    expect(runs).toHaveLength(2)
    const [shardStep = '', mergeStep = ''] = runs
    // Vitest 4's default blob folder is .vitest-reports, Vitest 5's .vitest/blob: the recipe names neither.
    for (const step of [...runs, ...paths]) expect(step).not.toMatch(/\.vitest-reports|\.vitest\/blob/)
    const [upload = '', download = ''] = paths
    expect(upload).toBe(`${download}/*`)

    const shards: VitestRun[] = []
    for (const shard of ['1', '2']) {
      const args = vitestArgs(shardStep, { 'matrix.shard': shard, 'strategy.job-total': '2' })
      expect(args[0]).toBe('run')
      shards.push(await runVitest(FIXTURE, args.slice(1)))
    }
    for (const shard of shards) expect(shard.code, shard.output).toBe(0)
    // Each shard's blob is where the upload step looks, and nowhere else.
    expect(readdirSync(join(fixture(FIXTURE), download)).sort()).toEqual(['blob-1.json', 'blob-2.json'])
    expect(existsSync(join(fixture(FIXTURE), '.vitest-reports'))).toBe(false)
    expect(existsSync(join(fixture(FIXTURE), '.vitest', 'blob'))).toBe(false)

    const merged = await runVitest(FIXTURE, vitestArgs(mergeStep, {}), { command: [] })
    expect(merged.code, merged.output).toBe(0)
    expect(names(merged)).toEqual(['other spin [threads]', 'scale spin [threads]'])
    expect(names(merged)).toEqual(shards.flatMap(names).sort())
    expect(merged.stdout.match(/^● /gm)).toHaveLength(2)
  })
})

describe('two machines pinned to one and two CPUs, merged', () => {
  it('keeps both machines’ rows and draws one curve across them', async () => {
    const machines = [
      { label: 'one-cpu', cpus: '0', cores: 1 },
      { label: 'two-cpus', cpus: '0,1', cores: 2 },
    ]
    const runs: VitestRun[] = []
    for (const { label, cpus } of machines) {
      runs.push(
        await runVitest(FIXTURE, ['scale', '--reporter=blob', `--outputFile.blob=blobs/blob-${label}.json`], {
          under: ['taskset', '-c', cpus],
          env: { VITEST_BLOB_LABEL: label },
        }),
      )
    }
    for (const run of runs) expect(run.code, run.output).toBe(0)
    const merged = await runVitest(FIXTURE, ['--merge-reports=blobs'], { command: [] })
    expect(merged.code, merged.output).toBe(0)
    const doc = merged.json
    if (doc === undefined) throw new Error(`no parallel-bench.json\n${merged.output}`)

    // Every machine's rows, once, each with the machine that measured it.
    expect(doc.benches).toHaveLength(2)
    for (const { label, cores } of machines) {
      const [bench, ...others] = doc.benches.filter((b) => b.environment?.label === label)
      expect(others).toEqual([])
      expect(bench?.environment?.effectiveCores).toBe(cores)
      // workers: 'auto' on this machine: 1 on one CPU, 2 on two.
      expect(bench?.results.map((r) => r.workers)).toEqual([cores])
      // The merged JSON holds what the machine measured, raw rounds included.
      const own = runs[machines.findIndex((m) => m.label === label)]?.json?.benches[0]
      expect(bench?.results[0]?.rounds).toEqual(own?.results[0]?.rounds)
      expect(merged.stdout).toContain(`measured on ${label} · `)
    }

    // One curve across both: each point the machine's own estimate, the fit over both.
    const [curve, ...more] = (doc as { machines?: MachineCurve[] }).machines ?? []
    expect(more).toEqual([])
    if (curve === undefined) throw new Error('no curve across machines in the merged JSON')
    expect(curve.machines.map((m) => [m.machine, m.effectiveCores])).toEqual([
      ['one-cpu', 1],
      ['two-cpus', 2],
    ])
    for (const point of curve.points) {
      const row = doc.benches.find((b) => b.environment?.label === point.machine)?.results[0]
      expect(point.workers).toBe(row?.workers)
      expect(point.speedup).toBe(row?.estimate.speedup)
      expect(point.efficiency).toBeCloseTo((row?.estimate.speedup ?? 0) / point.workers, 12)
    }
    const fit = curve.serialFraction
    expect(fit).toBeDefined()
    expect(fit?.low).toBeLessThanOrEqual(fit?.value ?? Number.NaN)
    expect(fit?.high).toBeGreaterThanOrEqual(fit?.value ?? Number.NaN)
    expect(merged.stdout).toContain('◆ scale spin [threads] · threads across 2 machines')
    expect(merged.stdout).toMatch(/Amdahl serial fraction across machines \d\.\d{3} \[\d\.\d{3}–\d\.\d{3}\]/)

    // The gate on the merged fit: it fails the merge run exactly when the whole interval lies above it.
    const strict = await runVitest(FIXTURE, ['--merge-reports=blobs'], {
      command: [],
      env: { MAX_SERIAL_FRACTION: '0' },
    })
    const above = (fit?.low ?? 0) > 0
    expect(strict.code, strict.output).toBe(above ? 1 : 0)
    const named =
      /(FAIL|PASS|INCONCLUSIVE) maxSerialFraction 0: .*judged on one-cpu \(1 effective core\), two-cpus \(2 effective cores\)/
    expect(strict.stdout.replace(/\n {4}/g, ' ')).toMatch(named)
    if (above) expect(strict.stderr).toContain('the curve across machines says the code stops scaling')
    // No serial fraction lies above 1: the same curve passes.
    const lenient = await runVitest(FIXTURE, ['--merge-reports=blobs'], {
      command: [],
      env: { MAX_SERIAL_FRACTION: '1' },
    })
    expect(lenient.code, lenient.output).toBe(0)
    expect(lenient.stdout.replace(/\n {4}/g, ' ')).toMatch(/PASS maxSerialFraction 1: .*judged on one-cpu/)
  })
})
