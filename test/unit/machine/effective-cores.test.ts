import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  cpuCapacity,
  effectiveCores,
  type FileReader,
  parseCgroupV1Quota,
  parseCgroupV2CpuMax,
  parseCpuList,
  parseCpusAllowed,
} from '../../../src/machine/effective-cores.js'

/** Reads `/proc/...` and `/sys/...` from fixtures/cgroup/<machine>/, never from the host. */
function machine(name: string): FileReader {
  const root = new URL(`../../../fixtures/cgroup/${name}`, import.meta.url)
  return (path) => {
    try {
      return readFileSync(new URL(`${root.href}${path}`), 'utf8')
    } catch {
      return undefined
    }
  }
}

function fixture(name: string, path: string): string {
  const content = machine(name)(path)
  if (content === undefined) throw new Error(`missing fixture ${name}${path}`)
  return content
}

/** A host with many CPUs, so only the files decide. */
const MANY = 64

describe('parseCpuList', () => {
  it('expands ranges and single CPUs', () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11])
  })

  it('reads a single CPU and a trailing newline', () => {
    expect(parseCpuList('5\n')).toEqual([5])
  })

  it('counts overlapping ranges once', () => {
    expect(parseCpuList('0-2,1-3')).toEqual([0, 1, 2, 3])
  })

  it('is empty for an empty list', () => {
    expect(parseCpuList('')).toEqual([])
  })

  it('is undefined for malformed input', () => {
    expect(parseCpuList('0-')).toBeUndefined()
    expect(parseCpuList('3-1')).toBeUndefined()
    expect(parseCpuList('ff')).toBeUndefined()
  })
})

describe('parseCpusAllowed', () => {
  it('reads Cpus_allowed_list from /proc/self/status', () => {
    expect(parseCpusAllowed(fixture('affinity', '/proc/self/status'))).toEqual([0, 1, 2, 3, 8, 10, 11])
  })

  it('is undefined when the line is absent', () => {
    expect(parseCpusAllowed('Name:\tnode\nPid:\t1\n')).toBeUndefined()
  })
})

describe('parseCgroupV2CpuMax', () => {
  it('is quota / period in CPUs', () => {
    expect(parseCgroupV2CpuMax(fixture('v2-container', '/sys/fs/cgroup/cpu.max'))).toBe(1.5)
  })

  it('is undefined for "max" (no limit)', () => {
    expect(parseCgroupV2CpuMax(fixture('v2-unlimited', '/sys/fs/cgroup/user.slice/cpu.max'))).toBeUndefined()
  })

  it('reads half a CPU', () => {
    expect(parseCgroupV2CpuMax('50000 100000')).toBe(0.5)
  })

  it('is undefined for malformed input', () => {
    expect(parseCgroupV2CpuMax('')).toBeUndefined()
    expect(parseCgroupV2CpuMax('abc 100000')).toBeUndefined()
    expect(parseCgroupV2CpuMax('150000 0')).toBeUndefined()
    expect(parseCgroupV2CpuMax('1 2 3')).toBeUndefined()
  })
})

describe('parseCgroupV1Quota', () => {
  const dir = '/sys/fs/cgroup/cpu,cpuacct/docker'

  it('is cfs_quota_us / cfs_period_us in CPUs', () => {
    const quota = fixture('v1-docker', `${dir}/3f2a9c/cpu.cfs_quota_us`)
    const period = fixture('v1-docker', `${dir}/3f2a9c/cpu.cfs_period_us`)
    expect(parseCgroupV1Quota(quota, period)).toBe(2.5)
  })

  it('is undefined for a quota of -1 (no limit)', () => {
    const quota = fixture('v1-docker', `${dir}/cpu.cfs_quota_us`)
    const period = fixture('v1-docker', `${dir}/cpu.cfs_period_us`)
    expect(parseCgroupV1Quota(quota, period)).toBeUndefined()
  })

  it('is undefined for malformed input', () => {
    expect(parseCgroupV1Quota('', '100000')).toBeUndefined()
    expect(parseCgroupV1Quota('100000', '0')).toBeUndefined()
  })
})

describe('effectiveCores', () => {
  it('rounds a fractional cgroup v2 quota up (1.5 CPUs → 2)', () => {
    expect(cpuCapacity(machine('v2-container'), MANY)).toBe(1.5)
    expect(effectiveCores(machine('v2-container'), MANY)).toBe(2)
  })

  it('takes the tightest quota on the way up to the cgroup root', () => {
    expect(effectiveCores(machine('v2-nested'), MANY)).toBe(2)
  })

  it('falls back to the CPU affinity when no quota is set', () => {
    expect(effectiveCores(machine('v2-unlimited'), MANY)).toBe(4)
  })

  it('finds a quota at /sys/fs/cgroup when /proc/self/cgroup shows a host path', () => {
    expect(effectiveCores(machine('v2-host-path'), MANY)).toBe(1)
  })

  it('is at least 1 under a quota of half a CPU', () => {
    expect(cpuCapacity(machine('v2-half-cpu'), MANY)).toBe(0.5)
    expect(effectiveCores(machine('v2-half-cpu'), MANY)).toBe(1)
  })

  it('reads a cgroup v1 CFS quota (2.5 CPUs → 3)', () => {
    expect(effectiveCores(machine('v1-docker'), MANY)).toBe(3)
  })

  it('ignores a cgroup v1 quota of -1', () => {
    expect(effectiveCores(machine('v1-unlimited'), MANY)).toBe(2)
  })

  it('counts the CPUs in the affinity list', () => {
    expect(effectiveCores(machine('affinity'), MANY)).toBe(7)
  })

  it('never exceeds the available parallelism', () => {
    expect(effectiveCores(machine('affinity'), 3)).toBe(3)
  })

  it('is the available parallelism when no file can be read (macOS, Windows)', () => {
    expect(effectiveCores(() => undefined, 6)).toBe(6)
  })

  it('checks only the root for a cgroup path outside the namespace', () => {
    const files: Record<string, string> = {
      '/proc/self/cgroup': '0::/../../user.slice\n',
      '/sys/fs/cgroup/cpu.max': '200000 100000\n',
    }
    const read: FileReader = (path) => files[path]
    expect(effectiveCores(read, MANY)).toBe(2)
  })
})
