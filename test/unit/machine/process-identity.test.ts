import { describe, expect, it } from 'vitest'
import { descendsFrom, isRunning, processIdentity } from '../../../src/machine/process-identity.js'

/** /proc/<pid>/stat lines for a made-up tree: 1 ← 10 ← 20 ← 30, and 40 a zombie below 10. */
const stats: Record<number, string> = {
  1: '1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0',
  10: '10 (node) S 1 10 10 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0',
  20: '20 (node (vitest) x) S 10 10 10 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 200 0 0',
  30: '30 (node) R 20 10 10 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 300 0 0',
  40: '40 (node) Z 10 10 10 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 400 0 0',
}
const read = (path: string): string | undefined => stats[Number(/\/proc\/(\d+)\/stat/.exec(path)?.[1])]

describe('processIdentity', () => {
  it('reads the parent, state and start time, also when the name holds spaces and parentheses', () => {
    expect(processIdentity(20, read)).toEqual({ pid: 20, ppid: 10, state: 'S', startTime: '200' })
    expect(processIdentity(99, read)).toBeUndefined()
  })

  it('walks parents to tell whether a process runs below another', () => {
    expect(descendsFrom(30, 10, read)).toBe(true)
    expect(descendsFrom(30, 30, read)).toBe(true)
    expect(descendsFrom(10, 20, read)).toBe(false)
    expect(descendsFrom(99, 10, read)).toBe(false)
  })

  it('knows a process by pid and start time: a reused pid or a zombie is not the same one running', () => {
    expect(isRunning({ pid: 30, ppid: 20, state: 'R', startTime: '300' }, read)).toBe(true)
    expect(isRunning({ pid: 30, ppid: 20, state: 'R', startTime: '299' }, read)).toBe(false)
    expect(isRunning({ pid: 40, ppid: 10, state: 'S', startTime: '400' }, read)).toBe(false)
  })

  it('reads this very process on Linux', () => {
    if (process.platform !== 'linux') return
    expect(processIdentity(process.pid)?.ppid).toBe(process.ppid)
    expect(descendsFrom(process.pid, process.ppid)).toBe(true)
  })
})
