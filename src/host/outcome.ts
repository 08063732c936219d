// What a bench's verdicts mean for its Vitest test: the annotations to add,
// and whether (and why) the test fails or is skipped. Pure, so every mapping
// of level / strict / expectFaster is unit-tested on synthetic results.
import { budgetOption } from '../analysis/budget.js'
import type { ResolvedOptions } from '../contracts/options.js'
import type { ErrorCode } from '../errors.js'
import { failureMessage, reasonOf } from '../report/summary/facts.js'
import {
  expectFasterFailed,
  expectFasterUntold,
  regressionMessage,
  strictInconclusiveMessage,
  verdictAnnotation,
  warningAnnotations,
} from '../report/summary/outcome.js'
import type { BenchResult, ModelResult } from '../types.js'

export interface Annotation {
  message: string
  type: 'notice' | 'warning'
}

export interface Outcome {
  annotations: Annotation[]
  /** Set when the test must fail. */
  failure?: { code: ErrorCode; message: string } | undefined
  /** Set when every result was SKIPPED: the test is marked skipped with this reason. */
  skipReason?: string | undefined
}

type OutcomeOptions = Pick<
  ResolvedOptions,
  'level' | 'strict' | 'expectFaster' | 'minSpeedup' | 'minEfficiency' | 'workers' | 'confidence'
>

/**
 * A row against its stored baseline (`compareWith`): `level` maps a FAIL as it does a missed
 * budget, `strict` fails an INCONCLUSIVE one, and every comparison is annotated.
 */
function regressionOutcome(
  result: ModelResult,
  options: OutcomeOptions,
  annotations: Annotation[],
  failures: { code: ErrorCode; message: string }[],
): void {
  const { regression } = result
  if (regression === undefined) return
  if (regression.status === 'FAIL' && options.level === 'error') {
    failures.push({ code: 'REGRESSION', message: regressionMessage(result, regression, 'failed') })
  } else if (regression.status === 'INCONCLUSIVE' && options.strict) {
    failures.push({ code: 'INCONCLUSIVE', message: regressionMessage(result, regression, 'strict') })
  }
  if (regression.status === 'FAIL' && options.level === 'off') return
  const attention = regression.status === 'FAIL' || regression.status === 'INCONCLUSIVE'
  annotations.push({ message: regressionMessage(result, regression, 'note'), type: attention ? 'warning' : 'notice' })
}

export function benchOutcome(
  bench: Pick<BenchResult, 'results' | 'ranking'>,
  options: OutcomeOptions,
  effectiveCores: number,
): Outcome {
  const { results, ranking } = bench
  const annotations: Annotation[] = []
  const failures: { code: ErrorCode; message: string }[] = []
  for (const result of results) {
    const { status, target } = result.verdict
    const reason = reasonOf(result)
    const missed = status === 'FAIL' && target !== undefined
    if (missed && options.level === 'error') {
      failures.push({
        code: 'BUDGET_MISSED',
        message: failureMessage(result.model, result, target, budgetOption(options, result.workers), effectiveCores),
      })
    } else if (status === 'INCONCLUSIVE' && options.strict) {
      failures.push({ code: 'INCONCLUSIVE', message: strictInconclusiveMessage(result.model, reason) })
    }
    // Level 'off' reports a missed budget in the table only.
    if (missed && options.level === 'off') continue
    annotations.push({
      message: verdictAnnotation(result, status, reason),
      type: missed || status === 'INCONCLUSIVE' ? 'warning' : 'notice',
    })
    // The HTML reporter and the UI show annotations only: the warnings belong beside the verdict.
    for (const message of warningAnnotations(result)) annotations.push({ message, type: 'warning' })
  }
  for (const result of results) regressionOutcome(result, options, annotations, failures)
  if (options.expectFaster !== undefined) {
    if (ranking !== undefined) {
      const { faster } = ranking
      if (faster !== undefined && faster !== options.expectFaster) {
        failures.push({
          code: 'EXPECTATION_FAILED',
          message: expectFasterFailed(options.expectFaster, { ...ranking, faster }),
        })
      } else if (faster === undefined) {
        annotations.push({ message: expectFasterUntold(options.expectFaster, ranking, false), type: 'warning' })
        if (options.strict) {
          failures.push({ code: 'INCONCLUSIVE', message: expectFasterUntold(options.expectFaster, ranking, true) })
        }
      }
    }
  }
  const [first] = failures
  const allSkipped = results.length > 0 && results.every((r) => r.verdict.status === 'SKIPPED')
  return {
    annotations,
    failure: first === undefined ? undefined : { code: first.code, message: failures.map((f) => f.message).join('\n') },
    skipReason: allSkipped && results[0] !== undefined ? reasonOf(results[0]) : undefined,
  }
}
