// The workload's shape, from the serial arm's timings: tasks too small for their messaging, one
// task dominating the batch, an unlucky dispatch order. Warnings as facts, never verdicts. Pure.
import type { Diagnostic } from '../contracts/facts.js'
import type { Model, RoundSample } from '../types.js'
import { median } from './statistics.js'

export interface Granularity {
  /** roundTrip / (roundTrip + callMs): the share of each task's cost that is messaging. */
  overheadShare: number | undefined
  warning: Extract<Diagnostic, { kind: 'granularity' }> | undefined
}

/** Warn when messaging is more than this share of a task's cost. */
export const MAX_OVERHEAD_SHARE = 0.1
/**
 * A round trip above this is dominated by copying the task's data: an empty one costs 30–50 µs
 * (bench/overhead.ts), so batching calls would not help; moving less data would.
 */
export const PAYLOAD_ROUND_TRIP_MS = 1

/**
 * How much of each task is messaging. Above 10% the task is too small for its
 * overhead: even with perfect scaling, more than a tenth of the pool's time goes
 * to moving messages, and the speedup stops reflecting the function (the
 * "square four numbers" task is > 99% overhead). A warning, never a failure.
 */
export function granularity(callMs: number | undefined, roundTripMs: number, model?: Model): Granularity {
  if (callMs === undefined || !(callMs >= 0) || !Number.isFinite(roundTripMs)) {
    return { overheadShare: undefined, warning: undefined }
  }
  const roundTrip = Math.max(0, roundTripMs)
  const total = roundTrip + callMs
  const overheadShare = total > 0 ? roundTrip / total : 0
  if (overheadShare <= MAX_OVERHEAD_SHARE) return { overheadShare, warning: undefined }
  // Calls per task that bring the share to 10% (b·call ≥ 9·roundTrip), to two significant digits: advice, not a measurement.
  const batch =
    callMs > 0
      ? Number(Math.ceil((roundTrip * (1 - MAX_OVERHEAD_SHARE)) / MAX_OVERHEAD_SHARE / callMs).toPrecision(2))
      : undefined
  return {
    overheadShare,
    warning: {
      kind: 'granularity',
      overheadShare,
      roundTripMs: roundTrip,
      callMs,
      batch,
      maxShare: MAX_OVERHEAD_SHARE,
      payload: roundTrip > PAYLOAD_ROUND_TRIP_MS,
      ...(model === undefined ? {} : { canTransfer: model === 'threads' }),
    },
  }
}

/** Warn when the longest task caps the speedup below this share of the pool size. */
export const BALANCE_SHARE = 0.9

/**
 * Unequal tasks: no pool finishes a batch sooner than its longest task, so the speedup over
 * inline is capped at (time inside fn for the batch) / (longest task). When that cap is well
 * below the pool size, the batch, not the pool, limits the speedup, and dispatch order matters
 * (a long task started last leaves the other workers idle).
 */
export function taskBalance(
  rounds: readonly RoundSample[],
  workers: number,
): Extract<Diagnostic, { kind: 'task-balance' }> | undefined {
  const caps = rounds
    .filter((r) => r.serialLongestMs !== undefined && r.serialLongestMs > 0 && r.serialBusyMs > 0)
    .map((r) => r.serialBusyMs / (r.serialLongestMs as number))
  if (caps.length === 0 || workers < 2) return undefined
  const cap = median(caps)
  if (cap >= workers * BALANCE_SHARE) return undefined
  return { kind: 'task-balance', longestShare: 1 / cap, cap }
}

/** Per task (in dispatch order), the median over rounds of its time inside fn in the serial arm. */
export function typicalTaskMs(rounds: readonly RoundSample[]): number[] | undefined {
  const rows = rounds.map((r) => r.serialTaskMs).filter((t): t is number[] => t !== undefined && t.length > 0)
  const count = rows[0]?.length ?? 0
  if (count === 0 || rows.some((t) => t.length !== count)) return undefined
  return Array.from({ length: count }, (_, i) => median(rows.map((t) => t[i] ?? 0)))
}

/** The batch's makespan when each task, in the order given, goes to the first worker to be free (as the pool dispatches). */
export function listScheduleMs(taskMs: readonly number[], workers: number): number {
  const free = new Array<number>(Math.max(1, workers)).fill(0)
  for (const cost of taskMs) {
    let first = 0
    for (let w = 1; w < free.length; w++) if ((free[w] ?? 0) < (free[first] ?? 0)) first = w
    free[first] = (free[first] ?? 0) + cost
  }
  return Math.max(...free)
}

/** Warn when dispatching in this order leaves the batch this much slower than longest-first. */
export const ORDER_PENALTY = 1.1

/**
 * Unequal tasks in an unlucky order: with the typical task costs, the batch dispatched as given
 * (each task to the first free worker) against the same tasks longest first (LPT). A long task
 * started last leaves the other workers idle; sorting the inputs fixes that for free.
 */
export function dispatchOrder(
  rounds: readonly RoundSample[],
  workers: number,
): Extract<Diagnostic, { kind: 'dispatch-order' }> | undefined {
  const costs = typicalTaskMs(rounds)
  if (costs === undefined || workers < 2) return undefined
  const asGiven = listScheduleMs(costs, workers)
  const longestFirst = listScheduleMs(
    [...costs].sort((a, b) => b - a),
    workers,
  )
  if (!(longestFirst > 0) || asGiven < longestFirst * ORDER_PENALTY) return undefined
  return {
    kind: 'dispatch-order',
    shortestMs: Math.min(...costs),
    longestMs: Math.max(...costs),
    workers,
    asGivenMs: asGiven,
    longestFirstMs: longestFirst,
  }
}
