// Deterministic, hand-made bench results for the reporter tests: no timing, no pools.

import { rankAllPairs, rankModels } from '../../src/analysis/ranking.js'
import { scalingSummary } from '../../src/analysis/scaling.js'
import { lookPlan } from '../../src/analysis/statistics.js'
import type { Diagnostic, VerdictReason } from '../../src/contracts/facts.js'
import type { BenchResult, EnvironmentInfo, Model, ModelResult, RoundSample, VerdictStatus } from '../../src/types.js'

export const environment: EnvironmentInfo = {
  node: 'v20.19.0',
  platform: 'linux',
  arch: 'x64',
  cpu: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  effectiveCores: 2,
  vitest: '4.1.12',
}

/**
 * `count` paired rounds whose medians are exactly `serialMs` and `parallelMs`: the jitter
 * pattern (0, +1%, −1%, …; `mirrored`: 0, −1%, +1%, …) is symmetric around the base values.
 */
export function rounds(count: number, serialMs: number, parallelMs: number, mirrored = false): RoundSample[] {
  return Array.from({ length: count }, (_, r): RoundSample => {
    const step = Math.ceil(r / 2) * (r % 2 === 1 ? 1 : -1) * (mirrored ? -0.01 : 0.01)
    return {
      order: r % 4 === 0 || r % 4 === 3 ? 'serial-first' : 'parallel-first',
      serialMs: serialMs * (1 + step),
      parallelMs: parallelMs * (1 + step),
      serialBusyMs: serialMs * 0.99,
      parallelBusyMs: serialMs * 0.99,
      parallelCpuMs: serialMs * 0.98,
    }
  })
}

export interface ModelSpec {
  model: Model
  workers: number
  speedup: number
  low: number
  high: number
  status?: VerdictStatus
  /** Why the verdict is what it is; by default the fact its status and target imply (a minSpeedup budget). */
  why?: VerdictReason
  target?: number
  serialMs?: number
  startupMs?: number[]
  roundTripMs?: number
  callMs?: number
  memoryBytes?: number
  netSpeedup?: number
  netInterval?: { low: number; high: number }
  diagnostics?: Diagnostic[]
  roundCount?: number
  tasks?: number
}

/** The reason a status implies for a minSpeedup budget of `target` (SKIPPED: this machine has too few cores). */
function impliedWhy(status: VerdictStatus, target: number | undefined, workers: number): VerdictReason {
  if (status === 'MEASURED' || target === undefined) return { kind: 'no-budget' }
  const option = 'minSpeedup'
  switch (status) {
    case 'PASS':
      return { kind: 'reaches', option, target }
    case 'FAIL':
      return { kind: 'below', option, target, starved: false }
    case 'INCONCLUSIVE':
      return { kind: 'straddles', option, target }
    case 'SKIPPED':
      return { kind: 'skip', option, target, workers, coresNeeded: Math.ceil(target), effectiveCores: 2 }
  }
}

export function modelResult(spec: ModelSpec): ModelResult {
  const tasks = spec.tasks ?? 4 * spec.workers
  const serialMs = spec.serialMs ?? 800
  const result: ModelResult = {
    model: spec.model,
    workers: spec.workers,
    tasks,
    // Processes jitter the other way, so a compare's paired rounds do not move in lockstep.
    rounds: rounds(spec.roundCount ?? 10, serialMs, serialMs / spec.speedup, spec.model === 'processes'),
    startupMs: spec.startupMs ?? (spec.model === 'threads' ? [70, 74] : [230, 234]),
    roundTripMs: spec.roundTripMs ?? (spec.model === 'threads' ? 0.085 : 0.12),
    estimate: {
      speedup: spec.speedup,
      low: spec.low,
      high: spec.high,
      confidence: 0.95,
      efficiency: spec.speedup / spec.workers,
    },
    verdict: {
      status: spec.status ?? 'MEASURED',
      why: spec.why ?? impliedWhy(spec.status ?? 'MEASURED', spec.target, spec.workers),
      target: spec.target,
    },
    diagnostics: spec.diagnostics ?? [],
  }
  if (spec.callMs !== undefined) result.callMs = spec.callMs
  if (spec.memoryBytes !== undefined) result.memoryBytes = spec.memoryBytes
  if (spec.netSpeedup !== undefined) result.netSpeedup = spec.netSpeedup
  if (spec.netInterval !== undefined) result.netInterval = spec.netInterval
  return result
}

const KIND_SUFFIX = {
  async: '[async]',
  threads: '[threads]',
  processes: '[processes]',
  compare: '[threads vs processes]',
} as const

export function benchResult(
  name: string,
  kind: BenchResult['kind'],
  results: ModelResult[],
  extra: { level?: 'error' | 'warn' | 'off'; error?: BenchResult['error']; file?: string } = {},
): BenchResult {
  const bench: BenchResult = {
    schema: 1,
    name,
    kind,
    file: extra.file ?? 'bench/hash.bench.ts',
    fullName: `${name} ${KIND_SUFFIX[kind]}`,
    options: { level: extra.level ?? 'error', baseline: 'worker', time: 10_000, minRounds: 10, maxRounds: 40 },
    results,
  }
  if (extra.error !== undefined) bench.error = extra.error
  // As runBench stores them: each model's scaling summary, and a compare's ranking at the plan its rounds were looked at with.
  const models = [...new Set(results.map((r) => r.model))]
  bench.scaling = models.flatMap((model) => scalingSummary(results.filter((r) => r.model === model)) ?? [])
  if (kind === 'compare') {
    bench.ranking = rankModels(results, lookPlan(0.95, 10, 40))
    bench.rankings = rankAllPairs(results, lookPlan(0.95, 10, 40), ['async', 'threads', 'processes'])
  }
  return bench
}

const MiB = 1024 * 1024

/** benchCompare where threads are measurably faster and start 160 ms sooner. */
export function threadsWinCompare(): BenchResult {
  return benchResult('sha256 of 1 MiB chunks', 'compare', [
    modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.93,
      low: 1.9,
      high: 1.96,
      status: 'PASS',
      target: 1.6,
      netSpeedup: 1.9,
      callMs: 100,
      memoryBytes: 8.5 * MiB,
    }),
    modelResult({
      model: 'processes',
      workers: 2,
      speedup: 1.58,
      low: 1.55,
      high: 1.61,
      status: 'INCONCLUSIVE',
      target: 1.6,
      netSpeedup: 1.55,
      callMs: 100,
      memoryBytes: 48 * MiB,
    }),
  ])
}

/** benchCompare whose intervals overlap: decide on startup, memory, isolation. */
export function overlappingCompare(): BenchResult {
  return benchResult('json parse', 'compare', [
    modelResult({ model: 'threads', workers: 2, speedup: 1.93, low: 1.85, high: 1.98, memoryBytes: 8.5 * MiB }),
    modelResult({ model: 'processes', workers: 2, speedup: 1.88, low: 1.8, high: 1.95, memoryBytes: 48 * MiB }),
  ])
}

/** benchCompare where processes are measurably faster but slower to start. */
export function processesWinCompare(): BenchResult {
  return benchResult('regex scan', 'compare', [
    modelResult({ model: 'threads', workers: 2, speedup: 1.41, low: 1.35, high: 1.47 }),
    modelResult({ model: 'processes', workers: 2, speedup: 1.88, low: 1.84, high: 1.92 }),
  ])
}

/** Tasks far too small for their messaging cost: slower than calling fn inline. */
export function notPayingBench(): BenchResult {
  return benchResult('four squares', 'threads', [
    modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.2,
      low: 1.1,
      high: 1.3,
      serialMs: 2,
      callMs: 0.0001,
      roundTripMs: 0.09,
      netSpeedup: 0.0024,
      tasks: 8,
      diagnostics: [
        {
          kind: 'granularity',
          overheadShare: 0.09 / 0.0901,
          roundTripMs: 0.09,
          callMs: 0.0001,
          batch: 8100,
          maxShare: 0.1,
          payload: false,
        },
      ],
    }),
  ])
}

/** Exact Amdahl speedups for serial fraction `f`. */
export function amdahl(f: number, workers: number): number {
  return 1 / (f + (1 - f) / workers)
}

/** A scaling curve (workers 1, 2, 4) following Amdahl's law with a serial fraction of 0.1. */
export function scalingBench(): BenchResult {
  const point = (workers: number, halfWidth: number) => {
    const speedup = amdahl(0.1, workers)
    return modelResult({ model: 'threads', workers, speedup, low: speedup - halfWidth, high: speedup + halfWidth })
  }
  return benchResult('mandelbrot rows', 'threads', [point(1, 0.01), point(2, 0.04), point(4, 0.08)])
}

/** A missed budget at level error, and the same at level warn. */
export function failingBench(level: 'error' | 'warn' | 'off' = 'error'): BenchResult {
  return benchResult(
    'gzip blocks',
    'processes',
    [
      modelResult({
        model: 'processes',
        workers: 2,
        speedup: 1.21,
        low: 1.15,
        high: 1.27,
        status: 'FAIL',
        target: 1.6,
        memoryBytes: 52 * MiB,
      }),
    ],
    { level },
  )
}

/** A budget only this machine cannot reach. */
export function skippedBench(): BenchResult {
  return benchResult('brotli', 'threads', [
    modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.9,
      low: 1.85,
      high: 1.95,
      status: 'SKIPPED',
      target: 3,
    }),
  ])
}

/** A bench whose fn threw in the worker. */
export function erroredBench(): BenchResult {
  return benchResult('broken parser', 'threads', [], {
    error: {
      code: 'TASK_FAILED',
      message: 'fn threw: Unexpected token } in JSON at position 3\n    at parse (parser.ts:3:9)',
    },
  })
}

/** A name and a message crafted to break terminals, workflow commands and markdown. */
export const HOSTILE_NAME = 'evil\u001b[2J\u001b]0;title\u0007 | <img src=x> `code` 100% a:b,c\n::error::pwned'

export function hostileBench(): BenchResult {
  const bench = benchResult(HOSTILE_NAME, 'threads', [
    modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.21,
      low: 1.15,
      high: 1.27,
      status: 'FAIL',
      target: 1.6,
      // The facts carry numbers; the one string field a user can reach is a level's name.
      diagnostics: [
        {
          kind: 'level-overridden',
          from: 'error',
          to: 'warning with \u001b[31mred\u001b[0m and\r\n::warning::injected',
          variable: 'VITEST_PARALLEL_BENCH_LEVEL',
        },
      ],
    }),
  ])
  bench.file = 'bench/a,b:c.bench.ts'
  return bench
}
