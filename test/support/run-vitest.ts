// Runs `vitest run` on a fixture project in a child process, the way a user
// runs it, and returns what the user would see: exit code, output, JSON report.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import type { ParallelBenchJson } from '../../src/report/json.js'
import { line } from './vitest-line.js'

export { ROOT } from './vitest-line.js'

export interface VitestRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout + stderr */
  output: string
  /** The JSON report, when the fixture writes one to parallel-bench.json. */
  json: ParallelBenchJson | undefined
  /** The HTML report, when the fixture writes one to parallel-bench.html. */
  html: string | undefined
}

export interface RunOptions {
  env?: Record<string, string>
  /** The Vitest command and its own flags. @default ['run'] */
  command?: string[]
  /** Kill the run after this many ms (the test then fails on the signal). */
  timeoutMs?: number
  /** A command to run Vitest under, e.g. `['taskset', '-c', '0']`. @default none */
  under?: string[]
  /** Vitest leads a process group of its own (so a test can SIGKILL the whole group, as a CI runner does). */
  detached?: boolean
}

export function fixture(name: string): string {
  return join(line.fixtures, name)
}

export interface StartedVitest {
  child: ChildProcess
  done: Promise<VitestRun>
}

/** Starts `vitest run` on a fixture; `done` resolves when it has exited. */
export function startVitest(fixtureName: string, args: string[] = [], options: RunOptions = {}): StartedVitest {
  const root = fixture(fixtureName)
  const jsonPath = join(root, 'parallel-bench.json')
  const htmlPath = join(root, 'parallel-bench.html')
  rmSync(jsonPath, { force: true })
  rmSync(htmlPath, { force: true })
  // Under a wrapper (taskset), the wrapper runs Node: [wrapper, ...its args, node, ...vitest args].
  const [program = line.node, ...prefix] = [...(options.under ?? []), line.node]
  const vitestArgs = [line.vitestCli, ...(options.command ?? ['run']), '--root', root, ...args]
  const child = spawn(program, [...prefix, ...vitestArgs], {
    cwd: root,
    env: {
      ...process.env,
      // The line's Node first on PATH, so anything that spawns `node` gets the same one.
      PATH: `${dirname(line.node)}${delimiter}${process.env.PATH ?? ''}`,
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      GITHUB_ACTIONS: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000)
  const done = new Promise<VitestRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const json = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as ParallelBenchJson) : undefined
      const html = existsSync(htmlPath) ? readFileSync(htmlPath, 'utf8') : undefined
      resolve({ code, signal, stdout, stderr, output: stdout + stderr, json, html })
    })
  })
  return { child, done }
}

export function runVitest(fixtureName: string, args: string[] = [], options: RunOptions = {}): Promise<VitestRun> {
  return startVitest(fixtureName, args, options).done
}

/** The result of the bench whose full name ends with `title`. */
export function benchNamed(run: VitestRun, title: string) {
  const found = run.json?.benches.find((bench) => bench.fullName.endsWith(title))
  if (found === undefined) {
    const names = run.json?.benches.map((b) => b.fullName).join(', ') ?? 'no JSON report'
    throw new Error(`no bench named "${title}" in the report (found: ${names})\n${run.output}`)
  }
  return found
}
