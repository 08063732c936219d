// Judges the rounds that `npm run bench:load -- --dump FILE` recorded again, with the verdict code
// as it is now (dist/): a change to the correction or the verdict is checked against the same
// measurements, taken once on a quiet machine, before the matrix is measured anew.
//
//   npm run build && node --import tsx bench/load-replay.ts FILE
import { readFileSync } from 'node:fs'
import type { RoundSample } from '../dist/types.js'
import { BUDGETS, budgetsFor, judgeRecorded, printConfusionTable, type TableRow } from './support/verdict-replay.ts'

/** The structural bounds of bench/load.ts's workloads, for dumps that did not record theirs. */
const BOUNDS: Record<string, number> = { equal: 2, unequal: 5 / 3, small: 2, async: 2, helper: 2 }

const file = process.argv[2]
if (file === undefined) throw new Error('usage: bench/load-replay.ts <file written by bench:load --dump>')
const table: TableRow[] = []
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (line.trim() === '') continue
  const { model, workload, load, truth, rep, rounds, ...recorded } = JSON.parse(line) as {
    model: string
    workload: string
    load: string
    truth: number
    bound?: number
    equalTasks?: boolean
    rep: number
    rounds: RoundSample[]
  }
  let row = table.find((r) => r.model === model && r.workload === workload && r.load === load)
  if (row === undefined) {
    row = { model, workload, load, truth, cells: BUDGETS.map((budget) => ({ budget, statuses: [] })), errors: [] }
    table.push(row)
  }
  const budgets = budgetsFor(truth, recorded.bound ?? BOUNDS[workload] ?? 2)
  const equalTasks = recorded.equalTasks ?? workload !== 'unequal'
  console.log(
    `${model} ${workload} ${load.padEnd(6)} rep ${rep + 1}: ${judgeRecorded(row, rounds, budgets, equalTasks)}`,
  )
}
printConfusionTable(table)
