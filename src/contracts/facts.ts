// What the analysis found, as data with its numbers: warnings about a row, why a verdict is what
// it is, why a budget is out of reach. No words here: report/summary/facts.ts turns every fact into the
// sentence each view prints, so a view (or the regression gate) branches on `kind`, never on text.

export type BudgetOption = 'minSpeedup' | 'minEfficiency'

/** Workers starved of CPU by other load (see analysis/verdict.ts `contention`): a FAIL becomes INCONCLUSIVE. */
export type Starved =
  /** Other load measured round by round (Linux /proc): in `rounds` of `of` rounds it left the pool less than it needed. */
  | {
      kind: 'starved'
      basis: 'rounds'
      rounds: number
      of: number
      /** Median cores other processes took in the starved rounds. */
      otherCores: number
      /** Cores the pool needed: min(workers, effective cores). */
      needed: number
      effectiveCores: number
    }
  /** Parallel arms too short to judge one by one: other load over the whole run. */
  | { kind: 'starved'; basis: 'whole-run'; otherCores: number; needed: number; effectiveCores: number }
  /** The fallback where other load cannot be read: the workers' CPU time against their time inside fn. */
  | {
      kind: 'starved'
      basis: 'cpu-share'
      rounds: number
      of: number
      /** Median CPU time / time inside fn over the measured rounds. */
      cpuShare: number
      /** Calls this many times slower inside fn in the parallel arm, when at least STRETCH_WARNING. */
      stretch: number | undefined
    }

/** What the contention check saw when the workers were not starved (never printed as a warning). */
export type NotStarved =
  | { kind: 'not-starved'; basis: 'rounds'; otherCores: number }
  | { kind: 'not-starved'; basis: 'whole-run'; otherCores: number }
  | { kind: 'not-starved'; basis: 'cpu-share'; rounds: number; of: number; stretch: number | undefined }
  /** Too short to tell: arms under MIN_OTHER_LOAD_WINDOW_MS and a run under MIN_WHOLE_RUN_MS. */
  | { kind: 'contention-unchecked'; basis: 'short-run'; windowMs: number; wholeRunMs: number }
  /** The run-queue delay was measured instead (Linux schedstat): the load is corrected, not guessed. */
  | { kind: 'contention-unchecked'; basis: 'run-queue-delay' }
  /** No round had MIN_CPU_SAMPLE_MS inside fn with a CPU time. */
  | { kind: 'contention-unchecked'; basis: 'no-cpu-sample'; sampleMs: number; stretch: number | undefined }

export type ContentionFinding = Starved | NotStarved

/** A warning about one row of a bench: what the reader should know beside its verdict. */
export type Diagnostic =
  | Starved
  /** Messaging is more than MAX_OVERHEAD_SHARE of each task's cost. */
  | {
      kind: 'granularity'
      overheadShare: number
      roundTripMs: number
      callMs: number
      /** Calls per task that would bring the share under `maxShare` (undefined when fn takes no measurable time). */
      batch: number | undefined
      maxShare: number
      /** The round trip is the data crossing over (above PAYLOAD_ROUND_TRIP_MS), so batching would not help. */
      payload: boolean
      /** The model can move ArrayBuffers instead of copying them (`transfer`: threads only); absent in older results. */
      canTransfer?: boolean | undefined
      /** Measured beside other load that made the run-queue delay material: the round trip waited for CPUs too. */
      besideLoad?: boolean | undefined
    }
  /** The longest task caps the speedup well below the pool size. */
  | { kind: 'task-balance'; longestShare: number; cap: number }
  /** The tasks in the given order keep the busiest worker ORDER_PENALTY longer than longest-first would. */
  | {
      kind: 'dispatch-order'
      shortestMs: number
      longestMs: number
      workers: number
      asGivenMs: number
      longestFirstMs: number
    }
  /**
   * Calls took `stretch` times longer inside fn in the parallel arm. `cause: 'code'`: while the
   * workers had their CPU (`onCpu`: measured with the run-queue delay taken out); `cause:
   * 'cpu-wait'`: the delay explains it, the workers waited `waitedShare` of their time inside fn.
   */
  | { kind: 'parallel-slowdown'; cause: 'code'; stretch: number; onCpu: boolean }
  | { kind: 'parallel-slowdown'; cause: 'cpu-wait'; stretch: number; waitedShare: number; onCpuStretch: number }
  /** Other load made the run-queue delay material: the verdict rests on the speedup on the CPU the pool got. */
  | {
      kind: 'load'
      measured: number
      onCpuGot: { speedup: number; low: number; high: number }
      parallelShare: number
      serialShare: number
    }
  /** The hypervisor took `share` of the machine's CPU time during the run (steal): not corrected. */
  | { kind: 'steal'; share: number }
  /** A budget judged without the run-queue delay (not Linux, or tasks under 1 ms): other load could not be corrected for. */
  | { kind: 'load-unmeasured' }
  /** `level` forced by an environment variable. */
  | { kind: 'level-overridden'; from: string; to: string; variable: string }
  /** Stopped by `time` before the interval decided. */
  | { kind: 'time-budget'; timeMs: number; rounds: number }
  /** The async model ran a fn that returns no promise: each call ran to its end before the next began, so ~1.0x. */
  | { kind: 'synchronous-fn'; speedup: number }

/** Why a budget cannot be reached on this machine (the row is SKIPPED, never a false FAIL). */
export interface SkipFact {
  kind: 'skip'
  option: BudgetOption
  target: number
  workers: number
  /** Cores that would reach the target; undefined when more cores would not help (minEfficiency on a defaulted pool). */
  coresNeeded: number | undefined
  effectiveCores: number
  /** Set when the defaulted `tasks` on the defaulted `workers` cap the speedup, not the cores. */
  cap?: { tasks: number; speedup: number } | undefined
}

/** Why a budget can never be reached with the user's own settings (a configuration mistake). */
export interface UnreachableFact {
  kind: 'impossible'
  option: BudgetOption
  target: number
  workers: number
  tasks: number
  /** Which settings cap the speedup. */
  cappedBy: 'tasks' | 'workers' | 'both'
  cap: number
}

/** Why a row has nothing to compare with in the stored run. */
export type NoBaseline =
  | { kind: 'no-baseline' }
  /** The stored row measured its serial arm another way (`baseline` option): not comparable. */
  | { kind: 'other-serial-arm'; baseline: string; now: string }

/** Cores other processes took during the parallel arms, in the stored run and now. */
export interface OtherLoad {
  baseline: number
  now: number
}

/** What the reader should know beside a row's comparison with its stored run. */
export type RegressionNote =
  /** The runs could use different numbers of cores: efficiency = speedup / min(workers, effective cores) compared. */
  | { kind: 'efficiency-compared'; capacityThen: number; capacityNow: number; coresThen: number; coresNow: number }
  /** A drop other load may explain: FAIL became INCONCLUSIVE. Loads in cores, when measured. */
  | { kind: 'machine-to-blame'; load: OtherLoad | undefined }
  /** Starved workers in one run, but the loads show the runs compare like for like. */
  | { kind: 'like-for-like'; load: OtherLoad }
  | { kind: 'baseline-starved' }

/** The estimate is the speedup on the CPU the pool got: what was measured, and what the load cost. */
export interface OnCpuGot {
  measured: number
  parallelShare: number
  serialShare: number
}

/** Why a verdict is what it is. */
export type VerdictReason =
  | { kind: 'no-budget'; onCpuGot?: OnCpuGot | undefined }
  /** The interval's lower bound reaches the target. */
  | { kind: 'reaches'; option: BudgetOption; target: number; onCpuGot?: OnCpuGot | undefined }
  /** The interval's upper bound is below the target; `starved`: turned INCONCLUSIVE by other load. */
  | { kind: 'below'; option: BudgetOption; target: number; starved: boolean; onCpuGot?: OnCpuGot | undefined }
  | { kind: 'straddles'; option: BudgetOption; target: number; onCpuGot?: OnCpuGot | undefined }
  /** The budget asks for more than the batch's measured task costs allow on this pool: FAIL under any load. */
  | { kind: 'above-bound'; option: BudgetOption; target: number; workers: number; bound: number }
  /** The load was too heavy to correct credibly (delay above `maxShare`): not judged. */
  | {
      kind: 'too-loaded'
      measured: number
      parallelShare: number
      serialShare: number
      maxShare: number
      /** A budget was set (then INCONCLUSIVE; without one, MEASURED). */
      budget: boolean
    }
  | SkipFact
