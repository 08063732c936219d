// A user's project, made from scratch outside the repo: it installs the packed
// tarball (not the source tree) next to its own Vitest, writes its own config
// and bench file, and runs `vitest run` the way a user does.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import type { ParallelBenchJson } from '../../src/report/json.js'

export const ROOT = resolve(import.meta.dirname, '../..')

export interface CommandResult {
  command: string
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout + stderr */
  output: string
  ms: number
}

export interface CommandOptions {
  cwd: string
  /** Added to the cleaned environment (see `childEnv`). */
  env?: Record<string, string>
  /** Kill the command after this many ms. @default 120_000 */
  timeoutMs?: number
}

/**
 * The parent's environment without what `npm test` and Vitest put there for
 * themselves (`npm_*`, `VITEST*`), so the child behaves as in a fresh shell.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|vitest)/i.test(key) || key === 'INIT_CWD' || key === 'NODE_ENV' || key === 'TEST') continue
    env[key] = value
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', GITHUB_ACTIONS: '', ...extra }
}

export async function runCommand(file: string, args: string[], options: CommandOptions): Promise<CommandResult> {
  const command = [file, ...args].join(' ')
  const started = performance.now()
  const child = spawn(file, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.on('error', fail)
    child.on('close', (c, s) => done([c, s]))
  }).finally(() => clearTimeout(timer))
  return { command, code, signal, stdout, stderr, output: stdout + stderr, ms: performance.now() - started }
}

/** Throws with the command and everything it printed unless it exited 0. */
export function assertSucceeded(result: CommandResult): CommandResult {
  if (result.code !== 0) {
    const how = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`
    throw new Error(`\`${result.command}\` failed (${how}) after ${Math.round(result.ms)} ms:\n${result.output}`)
  }
  return result
}

export interface PackedPackage {
  tarball: string
  /** Paths inside the package, as npm lists them (`dist/index.js`, `package.json`, …). */
  files: string[]
  /** Delete the tarball's directory. */
  remove(): void
}

/**
 * `npm pack` of the repo as it is: dist/ must already be built (`npm test` builds it),
 * so lifecycle scripts are skipped and a parallel test run never sees dist/ rebuilt.
 */
export async function packPackage(): Promise<PackedPackage> {
  for (const entry of ['dist/index.js', 'dist/plugin.js']) {
    if (!existsSync(join(ROOT, entry))) {
      throw new Error(`${entry} is missing: build first (\`npm test\` runs \`npm run build\`)`)
    }
  }
  const destination = mkdtempSync(join(tmpdir(), 'vpb-pack-'))
  const result = assertSucceeded(
    await runCommand('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: ROOT }),
  )
  // npm may print warnings before the JSON on stdout; the JSON array is the last thing it prints.
  const json = result.stdout.slice(result.stdout.indexOf('[\n'))
  const [packed] = JSON.parse(json) as { filename: string; files: { path: string }[] }[]
  if (packed === undefined) throw new Error(`npm pack printed no package:\n${result.output}`)
  return {
    tarball: join(destination, packed.filename),
    files: packed.files.map((file) => file.path).sort(),
    remove: () => rmSync(destination, { recursive: true, force: true }),
  }
}

export interface ConsumerProject {
  dir: string
  /** How long `npm install` took, ms. */
  installMs: number
  /** `vitest run` with the project's own Vitest, on `node` (default: this process's Node). */
  vitest(args?: string[], options?: { node?: string; env?: Record<string, string> }): Promise<VitestResult>
  /** Delete the project (kept when VPB_KEEP_CONSUMER=1, to look inside after a failure). */
  remove(): void
}

export interface VitestResult extends CommandResult {
  /** The JSON report, when the project's config wrote one to parallel-bench.json. */
  json: ParallelBenchJson | undefined
}

/**
 * A fresh project under the OS temp directory (outside the repo, so nothing resolves from the
 * repo's node_modules) with `files` written, its dependencies installed from the lockfile of
 * `compat/<compat>` (`npm ci`), and the tarball installed beside them.
 */
export async function createConsumerProject(input: {
  tarball: string
  compat: 'vitest4' | 'vitest5'
  files: Record<string, string>
}): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'vpb-consumer-'))
  for (const file of ['package.json', 'package-lock.json'])
    copyFileSync(join(ROOT, 'compat', input.compat, file), join(dir, file))
  for (const [name, content] of Object.entries(input.files)) writeFileSync(join(dir, name), content)
  const started = performance.now()
  assertSucceeded(await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 240_000 }))
  assertSucceeded(
    await runCommand('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', input.tarball], {
      cwd: dir,
      timeoutMs: 240_000,
    }),
  )
  const installMs = performance.now() - started
  const jsonPath = join(dir, 'parallel-bench.json')
  return {
    dir,
    installMs,
    async vitest(args = [], options = {}) {
      rmSync(jsonPath, { force: true })
      const node = options.node ?? process.execPath
      // The chosen Node first on PATH, so anything that spawns `node` gets the same one.
      const env = { PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`, ...options.env }
      const result = await runCommand(node, [join(dir, 'node_modules/vitest/vitest.mjs'), 'run', ...args], {
        cwd: dir,
        env,
        timeoutMs: 180_000,
      })
      let json: ParallelBenchJson | undefined
      try {
        json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ParallelBenchJson
      } catch {
        json = undefined
      }
      return { ...result, json }
    },
    remove() {
      if (process.env.VPB_KEEP_CONSUMER !== '1') rmSync(dir, { recursive: true, force: true })
    },
  }
}
