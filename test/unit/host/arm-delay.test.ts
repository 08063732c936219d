import { describe, expect, it } from 'vitest'
import { ArmDelay, type ArmTask, offThreadDelays, shareByExcess, withoutForeign } from '../../../src/host/arm-delay.js'
import type { ProcessTree } from '../../../src/machine/process-tree.js'
import { descendants } from '../../../src/machine/process-tree.js'
import { type ThreadSchedstats, threadKey } from '../../../src/machine/schedstat.js'
import type { OkReply } from '../../../src/pools/pool.js'

/** A reply as a worker sends it, with synthetic schedstat readings. */
function reply(delayMs: number | undefined, waitMs: number, thread: string | undefined): OkReply<'run'> {
  return { ok: true, op: 'run', workerId: 'w', busyMs: 25, cpuMs: 25, delayMs, waitMs, sleepMs: 0, thread, value: 0 }
}

describe('ArmDelay', () => {
  it('puts the calling threads’ delay on the path, inside the calls and waking up, replayed on the pool’s schedule', () => {
    const arm = new ArmDelay()
    // 2 lanes: the first worker's tasks were delayed 8 ms each inside the call and 2 ms waking up.
    arm.add(0, reply(8, 2, '1/11'), 35)
    arm.add(1, reply(0, 0, '1/12'), 25)
    arm.add(2, reply(8, 2, '1/11'), 35)
    arm.add(3, reply(0, 0, '1/12'), 25)
    const result = arm.result(2, 70)
    // First free worker: the tasks run 35 | 25+35 and 35+25 → 60 ms; without the delay 50 ms.
    expect(result.pathDelayMs).toBeCloseTo(10)
    expect(result.delayMs).toBe(16)
    expect(result.callingDelayMs).toBe(20)
    expect([...(result.callingThreads ?? [])]).toEqual(['1/11', '1/12'])
  })
  it('knows no path delay when a task went unsampled, and no calling threads when a reply did not name its own', () => {
    const arm = new ArmDelay()
    arm.add(0, reply(undefined, 0, '1/11'), 25)
    arm.add(1, reply(0, 0, undefined), 25)
    const result = arm.result(1, 50)
    expect(result.pathDelayMs).toBeUndefined()
    expect(result.callingThreads).toBeUndefined()
  })
})

describe('offThreadDelays', () => {
  const stats = (entries: [string, number, number?][]): ThreadSchedstats =>
    new Map(entries.map(([thread, delayMs, cpuMs = 0]) => [thread, { cpuMs, delayMs }]))
  const task = (thread: string, latencyMs: number): ArmTask => ({ latencyMs, delayMs: 0, thread })

  it('gives a worker process’s helpers’ delay to that worker’s tasks, by latency; nothing of the host’s is fn’s', () => {
    const host = process.pid
    // The thread running this test stands for the host thread.
    const hostThread = threadKey() ?? `${host}/${host}`
    // Two worker processes (501, 502); 601 is a helper process that worker 502 started; 700 a service of the host.
    const tree: ProcessTree = new Map([
      [host, [501, 502, 700]],
      [502, [601]],
    ])
    const tasks = [task('501/501', 30), task('502/502', 30), task('502/502', 10)]
    const before = stats([
      ['501/501', 0],
      ['502/502', 0],
      [hostThread, 0],
    ])
    const after = stats([
      // The calling threads' and the host thread's delay are counted elsewhere.
      ['501/501', 9],
      ['502/502', 9],
      [hostThread, 9],
      // A libuv thread of worker 501, worker 502's helper (started in between).
      ['501/510', 2],
      ['601/601', 20],
      // The host's service and another thread of the host: every call ran in a child, so not fn's.
      ['700/700', 4],
      [`${host}/720`, 1],
    ])
    const { byWorker, sharedMs, offThreadMs } = offThreadDelays(before, after, tasks, tree)
    expect(offThreadMs).toBe(2 + 20)
    expect(byWorker.get(tasks[0] as ArmTask)).toBe(2)
    expect(byWorker.get(tasks[1] as ArmTask)).toBe(15)
    expect(byWorker.get(tasks[2] as ArmTask)).toBe(5)
    expect(sharedMs).toBe(0)
  })
  it('shares everything where the workers are threads of this process', () => {
    const tasks = [task(`${process.pid}/11`, 30), task(`${process.pid}/12`, 30)]
    const after = stats([
      [`${process.pid}/11`, 5, 4],
      [`${process.pid}/20`, 6],
      ['800/800', 3],
    ])
    const { byWorker, sharedMs, besideMs } = offThreadDelays(new Map(), after, tasks, new Map([[process.pid, [800]]]))
    expect(byWorker.size).toBe(0)
    expect(sharedMs).toBe(9)
    // The calling thread's CPU is what can have delayed the threads doing its work.
    expect(besideMs).toBe(4)
  })
})

describe('shareByExcess', () => {
  const task = (latencyMs: number, delayMs = 0): ArmTask => ({ latencyMs, delayMs, thread: undefined })
  const serial = [task(25), task(25), task(25), task(25)]

  it('gives delay no worker owns to the tasks that ran longer than one at a time, up to that excess', () => {
    // The second lane's helper was starved: its two tasks took 40 ms where they take 25 alone.
    const { tasks, restMs } = shareByExcess([task(25), task(40), task(25), task(40)], 36, serial)
    expect(tasks.map((t) => t.delayMs)).toEqual([0, 15, 0, 15])
    expect(restMs).toBe(6)
  })
  it('shares less delay than the excess in proportion, and all of it is the rest without a baseline', () => {
    const { tasks, restMs } = shareByExcess([task(25), task(45, 5), task(25), task(35)], 10, serial)
    // Excess 15 and 10 ms (its own 5 ms delay aside) share 10 ms: 6 and 4.
    expect(tasks.map((t) => t.delayMs)).toEqual([0, 5 + 6, 0, 4])
    expect(restMs).toBe(0)
    expect(shareByExcess([task(40)], 10, undefined)).toEqual({ tasks: [task(40)], restMs: 10 })
    // The inline arm's one batch-long task is no baseline for the pool's tasks; nor is a task that ran no longer.
    expect(shareByExcess([task(40), task(40)], 10, [task(50)]).restMs).toBe(10)
    expect(shareByExcess([task(25), task(25)], 10, serial.slice(0, 2)).restMs).toBe(10)
  })
})

describe('withoutForeign', () => {
  it('drops the processes below us before fn ran, and what runs below them', () => {
    // 10 is a pool's child with a helper 11; 20 a module server's esbuild, with a process of its own.
    const tree: ProcessTree = new Map([
      [1, [10, 20]],
      [10, [11]],
      [20, [21]],
    ])
    expect(descendants(withoutForeign(tree, new Set([20])), 1).sort()).toEqual([10, 11])
  })
})
