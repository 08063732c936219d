// One scaling curve across machines: the rows of the same bench measured on several
// machines (a CI matrix, merged with `vitest --merge-reports`), each against its own
// serial arm, and the Amdahl fit across all of them. Pure functions.
import type { BenchResult, EnvironmentInfo, Model, PredictedSpeedup } from '../types.js'
import { amdahlSerialFraction, amdahlSpeedup, batchCap } from './scaling.js'
import { median } from './statistics.js'

/** How a machine is named in a merged run: its blob label, else its CPU and effective cores. */
export function machineName(env: EnvironmentInfo | undefined): string {
  if (env === undefined) return 'unknown machine'
  if (env.label !== undefined && env.label !== '') return env.label
  return `${env.cpu} ×${env.effectiveCores}`
}

/** One measured point: a pool size on one machine, against that machine's own serial arm. */
export interface MachinePoint {
  machine: string
  workers: number
  speedup: number
  low: number
  high: number
  confidence: number
  /** speedup / workers, and its interval. */
  efficiency: number
  efficiencyLow: number
  efficiencyHigh: number
}

/** A machine of the curve: what it is, and how fast one core of it runs the task (its serial arm per task). */
export interface CurveMachine {
  machine: string
  cpu: string
  effectiveCores: number
  /** Median serial-arm batch time over its rounds / tasks, ms: single-core speed, as the bench sees it. */
  serialMsPerTask: number
}

export interface MachineCurve {
  /** The bench's full name. */
  bench: string
  model: Model
  machines: CurveMachine[]
  /** Every machine's every pool size, sorted by pool size, then machine. */
  points: MachinePoint[]
  /** Amdahl's serial fraction fitted to every point; its range from fitting the intervals' bounds. */
  serialFraction: { value: number; low: number; high: number } | undefined
  /** The fit's speedup at pool sizes no machine measured (up to the batch's tasks): measurements replace predictions. */
  predictions: PredictedSpeedup[]
  /** Where the machines differ: in CPU model, or in single-core speed by more than `SPEED_SPREAD`. */
  differ: { cpu: boolean; singleCore: boolean }
}

/** Serial-arm time per task that differs by more than this ratio between machines counts as a different single-core speed. */
export const SPEED_SPREAD = 1.1

const PREDICT_AT = [4, 8, 16, 32, 64] as const

/**
 * The curves of a merged run: one per bench and model measured on more than one machine.
 * A bench measured on one machine has its own curve already (`scaling` in its result).
 */
export function machineCurves(benches: readonly BenchResult[]): MachineCurve[] {
  const groups = new Map<
    string,
    { bench: string; model: Model; runs: { env: EnvironmentInfo | undefined; bench: BenchResult }[] }
  >()
  for (const bench of benches) {
    for (const model of new Set(bench.results.map((r) => r.model))) {
      const key = `${bench.fullName}\u0000${model}`
      const group = groups.get(key) ?? { bench: bench.fullName, model, runs: [] }
      group.runs.push({ env: bench.environment, bench })
      groups.set(key, group)
    }
  }
  const curves: MachineCurve[] = []
  for (const { bench, model, runs } of groups.values()) {
    if (new Set(runs.map((run) => machineName(run.env))).size < 2) continue
    curves.push(curveOf(bench, model, runs))
  }
  return curves
}

function curveOf(
  bench: string,
  model: Model,
  runs: readonly { env: EnvironmentInfo | undefined; bench: BenchResult }[],
): MachineCurve {
  const machines: CurveMachine[] = []
  const points: MachinePoint[] = []
  let tasks = 0
  for (const run of runs) {
    const machine = machineName(run.env)
    const rows = run.bench.results.filter((r) => r.model === model)
    const perTask = rows.flatMap((r) => r.rounds.map((round) => round.serialMs / r.tasks))
    machines.push({
      machine,
      cpu: run.env?.cpu ?? 'unknown CPU',
      effectiveCores: run.env?.effectiveCores ?? 0,
      serialMsPerTask: perTask.length === 0 ? Number.NaN : median(perTask),
    })
    for (const r of rows) {
      tasks = Math.max(tasks, r.tasks)
      const { speedup, low, high, confidence } = r.estimate
      points.push({
        machine,
        workers: r.workers,
        speedup,
        low,
        high,
        confidence,
        efficiency: speedup / r.workers,
        efficiencyLow: low / r.workers,
        efficiencyHigh: high / r.workers,
      })
    }
  }
  points.sort((a, b) => a.workers - b.workers || a.machine.localeCompare(b.machine))
  const serialFraction = fitAcross(points)
  const measured = new Set(points.map((p) => p.workers))
  const predictions =
    serialFraction === undefined
      ? []
      : PREDICT_AT.filter(
          (workers) => !measured.has(workers) && workers > Math.max(...measured) && workers <= tasks,
        ).map((workers) => {
          const at = (f: number): number => Math.min(amdahlSpeedup(f, workers), batchCap(tasks, workers))
          return {
            workers,
            speedup: at(serialFraction.value),
            low: at(serialFraction.high),
            high: at(serialFraction.low),
          }
        })
  const speeds = machines.map((m) => m.serialMsPerTask).filter((ms) => Number.isFinite(ms) && ms > 0)
  return {
    bench,
    model,
    machines,
    points,
    serialFraction,
    predictions,
    differ: {
      cpu: new Set(machines.map((m) => m.cpu)).size > 1,
      singleCore: speeds.length > 1 && Math.max(...speeds) / Math.min(...speeds) > SPEED_SPREAD,
    },
  }
}

/**
 * Amdahl's serial fraction over every machine's points. The range comes from fitting the
 * intervals' bounds, as on one machine: the measurement's uncertainty, not the model's.
 */
export function fitAcross(points: readonly MachinePoint[]): MachineCurve['serialFraction'] {
  const fitted = (pick: (p: MachinePoint) => number): number | undefined =>
    amdahlSerialFraction(points.map((p) => ({ workers: p.workers, speedup: pick(p) })))
  const value = fitted((p) => p.speedup)
  if (value === undefined) return undefined
  // An unbounded bound fits nothing: then it allows anything from no serial part to all of it.
  const optimistic = points.some((p) => !Number.isFinite(p.high)) ? 0 : (fitted((p) => p.high) ?? 0)
  const pessimistic = fitted((p) => p.low) ?? 1
  return { value, low: Math.min(value, optimistic), high: Math.max(value, pessimistic) }
}

/** The fit's speedup on `workers`, with its range: what the curve predicts where no machine measured. */
export function predictedAt(
  serialFraction: { value: number; low: number; high: number },
  workers: number,
): PredictedSpeedup {
  return {
    workers,
    speedup: amdahlSpeedup(serialFraction.value, workers),
    low: amdahlSpeedup(serialFraction.high, workers),
    high: amdahlSpeedup(serialFraction.low, workers),
  }
}

export type SerialFractionVerdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE'

/**
 * The curve against `maxSerialFraction`: FAIL when the fit's whole interval lies above it, PASS
 * when it lies at or below it, INCONCLUSIVE when it straddles it or nothing could be fitted.
 */
export function serialFractionVerdict(curve: MachineCurve, max: number): SerialFractionVerdict {
  const fit = curve.serialFraction
  if (fit === undefined) return 'INCONCLUSIVE'
  if (fit.low > max) return 'FAIL'
  return fit.high <= max ? 'PASS' : 'INCONCLUSIVE'
}
