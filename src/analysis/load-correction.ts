// The speedup on the CPU the pool actually got: each arm's wall time with the run-queue delay on
// its critical path taken out, paired per round like the measured speedup. Pure: rounds in.
//
// Derivation. An arm's wall time is its time inside fn plus messaging; time inside fn is time on
// a CPU plus time runnable but waiting for one (the run-queue delay, Linux schedstat field 2),
// plus time fn blocks on its own (I/O, a lock). Other load on the machine adds only to the delay.
// The delay counted is the calling threads' Dᵢ for each task i, inside the call and waking up to
// take it (and, where fn's work runs off the calling thread, its helpers': host/arm-delay.ts).
//   serial arm:   one task at a time, so all of it lies on the critical path: S′ = S − Σ Dᵢ.
//   parallel arm: the batch ends with its longest-occupied worker; without delay each task i
//                 would have taken Lᵢ − Dᵢ (host-seen latency less its delay), and the pool's
//                 first-free-worker schedule replayed on those ends sooner by the path delay:
//                 P′ = P − (makespan(Lᵢ) − makespan(Lᵢ − Dᵢ)) (scheduleDelayMs).
// The host thread's delay (dispatching, taking replies) is left in: measured, it is no larger under
// a one-core hog than on a quiet machine, where the host waits behind the workers or wakes an idle
// CPU (an exit that no run-queue delay shows); where it grew, the arm's wall time did not.
// Per round, log(S′ / P′); the estimate is exp(median) with the same sign-test interval and the
// same sequential looks as the measured speedup (statistics.ts), so coverage is unchanged.
// Not all of the delay is other load's: on a quiet machine the calling threads also wait behind our
// own threads (the host thread dispatching, messaging, V8's helpers), which the quiet truth pays
// too. Where the arm read it (host/arm-delay.ts withOwnCpu), that part (the *SelfDelayMs of a
// round) stays in, and only the rest, the load's delay, is taken out. Nor can other load have
// delayed an arm's critical path for longer than other processes ran on the CPUs meanwhile (each
// ms of such delay needs a ms of their CPU time): over the rounds, the load's delay is scaled down
// to the CPU time other processes used during the arms (/proc/stat, *OtherMs), where that is less.
// Summed over the rounds, the 10 ms ticks of /proc/stat average out.
// Only measured delay is taken out: a correction never exceeds what the delay explains. What the
// delay does not see stays in: contention for memory bandwidth, caches or locks (the code's own
// limits, which a budget must catch), and hypervisor steal (time the whole VM lost, not in the
// run-queue delay of any thread).
import type { RoundSample, SpeedupEstimate } from '../types.js'
import { estimateSpeedup, logRatios, median } from './statistics.js'
import { listScheduleMs } from './workload.js'

/**
 * The correction decides the verdict once it moves the speedup by this share or more; below it the
 * two agree within noise, and the verdict stays on the measured speedup (a quiet machine's case).
 */
export const MATERIAL_SHIFT = 0.02
/**
 * Where our own threads' part of the delay was not read (the readings around an arm failed),
 * below this share of an arm lost to the delay (median over rounds) it is taken as the pool's own:
 * with as many workers as cores, the host thread and V8's helpers take turns with the workers.
 * Measured on a quiet 2-core machine (bench/load.ts, 2 workers, when the host thread's delay was
 * still counted): 5–12% of the parallel arm, which the quiet truth (raw pools timed by hand) pays
 * too. A half-core hog costs 29–35%, a one-core hog 35–50%.
 */
export const MATERIAL_DELAY_SHARE = 0.15
/**
 * Above this share of an arm lost to the delay (median over rounds), the correction rests more on
 * the delay than on the work, and a verdict drawn from it is not credible. Measured here
 * (bench/load.ts, 2 workers on 2 cores): one CPU hog costs the parallel arm 47–63% (the hog keeps
 * a CPU, the workers share the other), two hogs 52–78%, where the corrected speedup strays.
 */
export const MAX_CORRECTABLE_DELAY_SHARE = 0.65

/** What other load cost the rounds, measured on our own threads. */
export interface LoadEffect {
  /** Median share of the serial arm's wall time spent waiting for a CPU behind other load. */
  serialShare: number
  /** Median share of the parallel arm's wall time its critical path spent waiting for a CPU behind other load. */
  parallelShare: number
  /** The delay moved the speedup enough to judge on the corrected one. */
  material: boolean
  /** The delay is small enough for the corrected speedup to be credible. */
  credible: boolean
}

/** An arm's path delay that other load caused: all of it, less the part our own threads can have caused. */
function loadDelayMs(pathDelayMs: number, selfDelayMs: number | undefined): number {
  return Math.max(0, pathDelayMs - Math.max(0, selfDelayMs ?? 0))
}

/**
 * A round with its arms' load delay (times `cap`, see otherCpuCap) taken out; undefined when the
 * round carries no delay (not Linux, tiny tasks).
 */
export function roundOnCpuGot(round: RoundSample, cap = 1): RoundSample | undefined {
  const { serialPathDelayMs, parallelPathDelayMs } = round
  if (serialPathDelayMs === undefined || parallelPathDelayMs === undefined) return undefined
  const serialMs = round.serialMs - cap * loadDelayMs(serialPathDelayMs, round.serialSelfDelayMs)
  const parallelMs = round.parallelMs - cap * loadDelayMs(parallelPathDelayMs, round.parallelSelfDelayMs)
  if (!(serialMs > 0 && parallelMs > 0)) return undefined
  return { ...round, serialMs, parallelMs }
}

/**
 * The share of the rounds' load delay that other processes' CPU time during the arms can account
 * for, at most 1; 1 where that CPU time was not measured in every round (not Linux, a CPU quota).
 */
export function otherCpuCap(rounds: readonly RoundSample[]): number {
  let delayMs = 0
  let otherMs = 0
  for (const round of rounds) {
    const { serialOtherMs, parallelOtherMs, serialPathDelayMs, parallelPathDelayMs } = round
    if (serialOtherMs === undefined || parallelOtherMs === undefined) return 1
    delayMs += loadDelayMs(serialPathDelayMs ?? 0, round.serialSelfDelayMs)
    delayMs += loadDelayMs(parallelPathDelayMs ?? 0, round.parallelSelfDelayMs)
    otherMs += serialOtherMs + parallelOtherMs
  }
  return delayMs <= otherMs ? 1 : Math.max(0, otherMs) / delayMs
}

/**
 * Every round corrected, or undefined when a round lacks the delay (then the load is not measured).
 * A round whose delay reads as long as an arm (threads that waited side by side, summed: a burst of
 * V8's helper threads where fn's work runs off the calling thread) cannot be corrected: it stays as
 * measured, one round the median passes over, rather than leave the whole run uncorrected.
 */
export function roundsOnCpuGot(rounds: readonly RoundSample[]): RoundSample[] | undefined {
  if (rounds.length === 0) return undefined
  const cap = otherCpuCap(rounds)
  const corrected: RoundSample[] = []
  for (const round of rounds) {
    if (round.serialPathDelayMs === undefined || round.parallelPathDelayMs === undefined) return undefined
    corrected.push(roundOnCpuGot(round, cap) ?? round)
  }
  return corrected
}

/**
 * The load's effect on these rounds; undefined where the run-queue delay was not measured. It is
 * material when correcting moves the speedup by MATERIAL_SHIFT or more; where our own threads' part
 * was not read in every round, when the delay takes MATERIAL_DELAY_SHARE of an arm.
 */
export function loadEffect(rounds: readonly RoundSample[]): LoadEffect | undefined {
  const corrected = roundsOnCpuGot(rounds)
  if (corrected === undefined) return undefined
  const serialShare = median(corrected.map((r, i) => 1 - r.serialMs / (rounds[i] as RoundSample).serialMs))
  const parallelShare = median(corrected.map((r, i) => 1 - r.parallelMs / (rounds[i] as RoundSample).parallelMs))
  const selfRead = rounds.every((r) => r.serialSelfDelayMs !== undefined && r.parallelSelfDelayMs !== undefined)
  const shift = Math.abs(median(logRatios(corrected)) - median(logRatios([...rounds])))
  return {
    serialShare,
    parallelShare,
    material: selfRead
      ? shift >= Math.log1p(MATERIAL_SHIFT)
      : Math.max(serialShare, parallelShare) >= MATERIAL_DELAY_SHARE,
    credible: Math.max(serialShare, parallelShare) <= MAX_CORRECTABLE_DELAY_SHARE,
  }
}

/** The speedup on the CPU the pool got, with its interval at `confidence`; undefined when not measured. */
export function estimateOnCpuGot(
  rounds: readonly RoundSample[],
  workers: number,
  confidence: number,
): SpeedupEstimate | undefined {
  const corrected = roundsOnCpuGot(rounds)
  return corrected === undefined ? undefined : estimateSpeedup(corrected, workers, confidence)
}

/**
 * The estimate a verdict is drawn on: the speedup on the CPU the pool got when the load was
 * material, the measured one otherwise (on a quiet machine the two agree, and nothing changes).
 */
export function judgedEstimate(
  rounds: readonly RoundSample[],
  workers: number,
  confidence: number,
): { estimate: SpeedupEstimate; basis: 'measured' | 'on-cpu-got'; load: LoadEffect | undefined } {
  const load = loadEffect(rounds)
  const measured = estimateSpeedup([...rounds], workers, confidence)
  if (load?.material !== true) return { estimate: measured, basis: 'measured', load }
  const corrected = estimateOnCpuGot(rounds, workers, confidence)
  return corrected === undefined
    ? { estimate: measured, basis: 'measured', load }
    : { estimate: corrected, basis: 'on-cpu-got', load }
}

/**
 * Of an arm's path delay, the part our own threads can have caused, which stays in: on a quiet
 * machine the calling threads wait only behind our other threads (the host thread dispatching,
 * messaging, V8's helpers and GC), and the quiet truth (raw pools timed by hand) pays that too.
 * With no more calling threads than cores, the calling threads keep each other from no CPU, and
 * their own work between the calls cannot delay themselves; each ms our other threads ran
 * (`besideCallsMs`) kept at most about one calling thread waiting that long. So of the calling
 * threads' delay (`callingDelayMs`: inside the calls and waking up to take them) at most that much
 * is our own: the share min(1, C / D) of the path delay stays, the rest was other load's. Quiet,
 * C ≥ D in most arms (bench/load.ts), so next to nothing is taken out; under a one-core hog D ≫ C.
 * More calling threads than cores (`oversubscribed`) delay each other, which no reading tells
 * apart from other load: then all of it stays.
 */
export function selfPathDelayMs(arm: {
  pathDelayMs: number
  callingDelayMs: number
  besideCallsMs: number
  oversubscribed: boolean
}): number {
  const { pathDelayMs, callingDelayMs, besideCallsMs, oversubscribed } = arm
  const ownShare = oversubscribed || callingDelayMs <= 0 ? 1 : Math.min(1, Math.max(0, besideCallsMs) / callingDelayMs)
  return pathDelayMs * ownShare
}

/**
 * The run-queue delay on a batch's critical path: how much sooner it would have ended had no task
 * waited for a CPU. The pools hand each task, in dispatch order, to the first free worker, so a
 * delayed worker also shifts tasks onto the others (4 tasks on 2 workers, one worker delayed half
 * a task: the other takes three, and the batch runs 3 tasks long where it would have run 2).
 * Taking the delay out of each worker's own span would miss that; instead the same schedule is
 * replayed twice, on each task's host-seen latency and on it less its delay (inside the call and
 * waking up to take it), and the difference of the two makespans is the delay on the path. One
 * lane: all of the delay. It is never more than the delay of the tasks together.
 */
export function scheduleDelayMs(tasks: readonly { latencyMs: number; delayMs: number }[], lanes: number): number {
  const withDelay = listScheduleMs(
    tasks.map((task) => task.latencyMs),
    lanes,
  )
  const withoutDelay = listScheduleMs(
    tasks.map((task) => Math.max(0, task.latencyMs - Math.max(0, task.delayMs))),
    lanes,
  )
  return Math.max(0, withDelay - withoutDelay)
}
