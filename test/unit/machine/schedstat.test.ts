import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  accruedBetween,
  parseSchedstat,
  pidOf,
  type ThreadSchedstats,
  threadKey,
  threadSchedstat,
} from '../../../src/machine/schedstat.js'

describe('schedstat', () => {
  it('reads on-CPU time and run-queue delay in ms from a schedstat line', () => {
    expect(parseSchedstat('693892323 234497 8\n')).toEqual({ cpuMs: 693.892323, delayMs: 0.234497 })
    expect(parseSchedstat('garbage')).toBeUndefined()
  })
  it('sums what threads accrued between readings, of the threads counted; new threads in full', () => {
    const before: ThreadSchedstats = new Map([
      ['1/1', { cpuMs: 10, delayMs: 1 }],
      ['1/2', { cpuMs: 50, delayMs: 5 }],
    ])
    const after: ThreadSchedstats = new Map([
      ['1/1', { cpuMs: 12, delayMs: 4 }],
      ['1/2', { cpuMs: 90, delayMs: 25 }],
      ['7/7', { cpuMs: 3, delayMs: 1 }],
    ])
    expect(accruedBetween(before, after, 'cpuMs')).toBe(2 + 40 + 3)
    expect(accruedBetween(before, after, 'delayMs', (thread) => thread !== '1/2')).toBe(3 + 1)
  })
  it.runIf(process.platform === 'linux')('names the calling thread as pid/tid', () => {
    expect(threadKey()).toMatch(new RegExp(`^${process.pid}/\\d+$`))
    expect(pidOf(threadKey() ?? '')).toBe(process.pid)
  })
  it.runIf(process.platform === 'linux')('reads its own thread through one kept descriptor, anew on every read', () => {
    const first = threadSchedstat()
    const descriptors = readdirSync('/proc/self/fd').length
    let spent = 0
    const until = performance.now() + 20
    while (performance.now() < until) spent++
    let last = threadSchedstat()
    for (let i = 0; i < 200; i++) last = threadSchedstat()
    expect(readdirSync('/proc/self/fd').length).toBe(descriptors)
    // The kernel renders the file again at each read from offset 0: the CPU just spent shows (20 ms
    // of spinning gets well over 1 ms of CPU, however busy the machine).
    expect(spent).toBeGreaterThan(0)
    expect((last?.cpuMs ?? 0) - (first?.cpuMs ?? 0)).toBeGreaterThan(1)
  })
})
