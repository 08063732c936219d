// The processes below a pid, and the private memory each adds (Linux /proc), so that a worker's
// memory includes the processes its fn starts (a compiler's service process, a browser). Where
// /proc is not there, the tree is unknown and memory stays the worker's own.
import { readdirSync } from 'node:fs'
import { type FileReader, readSystemFile } from './effective-cores.js'

/** Parent pid → child pids, from every /proc/<pid>/stat; undefined where /proc cannot be listed. */
export type ProcessTree = Map<number, number[]>

/** The fields of a /proc/<pid>/stat line after the name, state first (the name may hold spaces and parentheses). */
export function statFieldsAfterName(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** The parent pid of a /proc/<pid>/stat line. */
export function parseParentPid(stat: string): number | undefined {
  const ppid = Number(statFieldsAfterName(stat)[1])
  return Number.isInteger(ppid) ? ppid : undefined
}

export function processTree(
  read: FileReader = readSystemFile,
  list: () => string[] = () => readdirSync('/proc'),
): ProcessTree | undefined {
  let entries: string[]
  try {
    entries = list()
  } catch {
    return undefined
  }
  const tree: ProcessTree = new Map()
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const stat = read(`/proc/${entry}/stat`)
    const parent = stat === undefined ? undefined : parseParentPid(stat)
    if (parent === undefined) continue
    const siblings = tree.get(parent) ?? []
    siblings.push(Number(entry))
    tree.set(parent, siblings)
  }
  return tree
}

/** Every process below `root` (not `root` itself), depth first. */
export function descendants(tree: ProcessTree, root: number): number[] {
  const found: number[] = []
  const stack = [...(tree.get(root) ?? [])]
  while (stack.length > 0) {
    const pid = stack.pop() as number
    found.push(pid)
    stack.push(...(tree.get(pid) ?? []))
  }
  return found
}

/** USS: Private_Clean + Private_Dirty of a smaps_rollup, bytes; undefined when the fields are missing. */
export function parsePrivateBytes(rollup: string): number | undefined {
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? Number.NaN)
  const bytes = (kib('Private_Clean') + kib('Private_Dirty')) * 1024
  return Number.isFinite(bytes) ? bytes : undefined
}

/** A process's private memory (USS), bytes; undefined when it is gone or not ours to read. */
export function privateBytesOf(pid: number | 'self', read: FileReader = readSystemFile): number | undefined {
  const rollup = read(`/proc/${pid}/smaps_rollup`)
  return rollup === undefined ? undefined : parsePrivateBytes(rollup)
}

/** The private memory of every process in `pids` that can still be read, bytes. */
export function privateBytesOfAll(pids: readonly number[], read: FileReader = readSystemFile): number {
  return pids.reduce((sum, pid) => sum + (privateBytesOf(pid, read) ?? 0), 0)
}
