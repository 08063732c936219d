import { describe, expect, it } from 'vitest'
import { ArmDelay } from '../../../src/host/arm-delay.js'
import type { OkReply } from '../../../src/pools/pool.js'

/** A reply as a worker sends it, with synthetic schedstat readings. */
function reply(delayMs: number | undefined, waitMs: number, thread: string | undefined): OkReply<'run'> {
  return { ok: true, op: 'run', workerId: 'w', busyMs: 25, cpuMs: 25, delayMs, waitMs, sleepMs: 0, thread, value: 0 }
}

describe('ArmDelay', () => {
  it('puts the calling threads’ delay on the path, inside the calls and waking up; the host thread’s is counted, not taken out', () => {
    const arm = new ArmDelay()
    // 2 lanes: the first worker's tasks were delayed 8 ms each inside the call and 2 ms waking up.
    arm.add(0, reply(8, 2, '1/11'), 35)
    arm.add(1, reply(0, 0, '1/12'), 25)
    arm.add(2, reply(8, 2, '1/11'), 35)
    arm.add(3, reply(0, 0, '1/12'), 25)
    const result = arm.result(2, 70, 4)
    // First free worker: the tasks run 35 | 25+35 and 35+25 → 60 ms; without the delay 50 ms.
    expect(result.pathDelayMs).toBeCloseTo(10)
    expect(result.delayMs).toBe(16)
    expect(result.callingDelayMs).toBe(20)
    expect(result.countedDelayMs).toBe(20 + 4)
    expect([...(result.callingThreads ?? [])]).toEqual(['1/11', '1/12'])
  })
  it('knows no path delay when a task went unsampled, and no calling threads when a reply did not name its own', () => {
    const arm = new ArmDelay()
    arm.add(0, reply(undefined, 0, '1/11'), 25)
    arm.add(1, reply(0, 0, undefined), 25)
    const result = arm.result(1, 50, undefined)
    expect(result.pathDelayMs).toBeUndefined()
    expect(result.callingThreads).toBeUndefined()
  })
})
