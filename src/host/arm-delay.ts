// What other load cost one arm: the run-queue delay (Linux schedstat) of the threads calling fn,
// inside each call, tallied per task from the replies; where fn's work runs off the calling thread,
// that of every thread of our process tree; otherwise the CPU our other threads spent meanwhile,
// which tells how much of that delay we caused ourselves. What other load put on the arm's critical
// path is what analysis/load-correction.ts takes out.
import { scheduleDelayMs, selfPathDelayMs } from '../analysis/load-correction.js'
import { descendants, processTree } from '../machine/process-tree.js'
import {
  accruedBetween,
  type ThreadSchedstat,
  threadKey,
  threadSchedstat,
  threadSchedstats,
} from '../machine/schedstat.js'
import type { OkReply } from '../pools/pool.js'

/** An arm's delays, ms; `undefined` where the platform cannot tell (not Linux) or a task went unsampled (under 1 ms). */
export interface ArmDelays {
  /** Run-queue delay of the calling thread inside each call, by input index. */
  taskDelayMs: number[] | undefined
  /** The same, summed over the arm's tasks. */
  delayMs: number | undefined
  /**
   * The calling threads' delay on the arm's critical path, inside the calls and waking up to take
   * each task (scheduleDelayMs). The host thread's delay (dispatching, taking replies) is not on it:
   * it waits as long on a quiet machine, behind the workers (3.2 ms a parallel arm quiet, 3.3 ms
   * under a one-core hog), and where it grew (a serial arm under a one-core hog: 3–4 ms), the arm's
   * wall time grew under 1 ms (bench/load.ts).
   */
  pathDelayMs: number | undefined
  /** The calling threads' delay, inside the calls and waking up to take each task, summed over the tasks. */
  callingDelayMs: number
  /** Every delay the arm's replies and host thread show (callingDelayMs and the host's): not off-thread. */
  countedDelayMs: number
  /** The threads that called fn (`pid/tid`), undefined where a reply did not say: their CPU is not "beside" the calls. */
  callingThreads: ReadonlySet<string> | undefined
  /** Time inside the calls that the calling threads neither ran nor waited for a CPU: fn's work ran elsewhere, or blocked. */
  sleepMs: number
  /** CPU the calling threads spent inside fn's calls (time inside less delay and sleep); undefined where unsampled. */
  fnCpuMs: number | undefined
  /** Of pathDelayMs, the part our own threads can have caused (withOwnCpu); undefined where not read. */
  selfPathDelayMs?: number | undefined
}

/** The replies of one arm, by dispatch order: each task's host-seen latency and its calling thread's delay. */
export class ArmDelay {
  readonly #tasks: { latencyMs: number; delayMs: number }[] = []
  readonly #taskDelayMs: number[] = []
  #sampled = true
  #callingMs = 0
  #sleepMs = 0
  #fnCpuMs: number | undefined = 0
  #threads: Set<string> | undefined = new Set()

  add(index: number, reply: OkReply<'run'>, latencyMs: number): void {
    const delayMs = reply.delayMs ?? 0
    this.#taskDelayMs[index] = delayMs
    this.#sampled &&= reply.delayMs !== undefined
    this.#tasks[index] = { latencyMs, delayMs: delayMs + (reply.waitMs ?? 0) }
    this.#callingMs += delayMs + (reply.waitMs ?? 0)
    this.#sleepMs += reply.sleepMs ?? 0
    this.#threads = reply.thread === undefined ? undefined : this.#threads?.add(reply.thread)
    this.#fnCpuMs =
      this.#fnCpuMs === undefined || reply.delayMs === undefined || reply.sleepMs === undefined
        ? undefined
        : this.#fnCpuMs + Math.max(0, reply.busyMs - reply.delayMs - reply.sleepMs)
  }

  /**
   * The arm's delays; `concurrency`: the lanes the tasks were dispatched to (1: every task on the
   * path); `hostDelay`: the host thread's over the arm (counted, not on the path).
   */
  result(concurrency: number, wallMs: number, hostDelay: number | undefined): ArmDelays {
    const pathMs = scheduleDelayMs(
      this.#tasks.filter((task) => task !== undefined),
      concurrency,
    )
    return {
      taskDelayMs: this.#sampled ? this.#taskDelayMs : undefined,
      delayMs: this.#sampled ? this.#taskDelayMs.reduce((sum, ms) => sum + ms, 0) : undefined,
      pathDelayMs: this.#sampled ? Math.min(wallMs, pathMs) : undefined,
      callingDelayMs: this.#callingMs,
      countedDelayMs: this.#callingMs + (hostDelay ?? 0),
      callingThreads: this.#threads?.size === 0 ? undefined : this.#threads,
      sleepMs: this.#sleepMs,
      fnCpuMs: this.#sampled ? this.#fnCpuMs : undefined,
    }
  }
}

/** Starts reading the host thread's schedstat; the returned function gives its CPU and delay since, undefined where unknown. */
export function hostThreadTimes(): () => ThreadSchedstat | undefined {
  const before = threadSchedstat()
  return () => {
    const after = before === undefined ? undefined : threadSchedstat()
    return before === undefined || after === undefined
      ? undefined
      : { cpuMs: after.cpuMs - before.cpuMs, delayMs: after.delayMs - before.delayMs }
  }
}

/** The inline arm (fn called in the host, one task at a time): the host thread's delay is all of it, its CPU fn's. */
export function inlineArmDelay(host: ThreadSchedstat | undefined): ArmDelays {
  const thread = threadKey()
  return {
    taskDelayMs: undefined,
    delayMs: host?.delayMs,
    pathDelayMs: host?.delayMs,
    callingDelayMs: host?.delayMs ?? 0,
    countedDelayMs: host?.delayMs ?? 0,
    callingThreads: thread === undefined ? undefined : new Set([thread]),
    sleepMs: 0,
    fnCpuMs: host?.cpuMs,
  }
}

/**
 * Reads the CPU every thread of ours (`pids`) spent over the arm beside the threads calling fn, and
 * from it the part of the arm's path delay our own threads can have caused
 * (analysis/load-correction.ts selfPathDelayMs), which stays in. A read costs ~0.3 ms for a
 * process of 13 threads, outside the arm's timed span.
 */
export async function withOwnCpu<T extends ArmDelays & { wallMs: number }>(
  arm: () => Promise<T>,
  pids: () => number[],
  oversubscribed: boolean,
): Promise<T> {
  const before = threadSchedstats(pids())
  const timing = await arm()
  const after = before === undefined ? undefined : threadSchedstats(pids())
  const { pathDelayMs, fnCpuMs, callingDelayMs, callingThreads } = timing
  if (before === undefined || after === undefined || pathDelayMs === undefined) return timing
  // Where the replies did not name their threads, fn's CPU stands for the calling threads' (all but their messaging).
  const besideCallsMs =
    callingThreads === undefined
      ? fnCpuMs === undefined
        ? undefined
        : accruedBetween(before, after, 'cpuMs') - fnCpuMs
      : accruedBetween(before, after, 'cpuMs', (thread) => !callingThreads.has(thread))
  if (besideCallsMs === undefined) return timing
  return {
    ...timing,
    selfPathDelayMs: selfPathDelayMs({ pathDelayMs, callingDelayMs, besideCallsMs, oversubscribed }),
  }
}

/** Calls whose calling thread slept this share of their time run fn's work elsewhere (see withOffThreadDelay). */
export const OFF_THREAD_SHARE = 0.25

/** Our process and every process below it now: the pools' children and the processes fn started. */
function ourProcesses(): number[] {
  const tree = processTree()
  return tree === undefined ? [process.pid] : [process.pid, ...descendants(tree, process.pid)]
}

/**
 * Where fn's work runs off the calling thread (libuv's pool, helper threads, processes fn starts),
 * the delay of those threads is on the arm's path too: read the delay of every thread of our
 * process tree around the arm (processes found as the round runs; those that start and end inside
 * one arm are missed), less what the arm already counted, and put it on the path — all of it for
 * one task at a time, a share per worker for the parallel arm. Only then: the reads cost ~1 ms.
 */
export async function withOffThreadDelay<T extends ArmDelays & { wallMs: number }>(
  arm: () => Promise<T>,
  concurrent: number,
): Promise<T> {
  const before = threadSchedstats(ourProcesses())
  const timing = await arm()
  const after = before === undefined ? undefined : threadSchedstats(ourProcesses())
  if (before === undefined || after === undefined || timing.pathDelayMs === undefined) return timing
  const offThreadMs = Math.max(0, accruedBetween(before, after, 'delayMs') - timing.countedDelayMs)
  return { ...timing, pathDelayMs: Math.min(timing.wallMs, timing.pathDelayMs + offThreadMs / concurrent) }
}

/** Whether an arm's calls ran fn's work off the calling thread: it slept through OFF_THREAD_SHARE of their time or more. */
export function runsOffThread(arm: ArmDelays & { busyMs: number }): boolean {
  return arm.sleepMs > arm.busyMs * OFF_THREAD_SHARE
}
