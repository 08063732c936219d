// Soak check (a script, not a test): run a fixture project N times in one
// Vitest host process and print whether any run left a process behind and
// whether this process's memory or file descriptors grow.
//   npm run bench:soak -- [runs=50] [mode=failures|sigkill]
// failures: good and failing benches (throws, exits, missing, non-cloneable).
// sigkill:  a processes bench whose fn spins forever; the Vitest worker that owns
//           the pool is SIGKILLed mid-task (the module server must end the orphans).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startVitest } from 'vitest/node'
import { benchChildren, processTable, processTree, waitFor } from '../test/support/processes.js'

const runs = Number(process.argv[2] ?? 50)
const mode = process.argv[3] === 'sigkill' ? 'sigkill' : 'failures'
const root = resolve(import.meta.dirname, '../fixtures/reliability')
const filters = mode === 'sigkill' ? ['orphan'] : ['throws', 'exits', 'not-found', 'clone']

/** `ps` itself, and tsx's esbuild service (this script runs under tsx): not started by a run. */
function ignored(args: string): boolean {
  return args.startsWith('ps ') || args.includes('esbuild --service')
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

/** Waits for fn to spin in a child, then SIGKILLs the child's parent (the Vitest worker that owns the pool). */
async function killOwnerMidTask(markers: string): Promise<void> {
  let child: number | undefined
  await waitFor(() => {
    const marker = readdirSync(markers).find((name) => name.startsWith('processes-'))
    child = marker === undefined ? undefined : Number(marker.slice('processes-'.length))
    return child !== undefined
  }, 60_000)
  const owner = processTable().find((p) => p.pid === child)?.ppid
  if (owner === undefined) throw new Error('no spinning bench child found')
  process.kill(owner, 'SIGKILL')
}

const samples: { rssMiB: number; heapMiB: number; fds: number; leftovers: number }[] = []
let runsWithLeftovers = 0
const started = performance.now()
for (let run = 1; run <= runs; run++) {
  const markers = mkdtempSync(join(tmpdir(), 'soak-markers-'))
  process.env.MARKER_DIR = markers
  const running = startVitest('test', filters, {
    root,
    watch: false,
    reporters: [['default', { summary: false }]],
    silent: true,
    // sigkill: only the processes bench (a thread dies with its owner anyway); '' matches every test.
    testNamePattern: mode === 'sigkill' ? 'processes' : '',
  })
  if (mode === 'sigkill') await killOwnerMidTask(markers)
  const vitest = await running
  await vitest.close()
  rmSync(markers, { recursive: true, force: true })
  // Anything still running that we started: bench children, or Vitest workers under this process.
  const gone = await waitFor(() => benchChildren().length === 0, 2000)
  const leftovers =
    (gone ? 0 : benchChildren().length) +
    processTree(process.pid).filter((p) => p.pid !== process.pid && !ignored(p.args)).length
  if (leftovers > 0) {
    runsWithLeftovers++
    for (const p of [...benchChildren(), ...processTree(process.pid).filter((q) => q.pid !== process.pid)]) {
      if (!ignored(p.args)) process.stderr.write(`  left: ${p.pid} ${p.args.slice(0, 120)}\n`)
    }
  }
  global.gc?.()
  const memory = process.memoryUsage()
  samples.push({ rssMiB: memory.rss / 2 ** 20, heapMiB: memory.heapUsed / 2 ** 20, fds: openFds(), leftovers })
  process.stderr.write(
    `run ${run}/${runs}: rss ${samples.at(-1)?.rssMiB.toFixed(0)} MiB, fds ${samples.at(-1)?.fds}, leftovers ${leftovers}\n`,
  )
}
process.exitCode = 0

const first = samples[Math.min(4, samples.length - 1)]
const last = samples.at(-1)
if (first === undefined || last === undefined) throw new Error('no runs')
const minutes = (performance.now() - started) / 60_000
console.log(
  `\nSoak (${mode}): ${runs} runs of fixtures/reliability (${filters.join(', ')}) in one Vitest host, ${minutes.toFixed(1)} min`,
)
console.log(`runs that left a process behind: ${runsWithLeftovers} (goal 0)`)
console.log(`RSS after run 5 → run ${runs}: ${first.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB`)
console.log(`heap after run 5 → run ${runs}: ${first.heapMiB.toFixed(1)} → ${last.heapMiB.toFixed(1)} MiB`)
console.log(`open fds after run 5 → run ${runs}: ${first.fds} → ${last.fds}`)
