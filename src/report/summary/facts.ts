// The one home of words: every fact the analysis returns (facts.ts) becomes a sentence here, and
// every view (terminal, GitHub annotations and step summary, HTML, the JSON's readable fields, the
// test's annotations and failure messages) prints these sentences. Reword a warning here and
// every view follows.

import { restsOnCpuGot, verdictEstimate } from '../../analysis/row-verdict.js'
import type {
  BudgetOption,
  ContentionFinding,
  Diagnostic,
  NoBaseline,
  OnCpuGot,
  OtherLoad,
  RegressionNote,
  SkipFact,
  UnreachableFact,
  VerdictReason,
} from '../../contracts/facts.js'
import type { ErrorCode } from '../../errors.js'
import {
  formatBound,
  formatChange,
  formatChangeInterval,
  formatConfidence,
  formatCores,
  formatDuration,
  formatFactor,
  formatNumber,
  formatPercent,
  formatSpeedup,
} from '../../format.js'
import type { Model, ModelRanking, Regression, SpeedupEstimate, Verdict } from '../../types.js'

// ── words inside sentences ───────────────────────────────────────────────

/** A share in a sentence: one decimal (`99.9%`). */
function share(value: number): string {
  return formatPercent(value, 1)
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// ── budgets and verdicts ─────────────────────────────────────────────────

/** `1.21x (95% CI 1.15–1.27x)` */
function describeSpeedup(estimate: SpeedupEstimate): string {
  return `${formatBound(estimate.speedup)}x (${formatConfidence(estimate.confidence)} CI ${formatBound(estimate.low)}–${formatBound(estimate.high)}x)`
}

/** `0.61 (95% CI 0.58–0.64)` */
function describeEfficiency(estimate: SpeedupEstimate, workers: number): string {
  return `${formatBound(estimate.speedup / workers)} (${formatConfidence(estimate.confidence)} CI ${formatBound(estimate.low / workers)}–${formatBound(estimate.high / workers)})`
}

/** The estimate carries efficiency = speedup / workers, so the pool size is recoverable. */
function workersOf(estimate: SpeedupEstimate): number {
  return Math.max(1, Math.round(estimate.speedup / estimate.efficiency))
}

function describeMeasured(estimate: SpeedupEstimate, option: BudgetOption): string {
  return option === 'minEfficiency'
    ? `efficiency ${describeEfficiency(estimate, workersOf(estimate))}`
    : `speedup ${describeSpeedup(estimate)}`
}

function describeBudget(estimate: SpeedupEstimate, target: number, option: BudgetOption): string {
  return option === 'minEfficiency'
    ? `minEfficiency ${formatNumber(target / workersOf(estimate))}`
    : `minSpeedup ${formatFactor(target)}`
}

/** `minSpeedup 1.9` or `minEfficiency 0.8 (1.6x on 2 workers)`. */
function askedFor(option: BudgetOption, target: number, workers: number): string {
  return option === 'minEfficiency'
    ? `\`minEfficiency\` ${formatNumber(target / workers)} (${formatFactor(target)} on ${workers} ${plural(workers, 'worker')})`
    : `\`minSpeedup\` ${formatNumber(target)}`
}

/** Why a row was skipped: `` `minSpeedup` 3 needs ≥ 3 cores, this machine has 2 effective cores ``. */
export function skipText(skip: SkipFact): string {
  const { option, target, workers, coresNeeded, effectiveCores, cap } = skip
  const asked = askedFor(option, target, workers)
  const cores = `${formatNumber(effectiveCores)} effective ${plural(effectiveCores, 'core')}`
  if (cap === undefined) {
    return `${asked} needs ≥ ${coresNeeded} ${plural(coresNeeded ?? 0, 'core')}, this machine has ${cores}`
  }
  const need =
    coresNeeded === undefined ? 'is out of reach here' : `needs ≥ ${coresNeeded} ${plural(coresNeeded, 'core')}`
  return `${asked} ${need}: ${cap.tasks} ${plural(cap.tasks, 'task')} on ${workers} ${plural(workers, 'worker')} (defaulted from this machine's ${cores}) cap the speedup at ${formatFactor(cap.speedup)}`
}

/** Why a budget can never be reached: the message of BUDGET_UNREACHABLE. */
export function unreachableText(fact: UnreachableFact): string {
  const { option, target, workers, tasks, cappedBy, cap } = fact
  const byTasks = { who: `${tasks} ${plural(tasks, 'task')}`, singular: tasks === 1, setting: `\`tasks\`: ${tasks}` }
  const byWorkers = {
    who: `${workers} ${plural(workers, 'worker')}`,
    singular: workers === 1,
    setting: `\`workers\`: ${workers}`,
  }
  const cause =
    cappedBy === 'tasks'
      ? byTasks
      : cappedBy === 'workers'
        ? byWorkers
        : {
            who: `${byTasks.who} on ${byWorkers.who}`,
            singular: false,
            setting: `${byTasks.setting}, ${byWorkers.setting}`,
          }
  return `${askedFor(option, target, workers)} can never be reached: ${cause.who} ${cause.singular ? 'caps' : 'cap'} the speedup at ${formatFactor(cap)} (${cause.setting})`
}

/** ` on the CPU it got`, and the measured figure with what the load cost. */
function onCpuGotWords(onCpuGot: OnCpuGot | undefined): { where: string; after: string } {
  if (onCpuGot === undefined) return { where: '', after: '' }
  return {
    where: ' on the CPU it got',
    after: ` (${formatBound(onCpuGot.measured)}x measured; waited behind other load ${share(onCpuGot.parallelShare)} of the parallel arm, ${share(onCpuGot.serialShare)} of the serial arm)`,
  }
}

/** `minSpeedup 1.6x`, or `minEfficiency 0.8 (1.6x)` for a budget of that option. */
function budgetWords(option: BudgetOption, target: number, workers: number): string {
  return option === 'minEfficiency'
    ? `minEfficiency ${formatNumber(target / workers)} (${formatFactor(target)})`
    : `minSpeedup ${formatFactor(target)}`
}

/** One sentence: why this verdict. */
export function verdictReasonText(why: VerdictReason, estimate: SpeedupEstimate): string {
  switch (why.kind) {
    case 'skip':
      return skipText(why)
    case 'above-bound':
      return `${budgetWords(why.option, why.target, why.workers)} is above what this batch allows: by its tasks' measured costs no pool of ${why.workers} workers can run it more than ${formatBound(why.bound)}x faster, whatever the load.`
    case 'too-loaded':
      return `The machine was busier than it can serve: the parallel arm waited for a CPU ${formatPercent(why.parallelShare)} of its time and the serial arm ${formatPercent(why.serialShare)} (more than ${formatPercent(why.maxShare)} cannot be corrected credibly), so the speedup of ${formatSpeedup(why.measured)} is not judged${why.budget ? ' against the budget' : ''}.`
  }
  const { where, after } = onCpuGotWords(why.onCpuGot)
  if (why.kind === 'no-budget') return `Speedup ${describeSpeedup(estimate)}${where}${after}; no budget set.`
  const subject = `${capitalize(describeMeasured(estimate, why.option))}${where}`
  const budget = describeBudget(estimate, why.target, why.option)
  switch (why.kind) {
    case 'reaches':
      return `${subject} reaches ${budget}${after}.`
    case 'below':
      return why.starved
        ? `${subject} is below ${budget}, but the workers were starved of CPU by other load, so the machine may be to blame.`
        : `${subject} is below ${budget}${after}.`
    case 'straddles':
      return `${subject} straddles ${budget}${after}: more rounds or a quieter machine would decide it.`
  }
}

/** A row's verdict reason (shorthand for the views). */
export function reasonOf(result: {
  verdict: Verdict
  estimate: SpeedupEstimate
  workers: number
  onCpuGot?: OnCpuGotEstimate | undefined
}): string {
  return verdictReasonText(result.verdict.why, verdictEstimate(result))
}

type OnCpuGotEstimate = { speedup: number; low: number; high: number; confidence: number }

/**
 * The message of a failed test, DESIGN §2:
 * `threads speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x — 2 workers on 2 cores`.
 */
export function failureMessage(
  model: Model,
  result: {
    estimate: SpeedupEstimate
    workers: number
    verdict?: Pick<Verdict, 'basis'> | undefined
    onCpuGot?: OnCpuGotEstimate | undefined
    structuralBound?: number | undefined
  },
  target: number,
  option: BudgetOption,
  effectiveCores: number,
): string {
  const { workers, verdict } = result
  // The estimate the verdict rests on: on the CPU the pool got, when other load made that material.
  const estimate = verdictEstimate(result)
  const where = restsOnCpuGot(result) ? ' on the CPU it got' : ''
  const missed =
    option === 'minEfficiency'
      ? `efficiency ${describeEfficiency(estimate, workers)}${where} is below minEfficiency ${formatNumber(target / workers)}`
      : `speedup ${describeSpeedup(estimate)}${where} is below minSpeedup ${formatFactor(target)}`
  const bound =
    verdict?.basis === 'bound' && result.structuralBound !== undefined
      ? `; no pool of ${workers} ${plural(workers, 'worker')} can run this batch more than ${formatBound(result.structuralBound)}x faster, whatever the load`
      : ''
  return `${model} ${missed} — ${workers} ${plural(workers, 'worker')} on ${formatNumber(effectiveCores)} ${plural(effectiveCores, 'core')}${bound}`
}

/** `0.93x [0.90–0.96] (95% CI)`: a ranking's ratio with its interval. */
export function rankingText(ranking: ModelRanking): string {
  return `${formatBound(ranking.ratio)}x [${formatBound(ranking.low)}–${formatBound(ranking.high)}] (${formatConfidence(ranking.confidence)} CI)`
}

// ── warnings ─────────────────────────────────────────────────────────────

function stretchNote(stretch: number | undefined): string {
  return stretch === undefined ? '' : `; calls took ${formatNumber(stretch)}x longer inside fn in the parallel arm`
}

/** What the contention check saw, in one sentence (a `starved` finding is also a warning). */
export function contentionText(finding: ContentionFinding): string {
  switch (finding.kind) {
    case 'starved':
      return diagnosticText(finding)
    case 'not-starved':
      switch (finding.basis) {
        case 'rounds':
          return `no sign of contention: other processes took a median ${formatNumber(finding.otherCores)} cores during the parallel arm`
        case 'whole-run':
          return `no sign of contention: other processes took ${formatNumber(finding.otherCores)} cores over the whole run`
        case 'cpu-share':
          return `no sign of contention: ${finding.rounds} of ${finding.of} rounds starved of CPU${stretchNote(finding.stretch)}`
      }
      break
    case 'contention-unchecked':
      if (finding.basis === 'run-queue-delay')
        return 'contention not guessed: the run-queue delay was measured, and corrected'
      return finding.basis === 'short-run'
        ? `contention not checked: parallel arms under ${finding.windowMs} ms and a run under ${finding.wholeRunMs} ms are too short for the kernel's 10 ms CPU accounting`
        : `contention not checked: no round reported CPU time for ≥ ${finding.sampleMs} ms of work${stretchNote(finding.stretch)}`
  }
}

/** One warning about a row, as every view prints it. */
export function diagnosticText(diagnostic: Diagnostic): string {
  switch (diagnostic.kind) {
    case 'starved': {
      const pool = (needed: number, effectiveCores: number): string =>
        `while the pool needed ${formatNumber(needed)} of this machine's ${formatNumber(effectiveCores)}`
      switch (diagnostic.basis) {
        case 'rounds':
          return `workers were starved of CPU in ${diagnostic.rounds} of ${diagnostic.of} rounds: other processes took a median ${formatNumber(diagnostic.otherCores)} cores ${pool(diagnostic.needed, diagnostic.effectiveCores)}`
        case 'whole-run':
          return `workers were starved of CPU: other processes took ${formatNumber(diagnostic.otherCores)} cores over the whole run ${pool(diagnostic.needed, diagnostic.effectiveCores)}`
        case 'cpu-share':
          return `workers were starved of CPU in ${diagnostic.rounds} of ${diagnostic.of} rounds (CPU time a median ${share(diagnostic.cpuShare)} of the time inside fn), probably other load on the machine${stretchNote(diagnostic.stretch)}`
      }
      break
    }
    case 'granularity': {
      // `transfer` moves ArrayBuffers to worker threads only: never advise it for a process pool.
      const advice = diagnostic.payload
        ? diagnostic.canTransfer === false
          ? 'the round trip is the data crossing over, not dispatch: return less, or load the data in the worker'
          : 'the round trip is the data crossing over, not dispatch: transfer inputs (`transfer: true` for ArrayBuffers), return less, or load the data in the worker'
        : diagnostic.batch === undefined
          ? 'batch more work into each task'
          : `batch about ${diagnostic.batch.toLocaleString('en-US')} calls into each task to bring it under ${share(diagnostic.maxShare)}`
      const beside = diagnostic.besideLoad === true ? ', measured beside other load, which lengthens round trips' : ''
      return `tasks are too small for their overhead: messaging is ${share(diagnostic.overheadShare)} of each task (round trip ${formatDuration(diagnostic.roundTripMs)} vs ${formatDuration(diagnostic.callMs)} inside fn${beside}); ${advice}`
    }
    case 'task-balance':
      return `one task dominates the batch: the longest is ${share(diagnostic.longestShare)} of the time inside fn, so no pool can run this batch more than ${formatNumber(diagnostic.cap)}x faster than inline; split the long tasks or even out their work, and dispatch the longest first`
    case 'dispatch-order':
      return `the dispatch order costs time: task costs range ${formatDuration(diagnostic.shortestMs)}–${formatDuration(diagnostic.longestMs)}, and in this order the busiest of ${diagnostic.workers} workers needs ${formatDuration(diagnostic.asGivenMs)} inside fn against ${formatDuration(diagnostic.longestFirstMs)} with the longest tasks first; order the inputs by cost, longest first`
    case 'parallel-slowdown':
      return diagnostic.cause === 'cpu-wait'
        ? `calls took ${formatNumber(diagnostic.stretch)}x longer inside fn in the parallel arm than in the serial arm because the workers waited for a CPU: other load kept them in the run queue ${share(diagnostic.waitedShare)} of their time inside fn; on the CPU they got, calls took ${formatNumber(diagnostic.onCpuStretch)}x as long`
        : `calls took ${formatNumber(diagnostic.stretch)}x longer inside fn in the parallel arm than in the serial arm${diagnostic.onCpu ? ' on the CPU they got' : ''}: the workers compete for something other than CPU time (memory bandwidth, caches, a lock, I/O); more rounds will not change that`
    case 'load': {
      const { onCpuGot } = diagnostic
      return `other load: ${formatBound(diagnostic.measured)}x measured · ${formatBound(onCpuGot.speedup)}x [${formatBound(onCpuGot.low)}–${formatBound(onCpuGot.high)}] on the CPU it got (waited behind other load ${formatPercent(diagnostic.parallelShare)} of the parallel arm, ${formatPercent(diagnostic.serialShare)} of the serial arm)`
    }
    case 'steal':
      return `the hypervisor took ${formatPercent(diagnostic.share)} of this machine's CPU time during the run (steal): the whole VM lost it, so no run-queue delay shows it and it is not corrected`
    case 'load-unmeasured':
      return 'other load could not be measured (the run-queue delay needs Linux and tasks of 1 ms or more), so this verdict is not corrected for it: judge it on a quiet machine'
    case 'level-overridden':
      return `level '${diagnostic.from}' overridden to '${diagnostic.to}' by ${diagnostic.variable}`
    case 'time-budget':
      return `stopped by the time budget (${diagnostic.timeMs} ms) after ${diagnostic.rounds} rounds; raise \`time\` for a decision`
    case 'synchronous-fn':
      return `async ${formatBound(diagnostic.speedup)}x: fn returns no promise, so each call blocks the thread until it ends and no two overlap; only a pool can run it in parallel`
  }
}

/** A row's warnings in words. */
export function warningsOf(result: { diagnostics: readonly Diagnostic[] }): string[] {
  return result.diagnostics.map(diagnosticText)
}

// ── against a stored run ─────────────────────────────────────────────────

function noBaselineText(why: NoBaseline): string {
  return why.kind === 'no-baseline'
    ? 'new, no baseline'
    : `no comparable baseline: its serial arm was '${why.baseline}', now '${why.now}' (\`baseline\` option)`
}

function regressionNoteText(note: RegressionNote): string {
  const loads = (load: OtherLoad): string =>
    `other processes took ${formatCores(load.baseline)} then, ${formatCores(load.now)} now`
  switch (note.kind) {
    case 'efficiency-compared':
      return `efficiency compared, speedup / min(workers, effective cores): ${note.capacityThen} then, ${note.capacityNow} now (${note.coresThen} → ${note.coresNow} effective cores)`
    case 'machine-to-blame':
      return note.load === undefined
        ? 'the workers were starved of CPU by other load, so the machine may be to blame'
        : `the machine was busier than for the baseline and left the pool less CPU than it used then (${loads(note.load)}), so the machine may be to blame`
    case 'like-for-like':
      return `${loads(note.load)}, not enough more to take CPU the pool needed: the runs compare like for like`
    case 'baseline-starved':
      return "the baseline's workers were starved of CPU, so it may understate the speedup"
  }
}

/** One line: baseline → now, the change with its interval, the status, and the notes; or why there is no comparison. */
export function regressionText(regression: Regression): string {
  if (regression.status === 'NEW') return noBaselineText(regression.why)
  const { baseline, now, metric, change, low, high, status, maxRegression, confidence } = regression
  const measuredText = `baseline ${formatSpeedup(baseline.speedup)} → now ${formatSpeedup(now.speedup)}`
  const changeText = `${metric === 'efficiency' ? 'efficiency change' : 'change'} ${formatChange(change)} ${formatChangeInterval(low, high)}`
  const decision = `${status} (maxRegression ${formatPercent(maxRegression, 1)}, ${formatConfidence(confidence)} CI)`
  return [`${measuredText}, ${changeText} ${decision}`, ...regression.notes.map(regressionNoteText)].join('; ')
}

// ── errors ───────────────────────────────────────────────────────────────

const EXPLANATIONS: Partial<Record<ErrorCode, string>> = {
  NOT_CLONEABLE:
    'Inputs and return values cross to the worker by structured clone: functions, class instances with native handles (sockets, streams) and similar values cannot. Return plain data, and build such objects inside fn.',
}

/** What to do about an error with this code, when there is more to say than its message. */
export function errorExplanation(code: ErrorCode): string | undefined {
  return EXPLANATIONS[code]
}
