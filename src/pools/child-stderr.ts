// A child's stderr, passed through line by line, except V8's out-of-memory dump: a child that runs
// out of heap prints "<--- Last few GCs --->", "FATAL ERROR: … JavaScript heap out of memory" and a
// native stack, then aborts (SIGABRT). Threads report that as ERR_WORKER_OUT_OF_MEMORY; here the
// dump is how we know, so the pool can say OUT_OF_MEMORY instead of "killed by SIGABRT" + a dump.
import type { Readable } from 'node:stream'

const DUMP_START = /^<--- Last few GCs --->|^FATAL ERROR: /
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/
/** How long to wait after the child's exit for the rest of its stderr (a grandchild may hold the pipe open). */
const DRAIN_MS = 500

export interface ChildStderr {
  /** After exit: whether the child died of a V8 out-of-memory (then its dump is swallowed, else printed). */
  settle(): Promise<boolean>
}

export function watchStderr(stream: Readable | null, write: (text: string) => void): ChildStderr {
  let partial = ''
  let held: string[] | undefined
  let ended = false
  const endedOnce = new Promise<void>((resolve) => {
    stream?.once('close', () => {
      ended = true
      resolve()
    })
    if (stream === null) resolve()
  })
  const takeLine = (line: string): void => {
    if (held === undefined && DUMP_START.test(line)) held = []
    if (held !== undefined) held.push(line)
    else write(`${line}\n`)
  }
  stream?.setEncoding('utf8')
  stream?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) takeLine(line)
  })
  return {
    async settle() {
      if (!ended) await Promise.race([endedOnce, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())])
      if (partial !== '') takeLine(partial)
      partial = ''
      const dump = held ?? []
      held = undefined
      const outOfMemory = dump.some((line) => OUT_OF_MEMORY.test(line))
      if (!outOfMemory && dump.length > 0) write(`${dump.join('\n')}\n`)
      return outOfMemory
    },
  }
}
