import { describe, expect, it } from 'vitest'
import {
  descendants,
  parseParentPid,
  parsePrivateBytes,
  privateBytesOfAll,
  processTree,
} from '../../../src/machine/process-tree.js'

const stat = (pid: number, name: string, ppid: number): string =>
  `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 100 1000 200`

describe('process tree', () => {
  it('reads the parent pid after the name, whatever the name holds', () => {
    expect(parseParentPid(stat(42, 'node', 7))).toBe(7)
    expect(parseParentPid(stat(42, 'a) S 999 (b', 7))).toBe(7)
    expect(parseParentPid('garbage')).toBeUndefined()
  })

  it('finds every process below a pid, and none beside it', () => {
    const files: Record<string, string> = {
      '/proc/10/stat': stat(10, 'vitest worker', 1),
      '/proc/11/stat': stat(11, 'child', 10),
      '/proc/12/stat': stat(12, 'grandchild', 11),
      '/proc/13/stat': stat(13, 'other', 1),
    }
    const tree = processTree(
      (path) => files[path],
      () => ['10', '11', '12', '13', '14', 'self', 'stat'],
    )
    expect(tree === undefined ? [] : descendants(tree, 10).sort()).toEqual([11, 12])
    expect(tree === undefined ? [] : descendants(tree, 13)).toEqual([])
    expect(
      processTree(
        () => undefined,
        () => {
          throw new Error('no /proc')
        },
      ),
    ).toBeUndefined()
  })

  it('counts private memory (USS) from smaps_rollup, and nothing for a process that is gone', () => {
    const rollup =
      'Rss:              9000 kB\nPss:              5000 kB\nPrivate_Clean:     100 kB\nPrivate_Dirty:    2000 kB\n'
    expect(parsePrivateBytes(rollup)).toBe(2100 * 1024)
    expect(parsePrivateBytes('Rss: 1 kB')).toBeUndefined()
    const files: Record<string, string> = { '/proc/11/smaps_rollup': rollup }
    expect(privateBytesOfAll([11, 12], (path) => files[path])).toBe(2100 * 1024)
  })
})
