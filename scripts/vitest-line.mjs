// Runs the end-to-end tests (test/e2e) on the second Vitest line: Vitest 5 on
// Node 24, installed in compat/vitest5 from its own lockfile. The built package
// and the fixtures are copied in, so that inside the fixtures `vitest` and
// `vitest-parallel-bench` resolve as in a user's project (a symlink would make
// the package see the repo's Vitest 4).    Usage: node scripts/vitest-line.mjs [test/e2e/<file>] [vitest args]
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const compat = join(root, 'compat', 'vitest5')
const installed = join(compat, 'node_modules', '.package-lock.json')

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

// Install from the lockfile when node_modules is missing or older than it.
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(compat, 'package-lock.json')).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund', '--prefix', compat])
}

const target = join(compat, 'node_modules', 'vitest-parallel-bench')
rmSync(target, { recursive: true, force: true })
mkdirSync(target, { recursive: true })
cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true })
writeFileSync(join(target, 'package.json'), readFileSync(join(root, 'package.json')))

const fixtures = join(compat, 'fixtures')
rmSync(fixtures, { recursive: true, force: true })
cpSync(join(root, 'fixtures'), fixtures, {
  recursive: true,
  filter: (source) =>
    !/(node_modules|\.vitest-reports|\.vitest-blobs|\.vitest|parallel-bench[^/]*\.(json|html))$/.test(source),
})

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
// File filters given on the command line narrow the run; without any, all of test/e2e runs.
const args = process.argv.slice(2)
const filters = args.some((arg) => !arg.startsWith('-')) ? [] : ['test/e2e']
run(process.execPath, [vitest, 'run', ...filters, ...args], {
  cwd: root,
  env: { ...process.env, VITEST_LINE: '5' },
})
