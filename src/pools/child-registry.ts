// Every child process we fork is tracked here, so that none outlives the
// Vitest worker that started it: not on a normal exit, not on SIGINT/SIGTERM.
import type { ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()
let installed = false

function killAll(): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killAll()
  // With only our listener, the signal's default action (exit) was suppressed: restore it.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal)
    process.kill(process.pid, signal)
  }
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', killAll)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

export function trackChild(child: ChildProcess): void {
  install()
  live.add(child)
  child.once('exit', () => live.delete(child))
}

/** Children still alive (for tests and the soak check). */
export function liveChildren(): number {
  return live.size
}
