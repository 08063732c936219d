import { describe, expect, it } from 'vitest'
import {
  otherCpuMs,
  parsePidStatTicks,
  parseProcStatBusy,
  parseProcStatSteal,
  sampleCpu,
  stealShare,
} from '../../../src/machine/other-load.js'

const STAT = `cpu  1000 10 500 9000 40 5 6 7 0 0
cpu0 600 5 300 4000 20 3 3 4 0 0
cpu1 400 5 200 5000 20 2 3 3 0 0
intr 12345
`

describe('parseProcStatBusy', () => {
  it('sums user, nice, system, irq, softirq and steal, not idle or iowait', () => {
    expect(parseProcStatBusy(STAT, undefined)).toBe(1000 + 10 + 500 + 5 + 6 + 7)
  })

  it('counts only the CPUs this process may use', () => {
    expect(parseProcStatBusy(STAT, [1])).toBe(400 + 5 + 200 + 2 + 3 + 3)
    expect(parseProcStatBusy(STAT, [7])).toBeUndefined()
  })
})

describe('parsePidStatTicks', () => {
  it('adds utime, stime, cutime and cstime, whatever the process name holds', () => {
    const line = '4242 (node (bench) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 120 30 7 3 20 0 3 0 99 1000 50'
    expect(parsePidStatTicks(line)).toBe(120 + 30 + 7 + 3)
    expect(parsePidStatTicks(line, false)).toBe(120 + 30)
  })
})

describe('otherCpuMs', () => {
  it("is the machine's busy time minus our tree's, unclamped so short windows sum without bias", () => {
    expect(otherCpuMs({ machineMs: 1000, ownMs: 400, atMs: 0 }, { machineMs: 1300, ownMs: 600, atMs: 100 })).toBe(100)
    expect(otherCpuMs({ machineMs: 0, ownMs: 0, atMs: 0 }, { machineMs: 100, ownMs: 110, atMs: 20 })).toBe(-10)
  })
})

describe('sampleCpu', () => {
  const files = (extra: Record<string, string>) => (path: string) =>
    ({ '/proc/stat': STAT, '/proc/self/status': 'Cpus_allowed_list:\t0-1\n', ...extra })[path]

  it("reads the allowed CPUs' busy time and our children's CPU time", () => {
    const sample = sampleCpu([4242], files({ '/proc/4242/stat': '4242 (node) S 1 1 1 0 -1 0 0 0 0 0 10 5 0 0' }))
    expect(sample?.machineMs).toBe((1000 + 10 + 500 + 5 + 6 + 7) * 10)
    expect(sample?.ownMs).toBeGreaterThanOrEqual(150)
  })

  it('gives up where a CPU quota is narrower than the CPUs we see (other tenants would read as other load)', () => {
    const quota = files({ '/proc/self/cgroup': '0::/job\n', '/sys/fs/cgroup/job/cpu.max': '100000 100000\n' })
    expect(sampleCpu([], quota)).toBeUndefined()
  })
})

describe('steal', () => {
  it('is the steal column over all eight time columns of the CPUs we may use', () => {
    expect(parseProcStatSteal(STAT, [0])).toEqual({ steal: 4, total: 600 + 5 + 300 + 4000 + 20 + 3 + 3 + 4 })
    expect(parseProcStatSteal(STAT, undefined)?.steal).toBe(7)
    expect(parseProcStatSteal('intr 1\n', undefined)).toBeUndefined()
  })

  it('is a share of the time between two samples', () => {
    const at = (stealMs: number, totalMs: number) => ({ machineMs: 0, ownMs: 0, stealMs, totalMs, atMs: 0 })
    expect(stealShare(at(10, 1000), at(60, 2000))).toBe(0.05)
    expect(stealShare({ machineMs: 0, ownMs: 0, atMs: 0 }, at(60, 2000))).toBeUndefined()
  })
})
