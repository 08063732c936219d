// The measurement: warm the pools, then paired, interleaved rounds (serial arm
// and parallel arm back to back, order alternating: ABBA; with two pools, both
// in every round), stopping as soon as the verdicts are decided (after
// minRounds) or at maxRounds / the time budget.

import { isDecidedUnderLoad, type RowEvidence, rowEvidence } from '../analysis/row-verdict.js'
import {
  estimateNetSpeedup,
  estimateSpeedup,
  lookLevel,
  lookPlan,
  median,
  sequentialCoverage,
} from '../analysis/statistics.js'
import type { ResolvedOptions } from '../contracts/options.js'
import { describeThrown, ParallelBenchError } from '../errors.js'
import { cpuCapacity } from '../machine/effective-cores.js'
import { otherCpuMs, sampleCpu, stealShare } from '../machine/other-load.js'
import { processTree } from '../machine/process-tree.js'
import type { BenchPool } from '../pools/pool.js'
import type { RoundSample, SpeedupEstimate } from '../types.js'
import type { BenchFunction } from '../worker/registry.js'
import {
  ArmDelay,
  type ArmDelays,
  type ArmTask,
  foreignProcesses,
  hostThreadTimes,
  inlineArmDelay,
  ourChildProcesses,
  runsOffThread,
  withOffThreadDelay,
  withOwnCpu,
} from './arm-delay.js'
import { memoryPerWorker } from './memory.js'

export interface Workload {
  tasks: number
  /** Input of task i, made in the host. */
  input: (index: number) => unknown
  /** Move ArrayBuffers to the worker instead of copying (threads only). */
  transfer: boolean
  /** Every task gets the same input (a fixed `input`, or none), so every task costs the same. */
  equalTasks?: boolean | undefined
}

/** One pool under test, with what its arms run. */
export interface PoolUnderTest {
  pool: BenchPool
  workload: Workload
  /** Speedup the budget asks for; stopping waits until it is decided. */
  target: number | undefined
  /** For `baseline: 'inline'`: the serial arm calls this in the host. */
  inlineFn?: BenchFunction | undefined
  /** This process's RSS before the pool was created: what a thread pool adds is measured against it. */
  residentBefore?: number | undefined
  /** This process's descendants before the pool was created: those started later by a thread pool's fn count as its memory. */
  processesBefore?: ReadonlySet<number> | undefined
}

export interface MeasureSpec {
  /** Measured in the same rounds, one after the other (their order alternating), so they can be paired. */
  pools: readonly PoolUnderTest[]
  options: Pick<ResolvedOptions, 'time' | 'minRounds' | 'maxRounds' | 'warmupRounds' | 'confidence'>
  signal?: AbortSignal | undefined
}

export interface Measurement {
  rounds: RoundSample[]
  startupMs: number[]
  roundTripMs: number
  callMs: number | undefined
  memoryBytes: number | undefined
  estimate: SpeedupEstimate
  /** The load's cost, the speedup on the CPU the pool got and the batch's bound, at the estimate's level. */
  evidence: RowEvidence
  /** The async model only: fn returned no promise, so its calls could not overlap (~1.0x by construction). */
  synchronous: boolean
  /** Net speedup vs calling fn inline, paired per round (estimateNetSpeedup). */
  net: { speedup: number; low: number; high: number; confidence: number } | undefined
  /** CPU time other processes took over all rounds, and how long they lasted (contention's fallback for short arms). */
  otherLoad: { cpuMs: number; wallMs: number } | undefined
  /** The share of the CPUs' time a hypervisor took over all rounds (steal): not in any run-queue delay. */
  stealShare: number | undefined
  stoppedBecause: 'decided' | 'maxRounds' | 'time'
}

interface BatchTiming extends ArmDelays {
  wallMs: number
  busyMs: number
  /** The longest single task inside fn. */
  longestMs: number
  /** Time inside fn per task, by input index. */
  taskMs: number[]
  cpuMs: number | undefined
  /** Per task: latency seen by the host minus time inside fn. */
  overheadMs: number[]
}

/** ArrayBuffers reachable at the top level or one level down (typed arrays, arrays, plain objects). */
export function transferables(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>()
  const visit = (item: unknown, depth: number): void => {
    if (item instanceof ArrayBuffer) found.add(item)
    else if (ArrayBuffer.isView(item) && item.buffer instanceof ArrayBuffer) found.add(item.buffer)
    else if (depth > 0 && item !== null && typeof item === 'object') {
      for (const child of Array.isArray(item) ? item : Object.values(item)) visit(child, depth - 1)
    }
  }
  visit(value, 1)
  return [...found]
}

/** The input of task `index`; the user's `input` function runs in the host, so its failure is coded apart. */
function inputOf(workload: Workload, index: number): unknown {
  try {
    return workload.input(index)
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : describeThrown(error)
    const failure = new ParallelBenchError('INPUT_FAILED', `input(${index}) threw in the host: ${reason}`, {
      cause: error,
    })
    if (error instanceof Error && error.stack !== undefined) failure.stack = error.stack
    throw failure
  }
}

function makeInputs(workload: Workload): unknown[] {
  return Array.from({ length: workload.tasks }, (_, i) => inputOf(workload, i))
}

async function runBatch(
  pool: BenchPool,
  inputs: readonly unknown[],
  concurrency: number,
  transfer: boolean,
): Promise<BatchTiming> {
  let next = 0
  let busyMs = 0
  let longestMs = 0
  const taskMs: number[] = []
  let cpuMs: number | undefined = 0
  const delay = new ArmDelay()
  const overheadMs: number[] = []
  // One lane per worker: a task is dispatched only to an idle worker, so latency − busy is pure messaging.
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next++
      const input = inputs[index]
      const sent = performance.now()
      const reply = await pool.run({ op: 'run', input }, transfer ? transferables(input) : undefined)
      const latencyMs = performance.now() - sent
      overheadMs.push(latencyMs - reply.busyMs)
      busyMs += reply.busyMs
      taskMs[index] = reply.busyMs
      longestMs = Math.max(longestMs, reply.busyMs)
      cpuMs = cpuMs === undefined || reply.cpuMs === undefined ? undefined : cpuMs + reply.cpuMs
      delay.add(index, reply, latencyMs)
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, lane))
  const wallMs = performance.now() - start
  return { wallMs, busyMs, longestMs, taskMs, cpuMs, ...delay.result(concurrency, wallMs), overheadMs }
}

/**
 * An arm of the async model: the whole batch in one message, up to `concurrency` calls in flight
 * in the worker's one thread (1 for its serial arm: both arms pay one message, so a synchronous fn
 * measures 1.0x, as a hand-timed `Promise.all` against a loop of awaits would). That thread's delay
 * over the batch is all on the arm's path (ArmDelay with one lane). Per-task delays are not told
 * apart: the calls overlap.
 */
async function runConcurrent(
  pool: BenchPool,
  inputs: readonly unknown[],
  concurrency: number,
): Promise<BatchTiming & { promises: number }> {
  const start = performance.now()
  const reply = await pool.run({ op: 'concurrent', inputs: [...inputs], concurrency })
  const wallMs = performance.now() - start
  const delay = new ArmDelay()
  const { workerId, cpuMs, delayMs, sleepMs, thread } = reply
  delay.add(
    0,
    {
      ok: true,
      op: 'run',
      workerId,
      busyMs: reply.wallMs,
      cpuMs,
      delayMs,
      waitMs: 0,
      sleepMs,
      thread,
      value: undefined,
    },
    wallMs,
  )
  return {
    wallMs,
    busyMs: reply.taskMs.reduce((sum, ms) => sum + ms, 0),
    longestMs: Math.max(0, ...reply.taskMs),
    taskMs: reply.taskMs,
    cpuMs,
    ...delay.result(1, wallMs),
    taskDelayMs: undefined,
    // One message for the batch: what the host waited beyond the worker's batch, per task.
    overheadMs: [Math.max(0, wallMs - reply.wallMs) / Math.max(1, inputs.length)],
    promises: reply.promises,
  }
}

async function runInline(fn: BenchFunction, inputs: readonly unknown[]): Promise<BatchTiming> {
  const taskMs: number[] = []
  // The host's own thread calls fn here: its run-queue delay over the batch is the arm's.
  const host = hostThreadTimes()
  const start = performance.now()
  for (const input of inputs) {
    const called = performance.now()
    const value = fn(input)
    if (value instanceof Promise) await value
    taskMs.push(performance.now() - called)
  }
  const wallMs = performance.now() - start
  return {
    wallMs,
    busyMs: wallMs,
    longestMs: Math.max(0, ...taskMs),
    taskMs,
    cpuMs: undefined,
    ...inlineArmDelay(host(), wallMs),
    overheadMs: [],
  }
}

/** Below this time inside fn per task, the inline cost is taken from a batch timed as one loop. */
export const INLINE_ARM_BELOW_MS = 0.05

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true)
    throw new ParallelBenchError('ABORTED', 'the bench was aborted', { cause: signal.reason })
}

/** One pool's arms, warmed up and ready for rounds. */
interface Arms {
  /** One paired round: the serial and the parallel arm back to back, in the order given. */
  round(serialFirst: boolean): Promise<{ sample: RoundSample; overheadMs: number[] }>
  /** The async model only: no call of its latest concurrent batch returned a promise (fn is synchronous). */
  synchronous: boolean
}

async function warmedArms(
  under: PoolUnderTest,
  warmupRounds: number,
  signal: AbortSignal | undefined,
  ownPids: () => number[],
  foreign: ReadonlySet<number>,
): Promise<Arms> {
  const { pool, workload, inlineFn } = under
  const fixedInputs = workload.transfer ? undefined : makeInputs(workload)
  const inputsForBatch = (): unknown[] => fixedInputs ?? makeInputs(workload)
  // Inline, fn gets the very objects: fresh ones per batch (made before the clock starts), or an
  // in-place sort would measure sorted data from the second batch on. Workers get clones anyway.
  // Set after the warm-up: whether fn's work runs off the calling thread, whose delay must then be
  // read too; otherwise, the CPU our other threads spent beside the calling threads (what delay they explain).
  let offThread = false
  // Cleared after the warm-up when the calls go unsampled (under 1 ms): no delay to split, no reads.
  let ownCpuRead = true
  // More calling threads than cores delay each other (the async model has one, whatever its calls in flight).
  const cores = Math.max(1, Math.floor(cpuCapacity()))
  // The latest serial arm's tasks: where fn's work runs off the calling thread, what each task takes one at a time.
  let serialTasks: readonly ArmTask[] | undefined
  const withLoadReads = (arm: () => Promise<BatchTiming>, concurrent: number): Promise<BatchTiming> => {
    const oversubscribed = pool.model !== 'async' && concurrent > cores
    if (offThread)
      return withOffThreadDelay(arm, concurrent, foreign, concurrent > 1 ? serialTasks : undefined, oversubscribed)
    return ownCpuRead ? withOwnCpu(arm, () => [process.pid, ...ownPids()], oversubscribed) : arm()
  }
  const serialArm = (): Promise<BatchTiming> =>
    withLoadReads(
      () =>
        inlineFn !== undefined
          ? runInline(inlineFn, makeInputs(workload))
          : pool.model === 'async'
            ? runConcurrent(pool, inputsForBatch(), 1)
            : runBatch(pool, inputsForBatch(), 1, workload.transfer),
      1,
    ).then((timing) => {
      serialTasks = timing.tasks
      return timing
    })
  let synchronous = false
  const parallelArm = (): Promise<BatchTiming> =>
    withLoadReads(
      () =>
        pool.model === 'async'
          ? runConcurrent(pool, inputsForBatch(), pool.size).then((timing) => {
              synchronous = timing.promises === 0
              return timing
            })
          : runBatch(pool, inputsForBatch(), pool.size, workload.transfer),
      Math.min(pool.size, workload.tasks),
    )
  // Other processes' CPU during an arm; the samples bracket the arm, outside its timed span. Where
  // fn's work runs off the calling thread, the processes fn started (a compiler's service) are ours.
  const ours = (): number[] => (offThread ? ourChildProcesses(foreign) : ownPids())
  const withOtherCpu = async (
    arm: () => Promise<BatchTiming>,
  ): Promise<BatchTiming & { otherMs: number | undefined }> => {
    const before = sampleCpu(ours())
    const timing = await arm()
    const after = before === undefined ? undefined : sampleCpu(ours())
    return {
      ...timing,
      otherMs: before === undefined || after === undefined ? undefined : otherCpuMs(before, after),
    }
  }

  // The pool runs fn first: a fn that exits, crashes or hangs shows it there, not in the Vitest worker.
  let warmSerial: BatchTiming | undefined
  for (let i = 0; i < warmupRounds; i++) {
    checkAborted(signal)
    await parallelArm()
    warmSerial = await serialArm()
  }
  // Tiny tasks: time the batch as one loop too (an arm as cheap as the tasks), since per-call
  // timing would mostly measure the clock. Judged on the warm serial arm (or an extra one).
  warmSerial ??= inlineFn === undefined ? await serialArm() : undefined
  offThread = warmSerial !== undefined && runsOffThread(warmSerial)
  ownCpuRead = warmSerial === undefined || warmSerial.fnCpuMs !== undefined
  const inlineArm =
    warmSerial !== undefined && warmSerial.busyMs / workload.tasks < INLINE_ARM_BELOW_MS
      ? async (): Promise<number> => (await pool.run({ op: 'inline', inputs: inputsForBatch() })).busyMs
      : undefined

  return {
    get synchronous() {
      return synchronous
    },
    async round(serialFirst) {
      let serial: BatchTiming & { otherMs: number | undefined }
      let parallel: BatchTiming & { otherMs: number | undefined }
      if (serialFirst) {
        serial = await withOtherCpu(serialArm)
        parallel = await withOtherCpu(parallelArm)
      } else {
        parallel = await withOtherCpu(parallelArm)
        serial = await withOtherCpu(serialArm)
      }
      const inlineMs = inlineArm === undefined ? undefined : await inlineArm()
      return {
        sample: {
          order: serialFirst ? 'serial-first' : 'parallel-first',
          serialMs: serial.wallMs,
          parallelMs: parallel.wallMs,
          serialBusyMs: serial.busyMs,
          parallelBusyMs: parallel.busyMs,
          parallelCpuMs: parallel.cpuMs,
          ...(serial.delayMs === undefined ? {} : { serialDelayMs: serial.delayMs }),
          ...(serial.pathDelayMs === undefined ? {} : { serialPathDelayMs: serial.pathDelayMs }),
          ...(parallel.delayMs === undefined ? {} : { parallelDelayMs: parallel.delayMs }),
          ...(parallel.pathDelayMs === undefined ? {} : { parallelPathDelayMs: parallel.pathDelayMs }),
          ...(serial.selfPathDelayMs === undefined ? {} : { serialSelfDelayMs: serial.selfPathDelayMs }),
          ...(parallel.selfPathDelayMs === undefined ? {} : { parallelSelfDelayMs: parallel.selfPathDelayMs }),
          serialLongestMs: serial.longestMs,
          serialTaskMs: serial.taskMs,
          ...(serial.taskDelayMs === undefined ? {} : { serialTaskDelayMs: serial.taskDelayMs }),
          ...(inlineMs === undefined ? {} : { inlineMs }),
          ...(parallel.otherMs === undefined ? {} : { parallelOtherMs: parallel.otherMs }),
          ...(serial.otherMs === undefined ? {} : { serialOtherMs: serial.otherMs }),
        },
        overheadMs: [...serial.overheadMs, ...parallel.overheadMs],
      }
    },
  }
}

/**
 * Measures every pool of the spec in the same rounds: round r runs each pool's paired arms, the
 * pools' order alternating round by round, so two pools' rounds pair up (drift hits both alike).
 * Stops once every pool's verdict is decided (after minRounds), or at maxRounds / `time`.
 */
export async function measure(spec: MeasureSpec): Promise<Measurement[]> {
  const { pools, options, signal } = spec
  // Every pool's children are ours: in a compare, one pool's work is never the other's "other load".
  const ownPids = (): number[] => pools.flatMap((under) => under.pool.pids())
  const startups: number[][] = []
  const arms: Arms[] = []
  for (const under of pools) startups.push(await under.pool.ready)
  // Processes below this one before fn first ran (a module server's esbuild) are not fn's. A worker
  // thread's helper started while loading is the host's child, and passes for one of those.
  const foreign = foreignProcesses(ownPids())
  for (const under of pools) arms.push(await warmedArms(under, options.warmupRounds, signal, ownPids, foreign))

  const plan = lookPlan(options.confidence, options.minRounds, options.maxRounds)
  const rounds: RoundSample[][] = pools.map(() => [])
  const overheads: number[][] = pools.map(() => [])
  const estimates: (SpeedupEstimate | undefined)[] = pools.map(() => undefined)
  const evidences: (RowEvidence | undefined)[] = pools.map(() => undefined)
  const started = performance.now()
  // The whole run: every process below this one but foreign ones, fn's included, is ours.
  const runStart = sampleCpu(ourChildProcesses(foreign))
  let stoppedBecause: Measurement['stoppedBecause'] = 'maxRounds'
  for (let round = 0; round < options.maxRounds; round++) {
    const order = pools.map((_, index) => index)
    if (round % 2 === 1) order.reverse()
    for (const index of order) {
      checkAborted(signal)
      const under = pools[index] as PoolUnderTest
      // ABBA; with the inline baseline and no warm-up, the pool still goes first.
      const serialFirst = (round + (under.inlineFn !== undefined && options.warmupRounds === 0 ? 1 : 0)) % 2 === 0
      const { sample, overheadMs } = await (arms[index] as Arms).round(serialFirst)
      ;(rounds[index] as RoundSample[]).push(sample)
      ;(overheads[index] as number[]).push(...overheadMs)
    }
    if (round + 1 < options.minRounds) continue
    const level = lookLevel(plan, round + 1)
    pools.forEach((under, index) => {
      estimates[index] = estimateSpeedup(rounds[index] as RoundSample[], under.pool.size, level)
      evidences[index] = rowEvidence(rounds[index] as RoundSample[], under.pool.size, level, under.workload.equalTasks)
    })
    const decided = (under: PoolUnderTest, index: number): boolean =>
      isDecidedUnderLoad(estimates[index] as SpeedupEstimate, evidences[index] as RowEvidence, under.target)
    if (pools.every(decided)) {
      stoppedBecause = 'decided'
      break
    }
    if (performance.now() - started >= options.time) {
      stoppedBecause = 'time'
      break
    }
  }

  // Report the coverage that holds jointly over every look, i.e. at whatever round the run stopped.
  const coverage = sequentialCoverage(plan)
  const tree = processTree()
  const results: Measurement[] = []
  for (const [index, under] of pools.entries()) {
    const own = rounds[index] as RoundSample[]
    const level = lookLevel(plan, own.length)
    const final = estimates[index] ?? estimateSpeedup(own, under.pool.size, level)
    const evidence = evidences[index] ?? rowEvidence(own, under.pool.size, level, under.workload.equalTasks)
    const onCpuGot = evidence.onCpuGot
    const runEnd = runStart === undefined ? undefined : sampleCpu(ourChildProcesses(foreign))
    results.push({
      rounds: own,
      startupMs: startups[index] as number[],
      roundTripMs: (overheads[index] as number[]).length === 0 ? 0 : Math.max(0, median(overheads[index] as number[])),
      // The serial arm timed every call inside its worker: that is the inline cost, paired and free.
      callMs:
        own.length === 0 ? undefined : median(own.map((r) => r.inlineMs ?? r.serialBusyMs)) / under.workload.tasks,
      memoryBytes: await memoryPerWorker(under, pools, tree),
      estimate: { ...final, confidence: Math.min(final.confidence, coverage) },
      evidence: {
        ...evidence,
        onCpuGot:
          onCpuGot === undefined ? undefined : { ...onCpuGot, confidence: Math.min(onCpuGot.confidence, coverage) },
      },
      net: netEstimate(own, level, coverage),
      otherLoad:
        runStart === undefined || runEnd === undefined
          ? undefined
          : { cpuMs: otherCpuMs(runStart, runEnd), wallMs: runEnd.atMs - runStart.atMs },
      stealShare: runStart === undefined || runEnd === undefined ? undefined : stealShare(runStart, runEnd),
      stoppedBecause,
      synchronous: under.pool.model === 'async' && (arms[index] as Arms).synchronous,
    })
  }
  return results
}

function netEstimate(rounds: RoundSample[], level: number, coverage: number): Measurement['net'] {
  const net = estimateNetSpeedup(rounds, level)
  return net === undefined
    ? undefined
    : { speedup: net.speedup, low: net.low, high: net.high, confidence: Math.min(net.confidence, coverage) }
}
