// The one formatter: numbers, durations, bytes and confidence levels for every layer that prints
// (the report's views, the sentences of report/summary, error messages), plus the sanitising of
// user-supplied text. Pure functions. The rule for digits, everywhere:
// - a measured ratio: two decimals (`1.93x`, `[1.88–1.97]`), tiny ones two significant digits;
// - a number the user set, or a cap derived from settings: as written, up to two decimals (`1.6x`);
// - a share: a whole percent, or one decimal where a sentence needs it (`formatPercent(x, 1)`);
// - a duration: three significant digits with a unit (`85.0 µs`, `1.23 s`);
// - a confidence level: rounded *down* to 0.1%, so it is never overstated.

const DASH = '–'

/** A placeholder for a value that was not measured. */
export const MISSING = DASH

/** `x` with `digits` significant digits, without exponent notation for the ranges we print. */
function significant(x: number, digits: number): string {
  if (x === 0) return '0'
  const magnitude = Math.floor(Math.log10(Math.abs(x)))
  const decimals = Math.max(0, digits - 1 - magnitude)
  const text = x.toFixed(decimals)
  // 0.99996 rounds up to 1.000: one magnitude more, one decimal fewer.
  return decimals > 0 && Math.abs(Number(text)) >= 10 ** (magnitude + 1) ? x.toFixed(decimals - 1) : text
}

/**
 * A duration given in milliseconds, with a unit that keeps three significant digits:
 * `812 ms`, `42.1 ms`, `1.23 s`, `85.0 µs`, `120 ns`.
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return MISSING
  const abs = Math.abs(ms)
  if (abs >= 1000) return `${significant(ms / 1000, 3)} s`
  if (abs >= 1) return roundedWithUnit(ms, 1000, 'ms', 's')
  if (abs >= 0.001) return roundedWithUnit(ms * 1000, 1000, 'µs', 'ms')
  if (abs === 0) return '0 ms'
  return roundedWithUnit(ms * 1e6, 1000, 'ns', 'µs')
}

// 999.96 ms rounds to "1000 ms" with three significant digits; promote it to the next unit.
function roundedWithUnit(value: number, limit: number, unit: string, nextUnit: string): string {
  const text = significant(value, 3)
  if (Math.abs(Number(text)) >= limit) return `${significant(value / limit, 3)} ${nextUnit}`
  return `${text} ${unit}`
}

/** A number the user set (a budget, a core count), as written: up to two decimals, trailing zeros dropped; `∞` when unbounded. */
export function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '∞'
  return String(Number(value.toFixed(2)))
}

/** A speedup the user asked for, or a cap derived from settings: `1.6x`, `2x`. */
export function formatFactor(value: number): string {
  return `${formatNumber(value)}x`
}

/** A ratio as `1.93x`. */
export function formatSpeedup(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return MISSING
  // Two decimals, but tiny ratios keep two significant digits: 0.0024x, not 0.00x.
  return Math.abs(x) >= 0.1 || x === 0 ? `${x.toFixed(2)}x` : `${significant(x, 2)}x`
}

/** What one speedup adds to another, with its interval, to two decimals: `+0.02x [-0.03–0.06]`. */
export function formatGain(gain: number, low: number, high: number): string {
  const fixed = (x: number): string => {
    if (!Number.isFinite(x)) return formatBound(x)
    const rounded = Number(x.toFixed(2))
    return (rounded === 0 ? 0 : rounded).toFixed(2)
  }
  const text = fixed(gain)
  return `${text.startsWith('-') ? '' : '+'}${text}x [${fixed(low)}–${fixed(high)}]`
}

/**
 * A measured ratio or an interval's bound: two decimals (tiny ones two significant digits), `∞` when
 * unbounded; `null` too, which is what JSON (and so a merged blob report) makes of `Infinity`.
 */
export function formatBound(x: number | null): string {
  if (x === Number.POSITIVE_INFINITY || x === null) return '∞'
  if (x === Number.NEGATIVE_INFINITY) return '-∞'
  if (typeof x !== 'number' || !Number.isFinite(x)) return '?'
  // As the estimate: tiny ratios keep two significant digits ([0.0049–0.0061], not [0.00–0.01]).
  return Math.abs(x) >= 0.1 || x === 0 ? x.toFixed(2) : significant(x, 2)
}

/**
 * A confidence interval as `[1.88–1.97]`; an unbounded one (too few rounds for the
 * confidence asked) as `[0.00–∞]`. JSON, and so Vitest's blob reports, turn `Infinity`
 * into `null`: a `null` upper bound is read as `∞`, the only value that becomes it.
 */
export function formatInterval(low: number, high: number | null): string {
  return `[${formatBound(low)}${DASH}${high === null ? '∞' : formatBound(high)}]`
}

/** A speedup with its interval: `1.93x [1.88–1.97]`. */
export function formatSpeedupWithInterval(speedup: number, low: number, high: number | null): string {
  return `${formatSpeedup(speedup)} ${formatInterval(low, high)}`
}

/** A fraction as a whole percentage: `0.965` → `97%`; with `decimals`, up to that many (`0.125`, 1 → `12.5%`). */
export function formatPercent(fraction: number | undefined, decimals = 0): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return MISSING
  const scale = 10 ** decimals
  return `${String(Math.round(fraction * 100 * scale) / scale)}%`
}

/** A ratio as a signed change in whole percent: `0.63` → `−37%`, `1.05` → `+5%`, `1` → `0%`; unbounded (`null`, ∞) → `+∞%`. */
export function formatChange(ratio: number | null): string {
  if (ratio === null || ratio === Number.POSITIVE_INFINITY) return '+∞%'
  if (!Number.isFinite(ratio)) return MISSING
  const percent = Math.round((ratio - 1) * 100)
  // Unicode minus, as in the rest of the report's sentences; 0 has no sign.
  return percent === 0 ? '0%' : percent < 0 ? `−${-percent}%` : `+${percent}%`
}

/** An interval of changes: `[−45%, −28%]`; an unbounded one `[−100%, +∞%]`. */
export function formatChangeInterval(low: number, high: number | null): string {
  return `[${formatChange(low)}, ${formatChange(high)}]`
}

/** A confidence level, rounded down to 0.1% so it is never overstated: `0.95` → `95%`, `0.95264` → `95.2%`. */
export function formatConfidence(confidence: number): string {
  return `${String(Math.floor(confidence * 1000 + 1e-9) / 10)}%`
}

/** A number of CPU cores, two decimals: `1.34 cores`. */
export function formatCores(cores: number | undefined): string {
  if (cores === undefined || !Number.isFinite(cores)) return MISSING
  return `${cores.toFixed(2)} cores`
}

/** A byte count in binary units: `12.3 MiB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return MISSING
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${Math.round(value)} B`
  const text = significant(value, 3)
  return `${text} ${units[unit]}`
}

// ESC-introduced sequences: CSI (ESC [ … final), OSC / DCS / SOS / PM / APC strings
// (terminated by BEL or ST), and two-/three-byte escapes (ESC c, ESC ( B, ...).
// The 8-bit C1 forms (0x9B CSI, 0x9D OSC, ...) are covered by the same patterns.
const ESCAPE_SEQUENCE = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]?',
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[\\s\\S]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)',
    '\\u001b[ -/]*[0-~]?',
  ].join('|'),
  'g',
)
// Line breaks (incl. Unicode separators) and tabs become a space: a name stays on its line.
const LINE_BREAK = /[\t\n\v\f\r\u0085\u2028\u2029]+/g
// Other C0/C1 controls, DEL, and bidirectional overrides/isolates ("Trojan Source") are removed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Text safe in HTML and XML content and attribute values (the HTML report, the SVG chart):
 * control characters stripped, the five special characters as entities. `quotes: false` for
 * markdown text, which is never inside an attribute and reads better with its apostrophes.
 */
export function escapeEntities(text: string, quotes = true): string {
  const escaped = stripControl(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return quotes ? escaped.replace(/"/g, '&quot;').replace(/'/g, '&#39;') : escaped
}

/**
 * Makes user-supplied text (bench names, error messages) safe to print on one line:
 * removes terminal escape sequences and control characters, and turns line breaks and
 * tabs into spaces. A bench named `"\u001b[2J"` cannot clear the screen, and a name
 * containing `"\n::error::x"` cannot start a line of its own.
 */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(LINE_BREAK, ' ').replace(CONTROL, '')
}
