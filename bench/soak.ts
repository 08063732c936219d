// Soak check (a script, not a test): run a fixture project with good and
// failing benches N times in one Vitest host process and print whether any
// run left a process behind and whether this process's memory or file
// descriptors grow.  Usage: npm run bench:soak -- [runs=50]
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { startVitest } from 'vitest/node'
import { benchChildren, processTree } from '../test/support/processes.js'

const runs = Number(process.argv[2] ?? 50)
const root = resolve(import.meta.dirname, '../fixtures/reliability')
const filters = ['throws', 'exits', 'not-found', 'clone']

function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

const samples: { rssMiB: number; heapMiB: number; fds: number; leftovers: number }[] = []
let runsWithLeftovers = 0
const started = performance.now()
for (let run = 1; run <= runs; run++) {
  const vitest = await startVitest(
    'test',
    filters,
    { root, watch: false, reporters: [['default', { summary: false }]], silent: true },
    {},
    {},
  )
  await vitest.close()
  // Anything still running that we started: bench children, or Vitest workers under this process.
  const leftovers =
    benchChildren().length +
    processTree(process.pid).filter((p) => p.pid !== process.pid && !p.args.startsWith('ps ')).length
  if (leftovers > 0) runsWithLeftovers++
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
  `\nSoak: ${runs} runs of fixtures/reliability (${filters.join(', ')}) in one Vitest host, ${minutes.toFixed(1)} min`,
)
console.log(`runs that left a process behind: ${runsWithLeftovers} (goal 0)`)
console.log(`RSS after run 5 → run ${runs}: ${first.rssMiB.toFixed(0)} → ${last.rssMiB.toFixed(0)} MiB`)
console.log(`heap after run 5 → run ${runs}: ${first.heapMiB.toFixed(1)} → ${last.heapMiB.toFixed(1)} MiB`)
console.log(`open fds after run 5 → run ${runs}: ${first.fds} → ${last.fds}`)
