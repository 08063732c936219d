// What other load cost one arm: the run-queue delay (Linux schedstat) of the threads calling fn,
// inside each call and waking up to take it, tallied per task from the replies (not the host
// thread's: see ArmDelays.pathDelayMs); where fn's work runs off the calling thread, also that of
// the threads doing it (a worker process's own threads and descendants go to its tasks); otherwise
// the CPU our other threads spent meanwhile, which tells how much of that delay we caused
// ourselves. What other load put on the arm's critical path is what analysis/load-correction.ts
// takes out.
import { scheduleDelayMs, selfPathDelayMs } from '../analysis/load-correction.js'
import { descendants, type ProcessTree, processTree } from '../machine/process-tree.js'
import {
  accruedBetween,
  accruedSince,
  pidOf,
  type ThreadSchedstat,
  type ThreadSchedstats,
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
   * wall time grew under 1 ms (bench/load.ts). Where fn's work runs off the calling thread,
   * withOffThreadDelay adds the delay of the threads doing it.
   */
  pathDelayMs: number | undefined
  /** The calling threads' delay, inside the calls and waking up to take each task, summed over the tasks. */
  callingDelayMs: number
  /** The threads that called fn (`pid/tid`), undefined where a reply did not say: their CPU is not "beside" the calls. */
  callingThreads: ReadonlySet<string> | undefined
  /** Time inside the calls that the calling threads neither ran nor waited for a CPU: fn's work ran elsewhere, or blocked. */
  sleepMs: number
  /**
   * CPU the calling threads spent inside fn's calls (time inside less delay and sleep); undefined
   * where unsampled. Stands for the calling threads' CPU where the replies did not name their thread.
   */
  fnCpuMs: number | undefined
  /** Of pathDelayMs, the part our own threads can have caused (withOwnCpu); undefined where not read. */
  selfPathDelayMs?: number | undefined
  /** Each task's host-seen latency, its calling thread's delay and that thread, by input index: the path's replay. */
  tasks: readonly ArmTask[]
  /** The lanes the tasks were dispatched to. */
  lanes: number
}

/** One task of an arm, as the path's replay (scheduleDelayMs) sees it. */
export interface ArmTask {
  latencyMs: number
  delayMs: number
  /** The calling thread's schedstat key (`pid/tid`), where the reply gave it. */
  thread: string | undefined
}

/** The replies of one arm, by input index: each task's host-seen latency and its calling thread's delay. */
export class ArmDelay {
  readonly #tasks: ArmTask[] = []
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
    this.#tasks[index] = { latencyMs, delayMs: delayMs + (reply.waitMs ?? 0), thread: reply.thread }
    this.#callingMs += delayMs + (reply.waitMs ?? 0)
    this.#sleepMs += reply.sleepMs ?? 0
    this.#threads = reply.thread === undefined ? undefined : this.#threads?.add(reply.thread)
    this.#fnCpuMs =
      this.#fnCpuMs === undefined || reply.delayMs === undefined || reply.sleepMs === undefined
        ? undefined
        : this.#fnCpuMs + Math.max(0, reply.busyMs - reply.delayMs - reply.sleepMs)
  }

  /** The arm's delays; `concurrency`: the lanes the tasks were dispatched to (1: every task on the path). */
  result(concurrency: number, wallMs: number): ArmDelays {
    const tasks = this.#tasks.filter((task) => task !== undefined)
    const pathMs = scheduleDelayMs(tasks, concurrency)
    return {
      tasks,
      lanes: concurrency,
      taskDelayMs: this.#sampled ? this.#taskDelayMs : undefined,
      delayMs: this.#sampled ? this.#taskDelayMs.reduce((sum, ms) => sum + ms, 0) : undefined,
      pathDelayMs: this.#sampled ? Math.min(wallMs, pathMs) : undefined,
      callingDelayMs: this.#callingMs,
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
export function inlineArmDelay(host: ThreadSchedstat | undefined, wallMs: number): ArmDelays {
  const thread = threadKey()
  return {
    // One lane, so the batch is one task on the path.
    tasks: host === undefined ? [] : [{ latencyMs: wallMs, delayMs: host.delayMs, thread }],
    lanes: 1,
    taskDelayMs: undefined,
    delayMs: host?.delayMs,
    pathDelayMs: host?.delayMs,
    callingDelayMs: host?.delayMs ?? 0,
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

/** `tree` without `foreign` processes and what runs below them. */
export function withoutForeign(tree: ProcessTree, foreign: ReadonlySet<number>): ProcessTree {
  return new Map([...tree].map(([parent, children]) => [parent, children.filter((pid) => !foreign.has(pid))]))
}

/**
 * Our process and every process below it now (the pools' children, the processes fn started), with
 * the tree; not `foreign` processes nor what runs below them (see withOffThreadDelay).
 */
function ourProcesses(foreign: ReadonlySet<number>): { pids: number[]; tree: ProcessTree | undefined } {
  const tree = processTree()
  if (tree === undefined) return { pids: [process.pid], tree }
  const pruned = withoutForeign(tree, foreign)
  return { pids: [process.pid, ...descendants(pruned, process.pid)], tree: pruned }
}

/** Every process below this one now but `foreign` ones: the pools' children and the processes fn started. */
export function ourChildProcesses(foreign: ReadonlySet<number>): number[] {
  return ourProcesses(foreign).pids.slice(1)
}

/**
 * The processes below this one now that are not fn's (fn has not run yet): all but the pools'
 * children (`poolPids`) and what they started while loading. A module server's esbuild is one.
 */
export function foreignProcesses(poolPids: readonly number[]): Set<number> {
  const tree = processTree()
  if (tree === undefined) return new Set()
  const foreign = new Set(descendants(tree, process.pid))
  for (const pid of poolPids) for (const ours of [pid, ...descendants(tree, pid)]) foreign.delete(ours)
  return foreign
}

/**
 * Where fn's work runs off the calling thread (libuv's pool, helper threads, processes fn starts),
 * the delay of those threads is on the arm's path too: read the delay of every thread of our
 * process tree around the arm (processes found as the round runs; those that start and end inside
 * one arm are missed), but for the calling threads (counted from the replies), the host thread
 * (not on the path, see ArmDelays) and `foreign` processes (below this one before the pools ran: a
 * module server's esbuild, not fn's), and put it on the path. A child process's threads and
 * descendants work for the task its worker runs: their delay goes to that worker's tasks (by
 * latency), replayed on the pool's schedule, so a starved helper puts its whole delay on the path
 * where it held up its worker. What no worker owns (libuv's pool, a helper a worker thread started:
 * the host process's) goes, with several lanes, to the tasks that ran longer than in the serial arm
 * (`baseline`), up to that excess, and the rest a lane's share on the path. Only here: the reads
 * cost ~1 ms.
 */
export async function withOffThreadDelay<T extends ArmDelays & { wallMs: number }>(
  arm: () => Promise<T>,
  concurrent: number,
  foreign: ReadonlySet<number>,
  baseline: readonly ArmTask[] | undefined,
  oversubscribed: boolean,
): Promise<T> {
  const before = threadSchedstats(ourProcesses(foreign).pids)
  const timing = await arm()
  const { pids, tree } = ourProcesses(foreign)
  const after = before === undefined ? undefined : threadSchedstats(pids)
  if (before === undefined || after === undefined || timing.pathDelayMs === undefined) return timing
  const { byWorker, sharedMs, offThreadMs, besideMs } = offThreadDelays(before, after, timing.tasks, tree)
  const owned = timing.tasks.map((task) => ({ ...task, delayMs: task.delayMs + (byWorker.get(task) ?? 0) }))
  const { tasks, restMs } =
    timing.lanes > 1 ? shareByExcess(owned, sharedMs, baseline) : { tasks: owned, restMs: sharedMs }
  const pathDelayMs = Math.min(timing.wallMs, scheduleDelayMs(tasks, timing.lanes) + restMs / concurrent)
  // Our own part, as for on-thread work, from the CPU of the threads whose delay is not counted
  // (the calling threads waking to take results, the host thread, what is not fn's).
  const callingDelayMs = timing.callingDelayMs + offThreadMs
  const self = selfPathDelayMs({ pathDelayMs, callingDelayMs, besideCallsMs: besideMs, oversubscribed })
  // The tasks with their helpers' delay: a serial arm's serve as the next parallel arm's baseline.
  return { ...timing, tasks: owned, pathDelayMs, selfPathDelayMs: self }
}

/**
 * The off-thread delay accrued between two readings: per task, its worker process's share (spread
 * over the worker's tasks by latency), the rest, which no worker owns, all of it, and the CPU of
 * the threads whose delay was not counted (the calling threads, the host thread, what is not fn's).
 */
export function offThreadDelays(
  before: ThreadSchedstats,
  after: ThreadSchedstats,
  tasks: readonly ArmTask[],
  tree: ProcessTree | undefined,
): { byWorker: Map<ArmTask, number>; sharedMs: number; offThreadMs: number; besideMs: number } {
  const calling = new Set(tasks.flatMap((task) => (task.thread === undefined ? [] : [task.thread])))
  // The thread running the bench (the main thread of Vitest's forked worker): its delay is not on the path.
  const host = threadKey() ?? `${process.pid}/${process.pid}`
  // A worker process (a child, not this one) owns its other threads and every process below it.
  const ownerOf = new Map<number, number>()
  for (const thread of calling) {
    const pid = pidOf(thread)
    if (pid === process.pid) continue
    ownerOf.set(pid, pid)
    for (const below of tree === undefined ? [] : descendants(tree, pid)) ownerOf.set(below, pid)
  }
  // Where every calling thread is a child process's, fn's work is below them: what no worker owns
  // (the host's own threads, a service the host started) is not fn's.
  const hostCalls = [...calling].some((thread) => pidOf(thread) === process.pid)
  const ownedMs = new Map<number, number>()
  let sharedMs = 0
  let offThreadMs = 0
  // The CPU of the threads whose delay is not counted here: what can have delayed those that are.
  let besideMs = 0
  for (const [thread, stat] of after) {
    const owner = ownerOf.get(pidOf(thread))
    const counted = !calling.has(thread) && thread !== host && (owner !== undefined || hostCalls || calling.size === 0)
    if (!counted) {
      besideMs += accruedSince(before, thread, stat, 'cpuMs')
      continue
    }
    const ms = accruedSince(before, thread, stat, 'delayMs')
    offThreadMs += ms
    if (owner !== undefined) ownedMs.set(owner, (ownedMs.get(owner) ?? 0) + ms)
    else sharedMs += ms
  }
  const byWorker = new Map<ArmTask, number>()
  for (const [owner, ms] of ownedMs) {
    const own = tasks.filter((task) => task.thread !== undefined && pidOf(task.thread) === owner)
    const latencyMs = own.reduce((sum, task) => sum + task.latencyMs, 0)
    for (const task of own) byWorker.set(task, latencyMs > 0 ? (ms * task.latencyMs) / latencyMs : ms / own.length)
  }
  return { byWorker, sharedMs, offThreadMs, besideMs }
}

/**
 * Delay that no worker owns, given to the tasks that ran longer, less their own delay, than the
 * same task in the latest serial arm (`baseline`, by input index: this round's, or the previous
 * round's when the parallel arm goes first), in proportion to that excess and never more than it;
 * what is left, and all of it without a comparable baseline, is returned as the rest.
 */
export function shareByExcess(
  tasks: readonly ArmTask[],
  sharedMs: number,
  baseline: readonly ArmTask[] | undefined,
): { tasks: ArmTask[]; restMs: number } {
  // The same batch task by task (not the inline arm's one batch-long task).
  const comparable = baseline?.length === tasks.length ? baseline : undefined
  const excess = tasks.map((task, i) => {
    const base = comparable?.[i]
    return base === undefined ? 0 : Math.max(0, task.latencyMs - task.delayMs - (base.latencyMs - base.delayMs))
  })
  const total = excess.reduce((sum, ms) => sum + ms, 0)
  if (!(total > 0) || !(sharedMs > 0)) return { tasks: [...tasks], restMs: Math.max(0, sharedMs) }
  const scale = Math.min(1, sharedMs / total)
  return {
    tasks: tasks.map((task, i) => ({ ...task, delayMs: task.delayMs + (excess[i] ?? 0) * scale })),
    restMs: sharedMs - total * scale,
  }
}

/** Whether an arm's calls ran fn's work off the calling thread: it slept through OFF_THREAD_SHARE of their time or more. */
export function runsOffThread(arm: ArmDelays & { busyMs: number }): boolean {
  return arm.sleepMs > arm.busyMs * OFF_THREAD_SHARE
}
