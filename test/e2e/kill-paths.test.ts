// Every combination of SIGKILLs a CI runner or a user can deal: Vitest's main process alone, main
// and the Vitest worker that owns the pool together, the whole process group. fn spins forever in
// every worker, so no handler in a bench child can run; 5 s later nothing of the run may be left.
// (A SIGKILL of the owner alone: test/e2e/reliability.test.ts.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isAlive, processTable, processTree, spinningPid, waitFor } from '../support/processes.js'
import { benchNamed, startVitest } from '../support/run-vitest.js'

type Victims = 'main' | 'main and owner' | 'group'

const cases: [Victims, 'processes' | 'threads'][] = [
  ['main', 'processes'],
  ['main and owner', 'processes'],
  ['group', 'processes'],
  ['main and owner', 'threads'],
]

describe.runIf(process.platform === 'linux')('kill paths', () => {
  for (const [victims, model] of cases) {
    it(`leaves nothing behind 5 s after a SIGKILL of ${victims} while fn spins in a ${model} pool`, async () => {
      const markers = mkdtempSync(join(tmpdir(), 'markers-'))
      const { child, done } = startVitest('reliability', ['orphan', '-t', `spins forever \\[${model}\\]`], {
        env: { MARKER_DIR: markers },
        detached: victims === 'group',
      })
      const main = child.pid as number
      let tree: ReturnType<typeof processTree> = []
      try {
        const spinning = await spinningPid(markers, model)
        expect(spinning).toBeDefined()
        // For threads, the spinning pid is the owner itself.
        const owner = model === 'threads' ? spinning : processTable().find((p) => p.pid === spinning)?.ppid
        expect(owner).toBeDefined()
        tree = processTree(main)
        expect(tree.map((p) => p.pid)).toContain(spinning)
        if (victims === 'group') process.kill(-main, 'SIGKILL')
        else {
          process.kill(main, 'SIGKILL')
          if (victims === 'main and owner') process.kill(owner as number, 'SIGKILL')
        }
        const gone = await waitFor(() => tree.every((p) => !isAlive(p.pid)), 5000)
        expect(
          gone,
          `still alive: ${tree
            .filter((p) => isAlive(p.pid))
            .map((p) => `${p.pid} ${p.args}`)
            .join('\n')}`,
        ).toBe(true)
      } finally {
        // A survivor (a failed case) is re-parented away from main: end what was in the tree.
        for (const p of tree) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL')
        child.kill('SIGKILL')
        await done
        rmSync(markers, { recursive: true, force: true })
      }
    })
  }
})

describe('an interrupted run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`says so on ${signal} and reports the benches that completed, in the terminal and the JSON`, async () => {
      const markers = mkdtempSync(join(tmpdir(), 'markers-'))
      const { child, done } = startVitest('reliability', ['interrupted'], { env: { MARKER_DIR: markers } })
      try {
        expect(await waitFor(() => existsSync(join(markers, 'interrupted')), 60_000)).toBe(true)
        // Vitest sends task results to its main process in batches: let the first bench's arrive.
        await new Promise((resolve) => setTimeout(resolve, 1000))
        child.kill(signal)
        const run = await done
        expect(run.output).toContain(
          `Parallel bench: the run was interrupted (${signal}); 1 bench completed before it (below). Benches still running were stopped and not measured.`,
        )
        expect(run.output.split('the run was interrupted').length - 1).toBe(1)
        expect(run.stdout).toMatch(/● completes before the interrupt \[threads\]/)
        expect(run.json?.interrupted).toBe(signal)
        expect(run.json?.benches.map((bench) => bench.fullName)).toEqual([
          expect.stringContaining('completes before the interrupt [threads]'),
        ])
        expect(benchNamed(run, 'completes before the interrupt [threads]').results[0]?.rounds.length).toBeGreaterThan(0)
      } finally {
        child.kill('SIGKILL')
        rmSync(markers, { recursive: true, force: true })
      }
    })
  }
})
