// The curve across machines in words: its title, one line per measured point, the fit, the
// predictions left where no machine measured, and the note where the machines differ.
import type { MachineCurve, MachinePoint, SerialFractionVerdict } from '../../analysis/machines.js'
import { formatDuration, formatPercent, formatSpeedupWithInterval, stripControl } from '../../format.js'
import type { EnvironmentInfo } from '../../types.js'

/** `scale spin [threads] · threads across 3 machines` */
export function curveTitle(curve: MachineCurve): string {
  return `${stripControl(curve.bench)} · ${curve.model} across ${curve.machines.length} machines`
}

/** `cpu0,1  ×2  1.93x [1.88–1.97]  efficiency 97% [94–99%]`, as columns. */
export function pointCells(point: MachinePoint): string[] {
  const high = Number.isFinite(point.efficiencyHigh) ? formatPercent(point.efficiencyHigh) : '∞'
  return [
    stripControl(point.machine),
    `×${point.workers}`,
    formatSpeedupWithInterval(point.speedup, point.low, Number.isFinite(point.high) ? point.high : null),
    `${formatPercent(point.efficiency)} [${formatPercent(point.efficiencyLow)}–${high}]`,
  ]
}

/** The fit across every machine's points, and what it predicts where none measured. */
export function curveFitSentence(curve: MachineCurve): string {
  const fit = curve.serialFraction
  if (fit === undefined) return 'Amdahl serial fraction across machines: not enough points'
  const predicted =
    curve.predictions.length === 0
      ? ''
      : `; predicted, not measured: ${curve.predictions.map((p) => `${p.workers} workers ${formatSpeedupWithInterval(p.speedup, p.low, p.high)}`).join(', ')}`
  return `Amdahl serial fraction across machines ${fit.value.toFixed(3)} [${fit.low.toFixed(3)}–${fit.high.toFixed(3)}]${predicted}`
}

/**
 * Where machines differ in CPU model or single-core speed, each point's speedup is still against
 * its own machine's serial arm, but the curve mixes machines: the note says so, with each
 * machine's serial-arm time per task. `undefined` when the machines are alike.
 */
export function curveDifferNote(curve: MachineCurve): string | undefined {
  if (!curve.differ.cpu && !curve.differ.singleCore) return undefined
  const what = curve.differ.cpu ? 'CPU models' : 'single-core speed'
  const each = curve.machines
    .map(
      (m) =>
        `${stripControl(m.machine)} ${formatDuration(m.serialMsPerTask)}${curve.differ.cpu ? ` (${stripControl(m.cpu)})` : ''}`,
    )
    .join(', ')
  return `machines differ in ${what}: each speedup is against its own machine's serial arm; serial arm per task: ${each}`
}

/** `measured on cpu0,1 · AMD EPYC · 2 effective cores`: the machine a labelled bench's verdicts were judged on. */
export function measuredOnLine(env: EnvironmentInfo): string {
  const label = env.label === undefined ? '' : ` ${stripControl(env.label)} ·`
  return `measured on${label} ${stripControl(env.cpu)} · ${env.effectiveCores} effective ${env.effectiveCores === 1 ? 'core' : 'cores'}`
}

/** The column titles of a curve's points. */
export const CURVE_COLUMNS = ['machine', 'workers', 'speedup [CI]', 'efficiency [CI]'] as const

/**
 * The gate's verdict on a curve, naming the machines it was judged on:
 * `FAIL maxSerialFraction 0.05: serial fraction across machines 0.120 [0.100–0.140], judged on a ×4, b ×8`.
 */
export function serialFractionVerdictText(curve: MachineCurve, max: number, verdict: SerialFractionVerdict): string {
  const fit = curve.serialFraction
  const measured =
    fit === undefined
      ? 'no serial fraction could be fitted'
      : `serial fraction across machines ${fit.value.toFixed(3)} [${fit.low.toFixed(3)}–${fit.high.toFixed(3)}]`
  const how = { PASS: 'at or below it', FAIL: 'above it', INCONCLUSIVE: 'not clearly above or below it' }[verdict]
  const machines = curve.machines
    .map(
      (m) => `${stripControl(m.machine)} (${m.effectiveCores} effective ${m.effectiveCores === 1 ? 'core' : 'cores'})`,
    )
    .join(', ')
  return `${verdict} maxSerialFraction ${max}: ${measured}, ${how}; judged on ${machines}`
}

/** The merge run's failure: every curve above the gate, one per line. */
export function serialFractionFailure(lines: readonly string[]): string {
  return `the curve across machines says the code stops scaling:\n${lines.map((line) => `  ${line}`).join('\n')}`
}

/** A bench's title with the machine that measured it, where a label names one: `spin [threads] on 8-cores`. */
export function titleOnMachine(title: string, env: EnvironmentInfo | undefined): string {
  return env?.label === undefined ? title : `${title} on ${stripControl(env.label)}`
}

/** `merged from 2 machines: small, large; each bench names the one that measured it`; undefined for one machine. */
export function mergedMachinesLine(labels: readonly string[]): string | undefined {
  if (labels.length < 2) return undefined
  return `merged from ${labels.length} machines: ${labels.map(stripControl).join(', ')}; each bench names the one that measured it`
}
