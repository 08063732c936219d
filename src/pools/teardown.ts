// Nothing we start may outlive the Vitest worker that started it: every child
// process and every pool is tracked here and torn down on exit, on SIGINT /
// SIGTERM, and when the Vitest main process goes away mid-bench.
import type { ChildProcess } from 'node:child_process'

const liveChildren = new Set<ChildProcess>()
let livePools = 0
let installed = false

function killChildren(): void {
  for (const child of liveChildren) child.kill('SIGKILL')
  liveChildren.clear()
}

function onSignal(signal: NodeJS.Signals): void {
  killChildren()
  // With only our listener, the signal's default action (exit) was suppressed: restore it.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal)
    process.kill(process.pid, signal)
  }
}

/** The Vitest main process that forked this worker is gone (its IPC channel closed). */
let hostGone = false

/**
 * The Vitest main process died (Ctrl-C, kill, --bail teardown) while a bench was
 * running. Vitest leaves its fork worker busy in our bench; nobody will read its
 * results, so stop the workers and end this orphaned process now. If no pool is
 * live yet, the next one to start ends it (trackPool).
 */
function onHostGone(): void {
  hostGone = true
  if (livePools === 0 && liveChildren.size === 0) return
  killChildren()
  process.exit(1)
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', killChildren)
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  if (process.connected) process.on('disconnect', onHostGone)
}

export function trackChild(child: ChildProcess): void {
  install()
  liveChildren.add(child)
  child.once('exit', () => liveChildren.delete(child))
  if (hostGone) onHostGone()
}

/** Marks a pool alive until the returned function is called. */
export function trackPool(): () => void {
  install()
  livePools++
  if (hostGone) onHostGone()
  let done = false
  return () => {
    if (!done) livePools--
    done = true
  }
}
