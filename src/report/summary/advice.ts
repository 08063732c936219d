// Advice in words: which model to prefer and why, how many workers are worth it, whether
// parallelism pays at all, and what Amdahl's law predicts on larger machines. Every view prints
// these sentences as they are.
import { restsOnCpuGot, verdictEstimate } from '../../analysis/row-verdict.js'
import { batchCap, ENOUGH_SHARE, scalingSummary } from '../../analysis/scaling.js'
import { granularity, MAX_OVERHEAD_SHARE } from '../../analysis/workload.js'
import {
  formatBytes,
  formatDuration,
  formatGain,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  stripControl,
} from '../../format.js'
import type { BenchResult, Model, ModelRanking, ModelResult, ScalingSummary } from '../../types.js'
import { finiteMedian } from '../curves.js'
import { rankingText } from './facts.js'
import { formatMemory } from './labels.js'

/** The Amdahl fit as one sentence: `Amdahl serial fraction 0.100: at most 10.0x on any number of workers`. */
export function describeSerialFraction(fraction: number | undefined): string {
  if (fraction === undefined) return 'Amdahl serial fraction: not enough points'
  const bound =
    fraction > 0 ? `at most ${formatSpeedup(1 / fraction)} on any number of workers` : 'no serial part measured'
  return `Amdahl serial fraction ${fraction.toFixed(3)}: ${bound}`
}

function startupOf(result: ModelResult): number | undefined {
  return finiteMedian(result.startupMs)
}

/**
 * Whether two startup times differ by more than their noise: worker startups vary by tens of ms
 * from one pool to the next (52–94 ms for the same processes in one run), so a gap counts only
 * from 10 ms and 20% of the faster one.
 */
function startupsDiffer(gapMs: number, fasterMs: number): boolean {
  return Math.abs(gapMs) >= Math.max(10, 0.2 * fasterMs)
}

/** Whether parallelism beats calling fn inline, as far as the net interval (or, without one, the estimate) can tell. */
function pays(result: ModelResult): 'yes' | 'no' | 'unknown' {
  const { netSpeedup, netInterval } = result
  if (netSpeedup === undefined || !Number.isFinite(netSpeedup)) return 'unknown'
  if (netInterval === undefined) return netSpeedup >= 1 ? 'yes' : 'no'
  if (netInterval.low > 1) return 'yes'
  if (netInterval.high < 1) return 'no'
  return 'unknown'
}

function netText(result: ModelResult): string {
  const { netSpeedup, netInterval } = result
  if (netInterval === undefined) return formatSpeedup(netSpeedup)
  return formatSpeedupWithInterval(netSpeedup ?? Number.NaN, netInterval.low, netInterval.high)
}

/** A net interval narrower than this (high / low) that still holds 1 is break-even, not undecided. */
const BREAK_EVEN_WIDTH = 1.15

/**
 * Below this share of an arm spent waiting behind other load (median over rounds), a corrected
 * speedup needs no caveat: on a quiet machine the median round waits ~1%, yet two disturbed rounds
 * in 8 (7% and 13% here) can move the median by 2–3% and put the verdict on the corrected speedup.
 */
const LOAD_CAVEAT_SHARE = 0.05

/**
 * What other load leaves of the advice. Starved workers, or load too heavy to correct (the verdict
 * said so), make every sentence about paying off premature: 'uncorrected'. Load that was corrected
 * leaves the speedup standing, but net vs inline and the ranking are as measured under it: 'corrected'.
 */
function loadCaveat(result: ModelResult): 'uncorrected' | 'corrected' | undefined {
  if (
    result.diagnostics.some((diagnostic) => diagnostic.kind === 'starved') ||
    result.verdict.why.kind === 'too-loaded'
  )
    return 'uncorrected'
  if (!restsOnCpuGot(result)) return undefined
  const { serialShare, parallelShare } = result.runQueueDelay ?? { serialShare: 1, parallelShare: 1 }
  return Math.max(serialShare, parallelShare) >= LOAD_CAVEAT_SHARE ? 'corrected' : undefined
}

/** Whether other load qualifies what the advice can say about this row. */
function underLoad(result: ModelResult): boolean {
  return loadCaveat(result) !== undefined
}

/**
 * The advice's last clause under other load: `before` names what the reader is about to do
 * (`choosing`, `deciding`), `asMeasured` what no correction reaches (`net vs inline is`). Of a
 * comparison it names the speedups that are on the CPU they got.
 */
function loadAdvice(
  results: readonly ModelResult[],
  subject: 'worker' | 'workers',
  asMeasured: string,
  before: string,
): string {
  if (results.some((r) => loadCaveat(r) === 'uncorrected'))
    return `the ${subject} ${subject === 'worker' ? 'was' : 'were'} starved by other load; rerun on a quieter machine before ${before}`
  const corrected = results.filter((r) => loadCaveat(r) === 'corrected')
  const which =
    results.length === 1
      ? ''
      : corrected.length === results.length
        ? 'both speedups are on the CPU they got, but '
        : `${corrected.map((r) => `${r.model}' speedup`).join(', ')} is on the CPU it got, but `
  return `other load took CPU from the ${subject}; ${which}${asMeasured} as measured beside it: confirm on a quieter machine before ${before}`
}

/** `1.88x [1.33–2.01] on the CPU it got (1.26x measured beside other load)`, or the measured speedup with its interval. */
function speedupText(result: ModelResult): string {
  const { estimate } = result
  if (!restsOnCpuGot(result)) return formatSpeedupWithInterval(estimate.speedup, estimate.low, estimate.high)
  const { onCpuGot } = result
  return `${formatSpeedupWithInterval(onCpuGot.speedup, onCpuGot.low, onCpuGot.high)} on the CPU it got (${formatSpeedup(estimate.speedup)} measured beside other load)`
}

function doesNotPay(results: readonly ModelResult[]): string | undefined {
  const known = results.filter((r) => pays(r) !== 'unknown')
  if (known.length === 0 || known.some((r) => pays(r) === 'yes') || results.some(underLoad)) return undefined
  const detail = known.map((r) => `${r.model} ${netText(r)}`).join(', ')
  const grain = results.some((r) => (granularity(r.callMs, r.roundTripMs).overheadShare ?? 0) > MAX_OVERHEAD_SHARE)
  const advice = grain ? 'give each task more work, or call fn inline' : 'call fn inline'
  return `parallelism does not pay here (${detail} vs calling fn inline); ${advice}`
}

function compareSentence(
  threads: ModelResult,
  processes: ModelResult,
  atWorkers: string,
  ranking: ModelRanking | undefined,
): string {
  // Under load, the speedups the verdicts rest on (the clause says so); else as the table shows them.
  const loaded = underLoad(threads) || underLoad(processes)
  const speedupOf = (result: ModelResult): string =>
    formatSpeedup(loaded ? verdictEstimate(result).speedup : result.estimate.speedup)
  const head = `threads ${speedupOf(threads)} vs processes ${speedupOf(processes)}${atWorkers}`
  if (loaded) {
    return `${head}: ${loadAdvice([threads, processes], 'workers', 'net vs inline and which model is faster are', 'choosing')}`
  }
  const notPaying = doesNotPay([threads, processes])
  if (notPaying !== undefined) return `${head}: ${notPaying}`
  const threadStartup = startupOf(threads)
  const processStartup = startupOf(processes)
  const rawGap =
    threadStartup === undefined || processStartup === undefined ? undefined : processStartup - threadStartup
  // A gap within the noise of startup times is no gap at all.
  const startupGap =
    rawGap === undefined || !startupsDiffer(rawGap, Math.min(threadStartup ?? 0, processStartup ?? 0))
      ? undefined
      : rawGap
  // Ranked by what a user waits for: the parallel batch time, paired per round, with an interval on the ratio.
  const batch = ranking === undefined ? '' : `; threads' parallel batch ${rankingText(ranking)} of processes'`
  if (ranking?.faster === undefined) {
    const processesStartFaster = startupGap !== undefined && startupGap < 0
    const preferred = processesStartFaster ? 'processes' : 'threads'
    const reasons: string[] = []
    if (startupGap !== undefined) {
      reasons.push(`they start ${formatDuration(Math.abs(startupGap))} faster per worker`)
    }
    // Memory is a reason only where it favours the preferred model; otherwise a fact beside the advice.
    let memoryAside = ''
    if (threads.memoryBytes !== undefined && processes.memoryBytes !== undefined) {
      const memory = `memory per worker: threads ${formatMemory(threads)}, processes ${formatMemory(processes)}`
      const lighter = threads.memoryBytes <= processes.memoryBytes ? 'threads' : 'processes'
      if (lighter === preferred) reasons.push(memory)
      else memoryAside = `; ${memory}`
    }
    const why = reasons.length === 0 ? '' : ` (${reasons.join('; ')})`
    const isolation =
      preferred === 'threads'
        ? '; use processes when fn needs isolation (process.exit, native crashes, global state)'
        : '; they also isolate fn (process.exit, native crashes, global state)'
    return `${head}: indistinguishable${batch}; prefer ${preferred}${why}${isolation}${memoryAside}`
  }
  const winner = ranking.faster
  const loser = winner === 'threads' ? 'processes' : 'threads'
  const winnerStartsSlower = startupGap !== undefined && (winner === 'threads' ? startupGap < 0 : startupGap > 0)
  if (startupGap === undefined) return `${head}: prefer ${winner}${batch}`
  const gap = formatDuration(Math.abs(startupGap))
  return winnerStartsSlower
    ? `${head}: prefer ${winner}${batch}, although they cost ${gap} more to start (once per pool)`
    : `${head}: prefer ${winner}${batch}; ${loser} cost ${gap} more to start`
}

function scalingSentence(points: readonly ModelResult[]): string {
  const model = points[0]?.model ?? 'threads'
  const summary = scalingSummary(points)
  // The speedups the verdicts rest on, as the fit uses them (beside other load, on the CPU the pool got).
  const speedup = (p: ModelResult) => verdictEstimate(p)
  const best = points.reduce((a, b) => (speedup(b).speedup > speedup(a).speedup ? b : a))
  const enough = points.find((p) => p.workers === summary?.advice.workers) ?? best
  const notPaying = doesNotPay([enough])
  if (notPaying !== undefined) return `${model}: ${notPaying}`
  if (speedup(best).low <= 1) {
    return `${model}: no pool size is measurably faster than one worker (best ${formatSpeedup(speedup(best).speedup)} at ${best.workers}): parallelism does not pay here`
  }
  const memory = summary?.advice.memoryBytes === undefined ? '' : `, adding ${formatBytes(summary.advice.memoryBytes)}`
  return enough.workers < best.workers
    ? `${model}: use ${enough.workers} workers (${formatSpeedup(speedup(enough).speedup)}${memory}), the smallest pool within ${formatPercent(1 - ENOUGH_SHARE)} of the best measured, ${formatSpeedup(speedup(best).speedup)} at ${best.workers}`
    : `${model}: use ${best.workers} workers (${formatSpeedup(speedup(best).speedup)}${memory}); smaller pools measured more than ${formatPercent(1 - ENOUGH_SHARE)} below it`
}

/**
 * What Amdahl's law, fitted to the measured pool sizes, predicts on larger machines: clearly a
 * prediction, with the range the measured intervals allow. `undefined` when nothing is predicted.
 */
function predictionSentence(summary: ScalingSummary, tasks: number, onCpuGot: boolean): string | undefined {
  if (summary.predictions.length === 0) return undefined
  const { value, low, high } = summary.serialFraction
  const at = summary.predictions
    .map((p) => `${p.workers} workers ${formatSpeedupWithInterval(p.speedup, p.low, p.high)}`)
    .join(', ')
  const capped = summary.predictions.some((p) => p.high >= batchCap(tasks, p.workers))
    ? `; capped by this batch of ${tasks} tasks`
    : ''
  // Fitted to what the verdicts rest on (analysis/scaling.ts): beside other load, the speedups on the CPU the pool got.
  const fitted = onCpuGot ? ' fitted to the speedups on the CPU the pools got' : ''
  return `${summary.model} on more cores, predicted by Amdahl's law${fitted} (serial fraction ${value.toFixed(3)} [${low.toFixed(3)}–${high.toFixed(3)}]), a model, not a measurement: ${at}${capped}`
}

/**
 * A bench's predictions, one sentence per model that has one: what every report prints. None for
 * a model none of whose pools beat calling fn inline: more cores would only scale the overhead,
 * and a speedup beside "does not pay" reads as a contradiction.
 */
export function predictionSentences(bench: BenchResult): string[] {
  const tasks = bench.results[0]?.tasks ?? 0
  return (bench.scaling ?? []).flatMap((summary) => {
    const rows = bench.results.filter((r) => r.model === summary.model)
    if (rows.length > 0 && rows.every((r) => pays(r) === 'no')) return []
    return predictionSentence(summary, tasks, rows.some(restsOnCpuGot)) ?? []
  })
}

function singleSentence(result: ModelResult): string {
  const { estimate } = result
  const efficiency = verdictEstimate(result).speedup / result.workers
  const head = `${result.model} ${speedupText(result)} on ${result.workers} workers (${formatPercent(efficiency)} efficiency)`
  if (underLoad(result)) return `${head}: ${loadAdvice([result], 'workers', 'net vs inline is', 'deciding')}`
  const notPaying = doesNotPay([result])
  if (notPaying !== undefined) return `${head}: ${notPaying}`
  const net = `${netText(result)} vs calling fn inline`
  if (pays(result) === 'yes' && estimate.low > 1) return `${head}, ${net}: parallelism pays here`
  if (result.netSpeedup === undefined) return head
  const { netInterval } = result
  // A tight interval around break-even will not move with more rounds.
  if (netInterval !== undefined && netInterval.low <= 1 && netInterval.high / netInterval.low <= BREAK_EVEN_WIDTH) {
    return `${head}, ${net}: about break-even with calling fn inline; parallelism does not pay measurably here`
  }
  return `${head}, ${net}: too close to tell whether parallelism pays here; more rounds (\`time\`, \`maxRounds\`) would decide`
}

/** A pool whose batch may be at most this share faster than async's (the interval's edge) is not needed. */
const MAX_POOL_GAIN = 0.1

const POOL_NAME: Record<Exclude<Model, 'async'>, string> = { threads: 'a thread pool', processes: 'a process pool' }

/** What a pool adds on top of async concurrency, as a speedup over the same serial arm, with its interval. */
export interface PoolGain {
  model: Exclude<Model, 'async'>
  /** async's speedup × (async's batch time / the pool's − 1), and its bounds from the paired ratio's interval. */
  gain: number
  low: number
  high: number
  /**
   * The ranking says: the pool is faster (`pays`), async is (`overhead`); neither, and the pool is
   * at most MAX_POOL_GAIN faster even at the interval's edge (`even`), or could be more (`untold`).
   */
  outcome: 'pays' | 'overhead' | 'even' | 'untold'
}

/**
 * Each pool against async concurrency at the same size, from the paired ranking of their batch
 * times (async's over the pool's): the pool adds async's speedup × (ratio − 1).
 */
export function poolGains(asyncRow: ModelResult, rankings: readonly ModelRanking[]): PoolGain[] {
  const speedup = asyncRow.estimate.speedup
  return rankings.flatMap((ranking) => {
    const [first, pool] = ranking.models ?? []
    if (first !== 'async' || pool === undefined || pool === 'async' || ranking.workers !== asyncRow.workers) return []
    const outcome =
      ranking.faster === pool
        ? 'pays'
        : ranking.faster === 'async'
          ? 'overhead'
          : ranking.high <= 1 + MAX_POOL_GAIN
            ? 'even'
            : 'untold'
    return [
      {
        model: pool,
        gain: speedup * (ranking.ratio - 1),
        low: speedup * (ranking.low - 1),
        high: speedup * (ranking.high - 1),
        outcome,
      },
    ]
  })
}

/**
 * Is a pool needed at all? Async concurrency against each pool, at the largest size all were
 * measured at: `async concurrency already gives 1.90x; a thread pool adds +0.02x [-0.03–0.06] on
 * top: no pool needed`. Where a pool pays, the pools' own recommendation follows.
 */
function asyncSentence(bench: BenchResult, pools: string | undefined): string | undefined {
  const asyncRows = bench.results.filter((r) => r.model === 'async')
  const rankings = bench.rankings ?? []
  const workers = Math.max(0, ...rankings.filter((r) => r.models?.[0] === 'async').map((r) => r.workers))
  const asyncRow = asyncRows.find((r) => r.workers === workers)
  if (asyncRow === undefined) return undefined
  const gains = poolGains(asyncRow, rankings)
  if (gains.length === 0) return undefined
  const several = new Set(bench.results.map((r) => r.workers)).size > 1
  const at = several ? ` at ${workers} in flight` : ''
  const synchronous = asyncRow.diagnostics.some((d) => d.kind === 'synchronous-fn')
  const head = synchronous
    ? `async concurrency gives ${formatSpeedupWithInterval(asyncRow.estimate.speedup, asyncRow.estimate.low, asyncRow.estimate.high)}${at} (fn returns no promise, so its calls cannot overlap)`
    : `async concurrency already gives ${formatSpeedupWithInterval(asyncRow.estimate.speedup, asyncRow.estimate.low, asyncRow.estimate.high)}${at}`
  if (underLoad(asyncRow)) return `${head}: ${loadAdvice([asyncRow], 'worker', 'what a pool adds is', 'choosing')}`
  const added = gains.map((g) => `${POOL_NAME[g.model]} adds ${formatGain(g.gain, g.low, g.high)}`).join(', ')
  if (gains.some((g) => g.outcome === 'pays')) {
    return `${head}; ${added} on top: a pool pays${pools === undefined ? '' : `; ${pools}`}`
  }
  // A wide interval that holds both a gain and a loss decides nothing: more rounds would.
  if (gains.some((g) => g.outcome === 'untold')) {
    return `${head}; ${added} on top: too close to tell whether a pool pays here; more rounds (\`time\`, \`maxRounds\`) would decide`
  }
  const overheadOnly = gains.every((g) => g.outcome === 'overhead')
  return `${head}; ${added} on top: no pool needed${overheadOnly ? ', a pool only adds overhead' : ''}`
}

/**
 * A plain recommendation for one bench: whether a pool is needed at all (against async
 * concurrency), which model to prefer and why, how many workers are worth it, or that
 * parallelism does not pay at all. `undefined` for an errored bench.
 */
export function recommendation(bench: BenchResult): string | undefined {
  if (bench.error !== undefined) return undefined
  if (bench.results.some((r) => r.model === 'async') && bench.results.some((r) => r.model !== 'async')) {
    const ranking =
      bench.ranking ?? bench.rankings?.find((r) => r.models?.[0] === 'threads' && r.models[1] === 'processes')
    const pools = poolRecommendation({ ...bench, ranking, results: bench.results.filter((r) => r.model !== 'async') })
    const sentence = asyncSentence(bench, pools)
    if (sentence !== undefined) return stripControl(sentence)
  }
  return poolRecommendation(bench)
}

function poolRecommendation(bench: BenchResult): string | undefined {
  const threads = bench.results.filter((r) => r.model === 'threads')
  const processes = bench.results.filter((r) => r.model === 'processes')
  if (threads.length > 0 && processes.length > 0) {
    const common = threads.map((r) => r.workers).filter((w) => processes.some((p) => p.workers === w))
    const several = new Set(bench.results.map((r) => r.workers)).size > 1
    if (common.length > 0) {
      const workers = Math.max(...common)
      const t = threads.find((r) => r.workers === workers) as ModelResult
      const p = processes.find((r) => r.workers === workers) as ModelResult
      return stripControl(compareSentence(t, p, several ? ` at ${workers} workers` : '', bench.ranking))
    }
  }
  const only = threads.length > 0 ? threads : processes.length > 0 ? processes : bench.results
  const first = only[0]
  if (first === undefined) return undefined
  if (new Set(only.map((r) => r.workers)).size > 1) {
    return scalingSentence([...only].sort((a, b) => a.workers - b.workers))
  }
  // 'auto' with one size: the machine had nothing else to offer, and the advice should say so.
  const auto = bench.options.workersAuto === true ? `; workers: 'auto' could measure only ${first.workers} here` : ''
  return `${singleSentence(first)}${auto}`
}
