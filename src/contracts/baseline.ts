// The stored-run contract: the JSON report's schema id, and what the plugin reads from a stored
// run (compareWith) for the regression gate. Shared by plugin/ (reads it), analysis/ (compares
// with it) and report/ (writes it), so none of them imports another for it.
import type { Baseline, ComparedWith, Model } from '../types.js'

/** Schema id of the JSON report; bumped (`/v2`, ...) on breaking changes to the document. */
export const JSON_SCHEMA = 'vitest-parallel-bench/v1'

/** One (model, pool size) row of the stored run, as the comparison needs it. */
export interface BaselineRow {
  model: Model
  workers: number
  /** False when the pool size defaulted to that machine's effective cores. */
  workersSetByUser: boolean
  /** The serial arm of that run (`baseline` option): speedups over different arms do not compare. */
  serialArm: Baseline
  /** log(serialMs / parallelMs) per round. */
  logRatios: number[]
  /** exp(median of logRatios). */
  speedup: number
  /** Effective cores of the machine that measured it. */
  effectiveCores: number
  /** That run's own report said its workers were starved of CPU. */
  starved: boolean
  /** Cores other processes took during its parallel arms (`otherLoadCores`); undefined where not measured. */
  otherCores?: number | undefined
  /** Cores its pool used during its parallel arms (`poolCpuCores`); undefined where not measured. */
  cpuCores?: number | undefined
}

/** What the bench tests get: where the stored run came from, and its usable rows. */
export interface BaselineSnapshot extends ComparedWith {
  /** Rows by bench: `benchIdentity(file, fullName)` → that bench's rows. */
  benches: Record<string, BaselineRow[]>
}

/** The snapshot without its rows: what each bench result records. */
export function comparedWith(snapshot: BaselineSnapshot): ComparedWith {
  const { benches: _benches, ...rest } = snapshot
  return rest
}

/** The key of a bench in a snapshot: its file (relative, as in the JSON) and full test name. */
export function benchIdentity(file: string, fullName: string): string {
  return JSON.stringify([file, fullName])
}
