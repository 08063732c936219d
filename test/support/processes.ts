// Which processes of a run are still alive: the soak check and the reliability tests use it.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export interface ProcessInfo {
  pid: number
  ppid: number
  args: string
}

export function processTable(): ProcessInfo[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }))
}

/** The process and all its descendants, as they are now. */
export function processTree(rootPid: number): ProcessInfo[] {
  const table = processTable()
  const tree: ProcessInfo[] = []
  const queue = [rootPid]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    for (const p of table) {
      if (p.pid === pid) tree.push(p)
      if (p.ppid === pid) queue.push(p.pid)
    }
  }
  return tree
}

/** Whether the process still runs: a zombie (dead, waiting for its parent to collect it) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/** This checkout: other checkouts' runs (other worktrees, CI jobs on one machine) have children of their own. */
const CHECKOUT = resolve(import.meta.dirname, '../..')

/** Bench child processes (our process entry) of this checkout's build, on either Vitest line. */
export function benchChildren(): ProcessInfo[] {
  return processTable().filter((p) => p.args.includes('worker/process-entry.js') && p.args.includes(`${CHECKOUT}/`))
}

export async function waitFor(condition: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return condition()
}

/**
 * The pid that fixtures/reliability's "spins forever" bench left as a marker in `markers` (a child
 * process, or the owner itself for threads), once it is inside fn's endless loop; undefined on timeout.
 */
export async function spinningPid(markers: string, model: 'threads' | 'processes'): Promise<number | undefined> {
  let spinning: number | undefined
  await waitFor(() => {
    const marker = readdirSync(markers).find((name) => name.startsWith(`${model}-`))
    spinning = marker === undefined ? undefined : Number(marker.slice(model.length + 1))
    return spinning !== undefined
  }, 60_000)
  return spinning
}
