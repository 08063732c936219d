// The process pool's start-up failure paths, with fork() replaced: a spawn that
// fails without an 'exit', and a fork() that throws part-way through a pool.
import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ParallelBenchError } from '../../../src/errors.js'
import type { PoolOptions } from '../../../src/pools/pool.js'

/** A stand-in ChildProcess: records kills, emits what the test tells it to. */
class FakeChild extends EventEmitter {
  pid: number | undefined
  exitCode: number | null = null
  signalCode: NodeJS.Signals | null = null
  kills: string[] = []
  constructor(pid: number | undefined) {
    super()
    this.pid = pid
  }
  kill(signal: NodeJS.Signals): boolean {
    this.kills.push(signal)
    // A running fake child dies of the signal, as a real one would.
    if (this.pid !== undefined && this.exitCode === null && this.signalCode === null) {
      this.signalCode = signal
      queueMicrotask(() => this.emit('exit', null, signal))
    }
    return true
  }
  send(): boolean {
    return true
  }
}

const forked: FakeChild[] = []
let forkBehaviour: (index: number) => FakeChild = (index) => new FakeChild(1000 + index)

vi.mock('node:child_process', () => ({
  // No setpriv death watch for fake children (death-watch.ts tries it with spawnSync).
  spawnSync: () => ({ status: 1 }),
  fork: () => {
    const child = forkBehaviour(forked.length)
    forked.push(child)
    return child
  },
}))

const { createProcessPool } = await import('../../../src/pools/process-pool.js')

const options: PoolOptions = {
  size: 3,
  setup: {
    target: { kind: 'module', url: 'file:///nowhere.js', exportName: 'fn' },
    loader: {
      channel: { address: '', token: '', project: '' },
      moduleRunnerUrl: '',
      vitestRuntimeUrl: '',
      setupFiles: [],
      globals: false,
      defines: {},
      env: {},
    },
  },
  taskTimeout: 1000,
  startupTimeout: 1000,
  maxMemoryMb: undefined,
}

afterEach(() => {
  forked.length = 0
  forkBehaviour = (index) => new FakeChild(1000 + index)
})

describe('process pool start-up failures', () => {
  it("destroy() settles when a child never started ('error' without 'exit')", async () => {
    forkBehaviour = (index) => new FakeChild(index === 1 ? undefined : 1000 + index)
    const pool = createProcessPool(options)
    const failed = forked[1] as FakeChild
    failed.emit('error', Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' }))
    await expect(pool.ready).rejects.toThrow(/a child process failed: spawn EAGAIN/)
    await expect(Promise.race([pool.destroy().then(() => 'settled'), sleep(3000)])).resolves.toBe('settled')
  })

  it('kills the children already started when fork() throws part-way, and says why', () => {
    forkBehaviour = (index) => {
      if (index === 2) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' })
      return new FakeChild(1000 + index)
    }
    let thrown: unknown
    try {
      createProcessPool(options)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ParallelBenchError)
    expect((thrown as ParallelBenchError).code).toBe('WORKER_EXIT')
    expect((thrown as Error).message).toMatch(/could not start 3 child processes: .*EMFILE/)
    const started = forked.filter((child) => child.pid !== undefined)
    expect(started).toHaveLength(2)
    for (const child of started) expect(child.kills).toContain('SIGTERM')
  })
})

function sleep(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve('timed out'), ms))
}
