// The words of a bench test's own outcome: its annotations (the HTML reporter and the UI show only
// these) and the message it fails with. host/outcome.ts decides which apply; this says them.
import type { Model, ModelRanking, ModelResult, Regression, VerdictStatus } from '../../types.js'
import { diagnosticText, rankingText, regressionText } from './facts.js'
import { rowLabel } from './labels.js'

const STRICT = 'inconclusive, and strict mode fails inconclusive results'

/** `threads ×2: PASS — Speedup 1.93x … reaches minSpeedup 1.6x.` */
export function verdictAnnotation(result: ModelResult, status: VerdictStatus, reason: string): string {
  return `${rowLabel(result)}: ${status} — ${reason}`
}

/** Each warning of a row, beside its verdict. */
export function warningAnnotations(result: ModelResult): string[] {
  return result.diagnostics.map((diagnostic) => `${rowLabel(result)}: ${diagnosticText(diagnostic)}`)
}

/** An INCONCLUSIVE row under `strict`. */
export function strictInconclusiveMessage(model: Model, reason: string): string {
  return `${model}: ${STRICT} — ${reason}`
}

/** A row against its stored run: the failure (`failed`), the strict failure (`strict`) or the annotation. */
export function regressionMessage(
  result: ModelResult,
  regression: Regression,
  as: 'failed' | 'strict' | 'note',
): string {
  const row = rowLabel(result)
  const reason = regressionText(regression)
  switch (as) {
    case 'failed':
      return `${row} regressed against the baseline: ${reason}`
    case 'strict':
      return `${row} against the baseline: ${STRICT} — ${reason}`
    case 'note':
      return `${row} vs baseline: ${reason}`
  }
}

function rankingWords(ranking: ModelRanking): string {
  return `threads' parallel batch took ${rankingText(ranking)} of processes' at ${ranking.workers} workers`
}

/** `expectFaster` contradicted by the ranking. */
export function expectFasterFailed(expected: Model, ranking: ModelRanking & { faster: Model }): string {
  return `expectFaster: '${expected}', but ${ranking.faster} are faster: ${rankingWords(ranking)}`
}

/** `expectFaster` that the ranking cannot tell; `strict` for the failure strict mode makes of it. */
export function expectFasterUntold(expected: Model, ranking: ModelRanking, strict: boolean): string {
  const untold = `expectFaster: '${expected}' cannot be told: ${rankingWords(ranking)}`
  return strict ? `${untold}, and strict mode fails inconclusive results` : untold
}
