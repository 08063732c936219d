// How many rounds a sequential test needs before it can decide anything: the defaults and the
// lower bounds of `minRounds` / `maxRounds`, from the sign test's widest interval. Pure.
import { widestCoverage } from './statistics.js'

/**
 * The fewest `maxRounds` whose last look can give a finite interval: the widest sign-test
 * interval, [min, max] of n rounds, covers 1 - 2·0.5^n, which must reach the confidence
 * (6 rounds at 95%; earlier looks may still decide at the per-look level, see `lookPlan`).
 */
export function smallestDecidingMaxRounds(confidence: number, minRounds: number): number {
  return Math.max(minRounds, firstFiniteRound(confidence))
}

/** The first round whose widest interval covers `confidence`. */
function firstFiniteRound(confidence: number): number {
  let rounds = 1
  while (widestCoverage(rounds) < confidence) rounds++
  return rounds
}

/**
 * The default `minRounds`: the first round where every round on one side decides, with that
 * early look spending at most half the error budget (7 rounds at 95%: 1.6% of 5%; 8 for each
 * row of a two-row test). Starting at the first round that can decide at all (6 at 95%) would
 * spend 3.1% there and leave too little for the later looks, slowing every close call.
 */
export function firstDecidingRound(rowConfidence: number): number {
  let rounds = 1
  while (1 - widestCoverage(rounds) > (1 - rowConfidence) / 2) rounds++
  return rounds
}
