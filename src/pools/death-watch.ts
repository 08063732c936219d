// A child process must die with the process that forked it, on every kill path: also when both
// its owner (the Vitest worker) and Vitest's main process are SIGKILLed at once (a CI runner's
// timeout killing the process group) while fn keeps the child's main thread busy, so that no
// handler of its own (IPC 'disconnect') can run and nobody is left to reap it.
//
// Linux has the kernel do it: PR_SET_PDEATHSIG makes the kernel send SIGKILL to the child the
// moment its parent's forking thread ends. Node has no prctl, but util-linux's `setpriv
// --pdeathsig KILL` sets it and execs Node in the same process (same pid): one execve of a small
// binary (bench/overhead.ts `deathwatch` measures it), no thread and no memory in the child. A
// watchdog thread in each child did the same for 10–12 ms of startup and a V8 isolate of memory.
// Where setpriv is missing (macOS, Alpine without util-linux) the fallbacks remain: IPC
// 'disconnect' when the child is idle, and the module server's reaper while Vitest's main lives.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'
import { isMainThread } from 'node:worker_threads'

/** How a child is started so that it dies with its parent: `fork`'s execPath and the arguments before Node's flags. */
export interface DeathWatch {
  execPath: string
  /** Put before Node's own flags (fork passes execArgv first). */
  prefix: string[]
}

let cached: DeathWatch | undefined | null = null

function findOnPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin', '/usr/sbin', '/sbin']
  return dirs.map((dir) => join(dir, name)).find((file) => isAbsolute(file) && existsSync(file))
}

/**
 * The death watch for children forked by this thread; undefined where there is none. Only on a
 * main thread: the kernel watches the forking *thread*, and a worker thread may end long before
 * its process.
 */
export function deathWatch(): DeathWatch | undefined {
  if (process.platform !== 'linux' || !isMainThread) return undefined
  if (cached !== null) return cached
  const setpriv = findOnPath('setpriv')
  // --pdeathsig came with util-linux 2.33: try it once (`node --version` exits before V8 starts).
  const works =
    setpriv !== undefined &&
    spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', process.execPath, '--version'], { stdio: 'ignore', timeout: 5000 })
      .status === 0
  cached = works ? { execPath: setpriv, prefix: ['--pdeathsig', 'KILL', '--', process.execPath] } : undefined
  return cached
}
