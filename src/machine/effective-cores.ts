// How many cores this process can really use: the smallest of the CPU count,
// the CPU affinity mask and every cgroup CPU quota above us. A 2-core CI runner
// inside a 64-core host must count as 2, or budgets would fail falsely there.

import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

/** Reads a text file, `undefined` when it does not exist or cannot be read. */
export type FileReader = (path: string) => string | undefined

const CGROUP_ROOT = '/sys/fs/cgroup'
/** Where cgroup v1 mounts the `cpu` controller (alone or together with cpuacct). */
const CGROUP_V1_CPU_MOUNTS = [`${CGROUP_ROOT}/cpu,cpuacct`, `${CGROUP_ROOT}/cpu`]

/**
 * min(os.availableParallelism(), CPU affinity, cgroup v2 `cpu.max` and v1 CFS
 * quotas at every level from our cgroup up to the root), at least 1.
 *
 * A fractional quota is rounded up: 1.5 CPUs of quota let 2 workers run at
 * once for part of each period, so 2 workers can really reach up to 1.5x; with
 * floor(1.5) = 1 the default pool would have no parallelism to measure and a
 * reachable budget of 1.4x would be skipped. Use `cpuCapacity` (1.5) where the
 * exact ceiling matters, e.g. when checking whether a budget is reachable.
 */
export function effectiveCores(read: FileReader = readSystemFile, available: number = availableParallelism()): number {
  return Math.max(1, Math.ceil(cpuCapacity(read, available)))
}

/** The same minimum with the quota kept fractional: 1.5 for a 150000/100000 quota, 0.5 for half a CPU. */
export function cpuCapacity(read: FileReader = readSystemFile, available: number = availableParallelism()): number {
  const limits = [available]
  const status = read('/proc/self/status')
  const affinity = status === undefined ? undefined : parseCpusAllowed(status)
  if (affinity !== undefined && affinity.length > 0) limits.push(affinity.length)
  const cgroups = read('/proc/self/cgroup')
  if (cgroups !== undefined) limits.push(...cgroupQuotas(cgroups, read))
  return Math.min(...limits)
}

/** CPU ids of a kernel CPU list such as `0-3,8,10-11` (sorted, unique); `undefined` when malformed. */
export function parseCpuList(list: string): number[] | undefined {
  const text = list.trim()
  if (text === '') return []
  const cpus = new Set<number>()
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (match === null) return undefined
    const first = Number(match[1])
    const last = match[2] === undefined ? first : Number(match[2])
    if (last < first) return undefined
    for (let cpu = first; cpu <= last; cpu++) cpus.add(cpu)
  }
  return [...cpus].sort((a, b) => a - b)
}

/** The `Cpus_allowed_list` line of /proc/self/status, parsed; `undefined` when absent or malformed. */
export function parseCpusAllowed(status: string): number[] | undefined {
  const match = /^Cpus_allowed_list:\s*(.*)$/m.exec(status)
  return match === null ? undefined : parseCpuList(match[1] ?? '')
}

/**
 * CPUs granted by a cgroup v2 `cpu.max` file (`"<quota> <period>"` in µs):
 * `150000 100000` → 1.5; `max 100000` (no limit) or malformed → `undefined`.
 */
export function parseCgroupV2CpuMax(content: string): number | undefined {
  const [quota, period = '100000', ...rest] = content.trim().split(/\s+/)
  if (quota === undefined || quota === 'max' || rest.length > 0) return undefined
  return quotaCpus(quota, period)
}

/**
 * CPUs granted by cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`:
 * `150000` / `100000` → 1.5; a quota of `-1` (no limit) or malformed → `undefined`.
 */
export function parseCgroupV1Quota(quota: string, period: string): number | undefined {
  return quotaCpus(quota.trim(), period.trim())
}

function quotaCpus(quota: string, period: string): number | undefined {
  if (!/^\d+$/.test(quota) || !/^\d+$/.test(period)) return undefined
  const q = Number(quota)
  const p = Number(period)
  return q > 0 && p > 0 ? q / p : undefined
}

/** Every quota from our cgroup up to the root, v2 and v1 (hybrid hosts have both); any level can limit. */
function cgroupQuotas(procSelfCgroup: string, read: FileReader): number[] {
  const quotas: number[] = []
  for (const line of procSelfCgroup.split('\n')) {
    // hierarchy-id:controllers:path — the path may itself contain ':'.
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim())
    if (match === null) continue
    const controllers = match[2] ?? ''
    const path = match[3] ?? ''
    if (match[1] === '0' && controllers === '') {
      for (const dir of ancestors(CGROUP_ROOT, path)) {
        const content = read(`${dir}/cpu.max`)
        const cpus = content === undefined ? undefined : parseCgroupV2CpuMax(content)
        if (cpus !== undefined) quotas.push(cpus)
      }
    } else if (controllers.split(',').includes('cpu')) {
      for (const mount of CGROUP_V1_CPU_MOUNTS) {
        for (const dir of ancestors(mount, path)) {
          const quota = read(`${dir}/cpu.cfs_quota_us`)
          const period = read(`${dir}/cpu.cfs_period_us`)
          const cpus = quota === undefined || period === undefined ? undefined : parseCgroupV1Quota(quota, period)
          if (cpus !== undefined) quotas.push(cpus)
        }
      }
    }
  }
  return quotas
}

/**
 * `/a/b` under `/sys/fs/cgroup` → `/sys/fs/cgroup/a/b`, `/sys/fs/cgroup/a`, `/sys/fs/cgroup`.
 * Walking up also covers containers whose /proc/self/cgroup shows the host's
 * path while /sys/fs/cgroup is their own cgroup (its files sit at the root).
 * A path with `..` (our cgroup is outside the namespace's view) checks the root only.
 */
function ancestors(root: string, path: string): string[] {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) return [root]
  const dirs: string[] = []
  for (let depth = segments.length; depth >= 0; depth--) {
    dirs.push([root, ...segments.slice(0, depth)].join('/'))
  }
  return dirs
}

export function readSystemFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
