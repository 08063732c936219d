// Child processes through child_process.fork: a fixed, warm pool of `size`
// processes talking over IPC with the advanced (V8) serialization, so typed
// arrays, Maps and Dates cross as they do between threads.
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ParallelBenchError } from '../errors.js'
import {
  epochNow,
  isProcessReply,
  isReadyMessage,
  type ProcessSetup,
  type ProcessTask,
  SETUP,
  TASK,
  type TaskReply,
  type TaskRequest,
} from '../worker/protocol.js'
import { watchStderr } from './child-stderr.js'
import { deathWatch } from './death-watch.js'
import { type BenchPool, entryUrl, type PoolOptions, unwrap, workerExecArgv } from './pool.js'
import { collectStartups } from './startup.js'
import { trackChild, trackPool } from './teardown.js'

/** Between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 1000

interface Job {
  request: TaskRequest
  resolve: (reply: TaskReply) => void
  reject: (error: Error) => void
}

interface Slot {
  child: ChildProcess
  job?: Job | undefined
  /** The id the running job was sent with: only the reply carrying it settles the job. */
  jobId?: number | undefined
  timer?: NodeJS.Timeout | undefined
  timedOut: boolean
  exited: Promise<void>
}

function exitError(
  slot: Slot,
  code: number | null,
  signal: NodeJS.Signals | null,
  taskTimeout: number,
): ParallelBenchError {
  if (slot.timedOut) {
    return new ParallelBenchError(
      'TIMEOUT',
      `a task ran longer than taskTimeout (${taskTimeout} ms); its child process was killed`,
      { exitCode: code, signal },
    )
  }
  const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`
  const when = slot.job === undefined ? 'while loading the bench' : 'while running a task'
  return new ParallelBenchError('WORKER_EXIT', `a child process (pid ${slot.child.pid}) ${how} ${when}`, {
    exitCode: code,
    signal,
  })
}

function outOfMemoryError(
  slot: Slot,
  code: number | null,
  signal: NodeJS.Signals | null,
  maxMemoryMb: number | undefined,
): ParallelBenchError {
  const limit = maxMemoryMb === undefined ? "Node's default heap limit" : `maxMemoryMb ${maxMemoryMb}`
  return new ParallelBenchError(
    'OUT_OF_MEMORY',
    `a child process (pid ${slot.child.pid}) ran out of memory (JavaScript heap, ${limit}); raise \`maxMemoryMb\` or allocate less per task`,
    { exitCode: code, signal },
  )
}

function terminate(slot: Slot): Promise<void> {
  if (slot.child.exitCode === null && slot.child.signalCode === null) {
    slot.child.kill('SIGTERM')
    const force = setTimeout(() => slot.child.kill('SIGKILL'), KILL_GRACE_MS)
    force.unref()
    void slot.exited.then(() => clearTimeout(force))
  }
  return slot.exited
}

export function createProcessPool(options: PoolOptions): BenchPool {
  const { size, setup, taskTimeout, startupTimeout, maxMemoryMb } = options
  const spawnedAt = epochNow()
  const startups = collectStartups(size, spawnedAt, startupTimeout)
  const slots: Slot[] = []
  const idle: Slot[] = []
  const queue: Job[] = []
  let nextId = 0
  let destroyed = false
  let failure: ParallelBenchError | undefined

  function failAll(error: ParallelBenchError): void {
    failure ??= error
    startups.fail(error)
    for (const job of queue.splice(0)) job.reject(error)
  }

  function dispatch(): void {
    while (idle.length > 0 && queue.length > 0) {
      const slot = idle.pop() as Slot
      const job = queue.shift() as Job
      slot.job = job
      slot.jobId = nextId++
      slot.timer = setTimeout(() => {
        slot.timedOut = true
        void terminate(slot)
      }, taskTimeout)
      try {
        slot.child.send({ type: TASK, id: slot.jobId, request: job.request } satisfies ProcessTask)
      } catch (error) {
        clearTimeout(slot.timer)
        slot.job = undefined
        slot.jobId = undefined
        idle.push(slot)
        const message = error instanceof Error ? error.message : String(error)
        job.reject(new ParallelBenchError('NOT_CLONEABLE', `an input could not be sent to a child process: ${message}`))
      }
    }
  }

  const watch = deathWatch()
  function spawnSlot(): Slot {
    const execArgv = workerExecArgv()
    if (maxMemoryMb !== undefined) execArgv.push(`--max-old-space-size=${maxMemoryMb}`)
    const child = fork(fileURLToPath(entryUrl('process-entry.js')), [], {
      serialization: 'advanced',
      // Linux: the kernel kills the child when this process dies, however it dies (death-watch.ts).
      ...(watch === undefined ? { execArgv } : { execPath: watch.execPath, execArgv: [...watch.prefix, ...execArgv] }),
      // stderr passes through watchStderr: V8's out-of-memory dump becomes an OUT_OF_MEMORY error.
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    })
    trackChild(child)
    const stderr = watchStderr(child.stderr, (text) => process.stderr.write(text))
    // Queued until the channel is up; the child waits for it before it loads anything.
    child.send({ type: SETUP, setup } satisfies ProcessSetup)
    let markExited: () => void = () => {}
    const slot: Slot = { child, timedOut: false, exited: new Promise((resolve) => (markExited = resolve)) }
    child.on('message', (message: unknown) => {
      if (isReadyMessage(message)) {
        startups.add(message)
        if (message.error === undefined) {
          idle.push(slot)
          dispatch()
        }
        return
      }
      // The user's own process.send() messages are not ours to read.
      if (!isProcessReply(message) || message.id !== slot.jobId) return
      const job = slot.job
      if (job === undefined) return
      clearTimeout(slot.timer)
      slot.job = undefined
      slot.jobId = undefined
      idle.push(slot)
      job.resolve(message.reply)
      dispatch()
    })
    child.on('error', (error) => {
      // A child that never started emits no 'exit': nothing else would settle `exited`.
      if (child.pid === undefined) markExited()
      if (!destroyed)
        failAll(new ParallelBenchError('WORKER_EXIT', `a child process failed: ${error.message}`, { cause: error }))
    })
    child.once('exit', (code, signal) => {
      clearTimeout(slot.timer)
      markExited()
      // The rest of its stderr first: it says whether V8 ran out of heap.
      void stderr.settle().then((outOfMemory) => {
        const error =
          destroyed && failure !== undefined
            ? failure
            : outOfMemory && !slot.timedOut
              ? outOfMemoryError(slot, code, signal, maxMemoryMb)
              : exitError(slot, code, signal, taskTimeout)
        slot.job?.reject(error)
        slot.job = undefined
        if (!destroyed) failAll(error)
      })
    })
    return slot
  }

  const untrack = trackPool()
  try {
    for (let i = 0; i < size; i++) slots.push(spawnSlot())
  } catch (error) {
    // fork() threw part-way (EAGAIN, EMFILE): the children already started must not outlive this.
    destroyed = true
    for (const slot of slots) void terminate(slot)
    untrack()
    throw new ParallelBenchError('WORKER_EXIT', `could not start ${size} child processes: ${String(error)}`, {
      cause: error,
    })
  }

  return {
    model: 'processes',
    size,
    ready: startups.promise,
    pids: () => slots.flatMap((slot) => (slot.child.pid === undefined ? [] : [slot.child.pid])),
    async run(request) {
      if (failure !== undefined) throw failure
      const reply = await new Promise<TaskReply>((resolve, reject) => {
        queue.push({ request, resolve, reject })
        dispatch()
      })
      return unwrap<typeof request>(reply)
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      failAll(new ParallelBenchError('ABORTED', 'the pool was destroyed'))
      await Promise.all(slots.map(terminate))
      untrack()
    },
  }
}
