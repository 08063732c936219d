// Budgets: which option a row is judged against, the speedup it asks for, and whether it can be
// reached at all (a settings mistake) or on this machine (skipped, never a false FAIL). Pure.
import type { BudgetOption, SkipFact, UnreachableFact } from '../contracts/facts.js'

export type { BudgetOption } from '../contracts/facts.js'

export type Feasibility = { kind: 'ok' } | SkipFact | UnreachableFact

export interface FeasibilityInput {
  /** The speedup the budget asks for (`budgetTarget`). */
  target: number | undefined
  option: BudgetOption
  tasks: number
  workers: number
  tasksSetByUser: boolean
  workersSetByUser: boolean
  /** Effective cores of this machine; a fractional CPU quota (e.g. 1.5) is the most precise input. */
  effectiveCores: number
  /**
   * Whether every task does the same work (a fixed `input`, or none). Only then
   * do `tasks` on `workers` cap the speedup at tasks / ⌈tasks / workers⌉; with
   * unequal tasks (sizes 2, 1, 1 on 2 workers) 2x is reachable, so only
   * min(tasks, workers) is a hard cap.
   */
  equalTasks: boolean
}

/** Relative slack so 0.7 × 3 = 2.0999999999999996 is not "above 2.1". */
const EPSILON = 1e-9

/**
 * Which option a row's budget is judged and reported against: the one asking for more at this
 * pool size (with `minSpeedup: 1.8, minEfficiency: 0.5`, minSpeedup at 2 workers, minEfficiency at 4).
 */
export function budgetOption(
  budget: { minSpeedup?: number | undefined; minEfficiency?: number | undefined },
  workers: number,
): BudgetOption {
  const speedupTarget = budget.minSpeedup ?? 0
  const efficiencyTarget = (budget.minEfficiency ?? 0) * workers
  return budget.minEfficiency !== undefined && efficiencyTarget > speedupTarget + EPSILON
    ? 'minEfficiency'
    : 'minSpeedup'
}

/** The speedup a budget asks for: the larger of minSpeedup and minEfficiency × workers. */
export function budgetTarget(
  budget: { minSpeedup?: number | undefined; minEfficiency?: number | undefined },
  workers: number,
): number | undefined {
  const targets: number[] = []
  if (budget.minSpeedup !== undefined) targets.push(budget.minSpeedup)
  if (budget.minEfficiency !== undefined) targets.push(budget.minEfficiency * workers)
  return targets.length === 0 ? undefined : Math.max(...targets)
}

/**
 * Can this budget be reached? DESIGN §4:
 * - above what the user's own `tasks` / `workers` allow on any machine → `impossible`
 *   (a configuration mistake, reported before anything runs);
 * - above what this machine allows (its effective cores, or the `workers` /
 *   `tasks` that defaulted from them) → `skip`, never a false FAIL.
 */
export function budgetFeasibility(input: FeasibilityInput): Feasibility {
  const { target, option, tasks, workers, tasksSetByUser, workersSetByUser, effectiveCores, equalTasks } = input
  if (target === undefined) return { kind: 'ok' }
  const above = (cap: number): boolean => target > cap * (1 + EPSILON)

  // Machine-independent caps, from the settings the user chose.
  // minEfficiency with defaulted workers scales with the machine, so it is never a settings mistake.
  const workersFixed = workersSetByUser
  if (workersFixed || (tasksSetByUser && option === 'minSpeedup')) {
    const cap = workersFixed ? speedupCap(tasks, workers, equalTasks) : tasks
    if (above(cap)) {
      const cappedBy = capCause(tasks, workers, workersFixed, equalTasks, cap)
      return { kind: 'impossible', option, target, workers, tasks, cappedBy, cap }
    }
  }

  // This machine's caps.
  if (above(effectiveCores)) {
    const needed = coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks)
    return { kind: 'skip', option, target, workers, coresNeeded: needed, effectiveCores }
  }
  if (!workersSetByUser) {
    const cap = speedupCap(tasks, workers, equalTasks)
    if (above(cap)) {
      // minEfficiency scales with the defaulted pool, so more cores would not help it.
      const needed =
        option === 'minSpeedup' ? coresNeeded(target, tasksSetByUser ? tasks : undefined, equalTasks) : undefined
      return {
        kind: 'skip',
        option,
        target,
        workers,
        coresNeeded: needed,
        effectiveCores,
        cap: { tasks, speedup: cap },
      }
    }
  }
  return { kind: 'ok' }
}

// ── caps ──────────────────────────────────────────────────────────────────

/** Best possible speedup of `tasks` tasks on `workers` workers over one worker. */
function speedupCap(tasks: number, workers: number, equalTasks: boolean): number {
  return equalTasks ? tasks / Math.ceil(tasks / workers) : Math.min(tasks, workers)
}

/** Smallest core count whose cap reaches the target; defaulted tasks (4 × workers) grow with the cores. */
function coresNeeded(target: number, tasks: number | undefined, equalTasks: boolean): number {
  let cores = Math.max(1, Math.ceil(target * (1 - EPSILON)))
  if (tasks === undefined) return cores
  while (cores < tasks && target > speedupCap(tasks, cores, equalTasks) * (1 + EPSILON)) cores++
  return cores
}

/** Which of the user's settings caps the speedup: `tasks`, `workers`, or both together. */
function capCause(
  tasks: number,
  workers: number,
  workersFixed: boolean,
  equalTasks: boolean,
  cap: number,
): UnreachableFact['cappedBy'] {
  if (!workersFixed || (tasks <= workers && cap === tasks)) return 'tasks'
  if (cap === workers || !equalTasks) return 'workers'
  return 'both'
}
