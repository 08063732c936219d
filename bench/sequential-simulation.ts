// Calibration check for sequential stopping (DESIGN §3): simulate paired rounds
// with skewed, outlier-prone timings around a known speedup, run the exact
// procedure the engine runs (look after every round from minRounds to maxRounds
// at lookLevel, stop once decided), and count the verdicts.
//
//   node --import tsx bench/sequential-simulation.ts [repetitions=20000] [minRounds=the default]

import { firstDecidingRound } from '../src/analysis/rounds.js'
import {
  estimateSpeedup,
  type LookPlan,
  lookLevel,
  lookPlan,
  sequentialCoverage,
  sequentialOneSidedError,
} from '../src/analysis/statistics.js'
import { decideVerdict, isDecided } from '../src/analysis/verdict.js'
import type { RoundSample, SpeedupEstimate, VerdictStatus } from '../src/types.js'
import { seededRandom } from '../test/support/prng.js'

const CONFIDENCE = 0.95
const MIN_ROUNDS = Number(process.argv[3] ?? firstDecidingRound(CONFIDENCE))
const MAX_ROUNDS = 40
const WORKERS = 2
const NOMINAL_SPEEDUP = 2
const REPETITIONS = Number(process.argv[2] ?? 20_000)

interface NoiseModel {
  name: string
  /** Lognormal jitter of each arm (σ of log time). */
  sigma: number
  /** Mean of the exponential right tail added to each arm (share of its time). */
  tail: number
  /** Chance per arm per round of a stall (GC, another process) that slows it 15–50%. */
  outlier: number
}

const MODELS: NoiseModel[] = [
  { name: 'quiet runner (~3-5% spread)', sigma: 0.025, tail: 0.01, outlier: 0.05 },
  { name: 'noisy runner (~12% spread)', sigma: 0.06, tail: 0.03, outlier: 0.1 },
]

function makeSampler(model: NoiseModel, random: () => number): () => RoundSample {
  const normal = (): number => {
    const u = 1 - random()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random())
  }
  const arm = (ms: number): number => {
    const stall = random() < model.outlier ? 1.15 + 0.35 * random() : 1
    return ms * Math.exp(model.sigma * normal()) * (1 - model.tail * Math.log(1 - random())) * stall
  }
  let index = 0
  return () => {
    const position = index++ % 4
    const order: RoundSample['order'] = position === 0 || position === 3 ? 'serial-first' : 'parallel-first' // ABBA
    const serialMs = arm(200)
    const parallelMs = arm(200 / NOMINAL_SPEEDUP)
    return { order, serialMs, parallelMs, serialBusyMs: serialMs, parallelBusyMs: parallelMs * WORKERS }
  }
}

/** The true speedup is exp(median log-ratio) of the noise model, not the nominal 2x: skew moves it. */
function trueSpeedup(model: NoiseModel): { speedup: number; spread: number } {
  const next = makeSampler(model, seededRandom(0xdecade))
  const logs = Array.from({ length: 1_000_000 }, () => {
    const round = next()
    return Math.log(round.serialMs / round.parallelMs)
  }).sort((a, b) => a - b)
  const q = (p: number): number => logs[Math.floor(p * (logs.length - 1))] as number
  return { speedup: Math.exp(q(0.5)), spread: (q(0.75) - q(0.25)) / 1.349 } // IQR → σ-equivalent
}

interface Outcome {
  status: VerdictStatus
  estimate: SpeedupEstimate
  rounds: number
}

function runProcedure(next: () => RoundSample, target: number | undefined, plan: LookPlan): Outcome {
  const rounds: RoundSample[] = []
  let estimate: SpeedupEstimate | undefined
  while (rounds.length < MAX_ROUNDS) {
    rounds.push(next())
    if (rounds.length < MIN_ROUNDS) continue
    estimate = estimateSpeedup(rounds, WORKERS, lookLevel(plan, rounds.length))
    if (isDecided(estimate, target)) break
  }
  if (estimate === undefined) throw new Error('no look happened')
  const { status } = decideVerdict({ estimate, target, starved: false, option: 'minSpeedup' })
  return { status, estimate, rounds: rounds.length }
}

function percent(count: number, total: number): string {
  return `${((100 * count) / total).toFixed(2)}%`.padStart(7)
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const plan = lookPlan(CONFIDENCE, MIN_ROUNDS, MAX_ROUNDS)
const { perLook } = plan
console.log(`confidence ${CONFIDENCE}, looks after rounds ${MIN_ROUNDS}…${MAX_ROUNDS}, ${REPETITIONS} runs per row`)
console.log(
  `per-look confidence ${perLook.toFixed(5)} (Bonferroni would be ${(1 - (1 - CONFIDENCE) / (MAX_ROUNDS - MIN_ROUNDS + 1)).toFixed(5)})`,
)
console.log(
  `exact, any distribution: P(PASS | budget = truth) ≤ ${(100 * sequentialOneSidedError(plan)).toFixed(2)}%, ` +
    `same for FAIL; simultaneous coverage ${(100 * sequentialCoverage(plan)).toFixed(2)}%`,
)
const naive = sequentialOneSidedError({ ...plan, perLook: CONFIDENCE })
console.log(`without the correction (95% at every look): P(PASS | budget = truth) = ${(100 * naive).toFixed(2)}%\n`)

let seed = 1
for (const model of MODELS) {
  const truth = trueSpeedup(model)
  console.log(
    `${model.name}: true speedup ${truth.speedup.toFixed(4)}x (nominal ${NOMINAL_SPEEDUP}x), per-round spread σ≈${(100 * truth.spread).toFixed(1)}%`,
  )
  console.log('budget                 PASS     FAIL  INCONCL.  coverage  rounds (median / mean)')
  const budgets: [string, number | undefined][] = [
    ['= truth', truth.speedup],
    ['truth − 10%', truth.speedup * 0.9],
    ['truth + 10%', truth.speedup * 1.1],
    ['truth − 5%', truth.speedup * 0.95],
    ['truth + 5%', truth.speedup * 1.05],
    ['1.6x (clear pass)', 1.6],
    ['none (±5% precision)', undefined],
  ]
  for (const [label, target] of budgets) {
    const counts: Record<VerdictStatus, number> = { PASS: 0, FAIL: 0, INCONCLUSIVE: 0, SKIPPED: 0, MEASURED: 0 }
    let covered = 0
    const roundsUsed: number[] = []
    for (let run = 0; run < REPETITIONS; run++) {
      const outcome = runProcedure(makeSampler(model, seededRandom(seed++)), target, plan)
      counts[outcome.status]++
      if (outcome.estimate.low <= truth.speedup && truth.speedup <= outcome.estimate.high) covered++
      roundsUsed.push(outcome.rounds)
    }
    const mean = roundsUsed.reduce((sum, n) => sum + n, 0) / roundsUsed.length
    console.log(
      `${label.padEnd(20)} ${percent(counts.PASS, REPETITIONS)}  ${percent(counts.FAIL, REPETITIONS)}  ${percent(counts.INCONCLUSIVE, REPETITIONS)}   ${percent(covered, REPETITIONS)}   ${medianOf(roundsUsed)} / ${mean.toFixed(1)}`,
    )
  }
  console.log()
}
