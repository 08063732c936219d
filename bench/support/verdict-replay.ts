// The engine's verdict procedure replayed on recorded rounds (bench/load.ts records them, and
// bench/load-replay.ts reads them back from a --dump file): one measurement, every budget.
import { judgedEstimate } from '../../dist/analysis/load-correction.js'
import { firstDecidingRound } from '../../dist/analysis/rounds.js'
import { isDecidedUnderLoad, rowEvidence, rowVerdict } from '../../dist/analysis/row-verdict.js'
import { estimateSpeedup, lookLevel, lookPlan, median, sequentialCoverage } from '../../dist/analysis/statistics.js'
import type { RoundSample, VerdictStatus } from '../../dist/types.js'

export const WORKERS = 2
export const CONFIDENCE = 0.95
export const MIN_ROUNDS = firstDecidingRound(CONFIDENCE)
export const MAX_ROUNDS = 40

/**
 * Budgets: truth × 0.9 (should PASS), truth × 1.1 (should FAIL), the same replayed as if the batch
 * had no structural bound (for CPU-bound work the truth lies at the bound, which would otherwise
 * decide it: this asks whether the interval alone fails it), structural bound × 1.1 (must FAIL,
 * never be excused).
 */
export const BUDGETS = ['below', 'above', 'above-interval', 'bound'] as const
export type BudgetKind = (typeof BUDGETS)[number]
export function budgetsFor(truth: number, bound: number): Record<BudgetKind, number> {
  return { below: truth * 0.9, above: truth * 1.1, 'above-interval': truth * 1.1, bound: bound * 1.1 }
}

interface Replay {
  status: VerdictStatus
  basis: string | undefined
  rounds: number
  measured: number
  onCpuGot: number | undefined
  parallelShare: number | undefined
}

/**
 * The engine's sequential procedure on the first rounds of a recorded run, for one budget;
 * `intervalOnly`: as if the batch had no structural bound, so that the interval (measured or
 * corrected) decides a budget the bound would otherwise rule out.
 */
export function replay(rounds: RoundSample[], target: number, equalTasks: boolean, intervalOnly = false): Replay {
  const evidenceOf = (seen: RoundSample[], level: number) => {
    const evidence = rowEvidence(seen, WORKERS, level, equalTasks)
    return intervalOnly ? { ...evidence, bound: undefined } : evidence
  }
  const plan = lookPlan(CONFIDENCE, MIN_ROUNDS, MAX_ROUNDS)
  const coverage = sequentialCoverage(plan)
  let n = MIN_ROUNDS
  for (; n <= rounds.length; n++) {
    const seen = rounds.slice(0, n)
    const level = lookLevel(plan, n)
    const evidence = evidenceOf(seen, level)
    if (isDecidedUnderLoad(estimateSpeedup(seen, WORKERS, level), evidence, target)) break
  }
  n = Math.min(n, rounds.length)
  const seen = rounds.slice(0, n)
  const level = lookLevel(plan, n)
  const measured = { ...estimateSpeedup(seen, WORKERS, level) }
  measured.confidence = Math.min(measured.confidence, coverage)
  const evidence = evidenceOf(seen, level)
  const verdict = rowVerdict({
    measured,
    evidence,
    target,
    option: 'minSpeedup',
    workers: WORKERS,
    starvedByFallback: false,
  })
  return {
    status: verdict.status,
    basis: verdict.basis,
    rounds: n,
    measured: measured.speedup,
    onCpuGot: evidence.onCpuGot?.speedup,
    parallelShare: evidence.load?.parallelShare,
  }
}

export const x = (value: number | undefined): string => (value === undefined ? '—' : `${value.toFixed(2)}x`)
const pct = (value: number | undefined): string => (value === undefined ? '—' : `${Math.round(value * 100)}%`)

export interface TableRow {
  model: string
  workload: string
  load: string
  truth: number
  cells: { budget: BudgetKind; statuses: VerdictStatus[] }[]
  errors: number[]
}

/** Replays one recorded measurement for every budget into its row; the line to print. */
export function judgeRecorded(
  row: TableRow,
  rounds: RoundSample[],
  budgets: Record<BudgetKind, number>,
  equalTasks: boolean,
): string {
  const line: string[] = []
  for (const cell of row.cells) {
    const r = replay(rounds, budgets[cell.budget], equalTasks, cell.budget === 'above-interval')
    cell.statuses.push(r.status)
    line.push(`${cell.budget} ${r.status}${r.basis === 'bound' ? '(bound)' : ''}@${r.rounds}`)
  }
  const full = replay(rounds, Number.POSITIVE_INFINITY, equalTasks)
  // The error is the judged speedup's over every recorded round, not the first decided look's.
  const judged = judgedEstimate(rounds, WORKERS, CONFIDENCE).estimate.speedup
  row.errors.push(judged / row.truth - 1)
  return (
    `judged over ${rounds.length} rounds ${x(judged)}; at the first look measured ${x(full.measured)}, on the CPU it got ${x(full.onCpuGot)} ` +
    `(delay ${pct(full.parallelShare)} of the parallel arm) | ${line.join(' · ')}`
  )
}

export function printConfusionTable(table: readonly TableRow[]): void {
  console.log(
    '\nConfusion table: verdicts per budget (PASS / FAIL / INCONCLUSIVE), and the judged speedup against the quiet truth',
  )
  console.log(
    'model    workload  load     truth   | 10% below truth | 10% above truth | same, bound ignored | above the bound | judged − truth (median)',
  )
  for (const row of table) {
    const counts = (cell: TableRow['cells'][number]): string => {
      const n = (status: VerdictStatus): number => cell.statuses.filter((s) => s === status).length
      return `${n('PASS')}/${n('FAIL')}/${n('INCONCLUSIVE')}`.padEnd(15)
    }
    console.log(
      `${row.model.padEnd(8)} ${row.workload.padEnd(9)} ${row.load.padEnd(8)} ${x(row.truth).padEnd(7)} | ${row.cells.map(counts).join(' | ')} | ${(100 * median(row.errors)).toFixed(1)}%`,
    )
  }
}
