import { describe, expect, test } from 'vitest'
import { modelCurves } from '../../../src/report/curves.js'
import {
  annotationCommands,
  escapeData,
  escapeProperty,
  markdownText,
  stepSummaryMarkdown,
} from '../../../src/report/github.js'
import { recommendation } from '../../../src/report/summary/advice.js'
import { environmentLine } from '../../../src/report/summary/labels.js'
import type { BenchResult } from '../../../src/types.js'
import {
  environment,
  erroredBench,
  failingBench,
  HOSTILE_NAME,
  hostileBench,
  scalingBench,
  skippedBench,
  threadsWinCompare,
} from '../../support/synthetic-results.js'

/** The same bench with every result's coverage set to `confidence`. */
function withConfidence(bench: BenchResult, confidence: number): BenchResult {
  return { ...bench, results: bench.results.map((r) => ({ ...r, estimate: { ...r.estimate, confidence } })) }
}

describe('escaping workflow commands (as @actions/core does)', () => {
  test('escapeData encodes %, CR and LF', () => {
    expect(escapeData('100% done\r\n::error::pwned')).toBe('100%25 done%0D%0A::error::pwned')
    expect(escapeData('%0A')).toBe('%250A')
  })

  test('escapeProperty also encodes : and ,', () => {
    expect(escapeProperty('a:b,c%\n::error::x')).toBe('a%3Ab%2Cc%25%0A%3A%3Aerror%3A%3Ax')
  })
})

describe('annotationCommands', () => {
  test('FAIL at level error → ::error, FAIL at warn and INCONCLUSIVE → ::warning, SKIPPED → ::notice', () => {
    expect(
      annotationCommands([threadsWinCompare(), failingBench('error'), failingBench('warn'), skippedBench()]),
    ).toEqual([
      '::warning file=bench/hash.bench.ts,title=sha256 of 1 MiB chunks [threads vs processes]::INCONCLUSIVE processes ×2, speedup 1.58x [1.55–1.61]: Speedup 1.58x (95%25 CI 1.55–1.61x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.',
      '::error file=bench/hash.bench.ts,title=gzip blocks [processes]::FAIL processes ×2, speedup 1.21x [1.15–1.27]: Speedup 1.21x (95%25 CI 1.15–1.27x) is below minSpeedup 1.6x.',
      '::warning file=bench/hash.bench.ts,title=gzip blocks [processes]::FAIL processes ×2, speedup 1.21x [1.15–1.27]: Speedup 1.21x (95%25 CI 1.15–1.27x) is below minSpeedup 1.6x.',
      '::notice file=bench/hash.bench.ts,title=brotli [threads]::SKIPPED threads ×2, speedup 1.90x [1.85–1.95]: `minSpeedup` 3 needs ≥ 3 cores, this machine has 2 effective cores',
    ])
  })

  test('nothing at level off, for PASS / MEASURED, or for an errored bench', () => {
    expect(annotationCommands([failingBench('off'), scalingBench(), erroredBench()])).toEqual([])
  })

  test('a hostile name or message stays one command on one line', () => {
    const commands = annotationCommands([hostileBench()])
    expect(commands).toEqual([
      '::error file=bench/a%2Cb%3Ac.bench.ts,title=evil | <img src=x> `code` 100%25 a%3Ab%2Cc %3A%3Aerror%3A%3Apwned [threads]::FAIL threads ×2, speedup 1.21x [1.15–1.27]: Speedup 1.21x (95%25 CI 1.15–1.27x) is below minSpeedup 1.6x.',
    ])
    const [command] = commands as [string]
    for (const character of ['\r', '\n', '\u001b']) expect(command).not.toContain(character)
    // The properties end at the first "::" after the command name.
    expect(command.indexOf('::', 2)).toBe(command.indexOf('::FAIL'))
  })
})

describe('markdownText', () => {
  test('a name cannot break the table, open code, inject HTML or a link', () => {
    expect(markdownText('a | b')).toBe('a \\| b')
    expect(markdownText('`x`')).toBe('\\`x\\`')
    expect(markdownText('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(markdownText('[click](https://evil)')).toBe('\\[click\\](https://evil)')
    expect(markdownText('*bold* _it_ ~s~ \\')).toBe('\\*bold\\* \\_it\\_ \\~s\\~ \\\\')
    expect(markdownText('a\n| --- |\u001b[2J')).toBe('a \\| --- \\|')
    expect(markdownText(HOSTILE_NAME)).toBe('evil \\| &lt;img src=x&gt; \\`code\\` 100% a:b,c ::error::pwned')
  })
})

describe('stepSummaryMarkdown confidence labels', () => {
  test('one label in the header when every row shares it, floored', () => {
    const markdown = stepSummaryMarkdown([withConfidence(threadsWinCompare(), 0.95264)], environment)
    expect(markdown).toContain('speedup [95.2% CI]')
  })

  test('each row its own label when benches differ', () => {
    const markdown = stepSummaryMarkdown(
      [withConfidence(threadsWinCompare(), 0.95264), withConfidence(failingBench('warn'), 0.99)],
      environment,
    )
    expect(markdown).toContain('speedup [CI]')
    expect(markdown).toMatch(/\| 1\.\d+x \[[\d.–]+\] \(95\.2%\) \|/)
    expect(markdown).toMatch(/\| 1\.21x \[1\.15–1\.27\] \(99%\) \|/)
  })
})

describe('stepSummaryMarkdown', () => {
  test('the environment line is the one every report writes, in the singular for one core', () => {
    const single = { ...environment, cores: 1, effectiveCores: 1 }
    const [, , line] = stepSummaryMarkdown([], single).split('\n')
    expect(line).toBe(markdownText(environmentLine(single)))
    expect(line).toMatch(/ · 1 core · 1 effective$/)
  })

  test('a table row per model, notes with the recommendation', () => {
    const benches = [threadsWinCompare(), failingBench('warn'), erroredBench()]
    const markdown = stepSummaryMarkdown(benches, environment)
    // One table row per measured (bench, model, workers), one for the errored bench, plus header and rule.
    const table = markdown.split('\n').filter((line) => line.startsWith('| ') && !line.includes('Against the baseline'))
    expect(table).toHaveLength(2 + benches.reduce((rows, b) => rows + b.results.length + (b.error ? 1 : 0), 0))
    for (const bench of benches) {
      const advice = recommendation(bench)
      if (advice !== undefined) expect(markdown).toContain(markdownText(advice))
    }
    expect(
      stepSummaryMarkdown([threadsWinCompare(), failingBench('warn'), erroredBench()], environment),
    ).toMatchInlineSnapshot(`
      "## Parallel bench

      Node v20.19.0 · linux x64 · Vitest 4.1.12 · CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective

      | bench | model | workers | speedup [95% CI] | net vs inline | efficiency | startup/worker | round-trip/task | memory/worker | verdict |
      | :-- | :-- | --: | --: | --: | --: | --: | --: | --: | :-- |
      | sha256 of 1 MiB chunks \\[threads vs processes\\] | threads | 2 | 1.93x [1.90–1.96] | 1.90x | 97% | 72.0 ms | 85.0 µs | 8.50 MiB | ✅ PASS ≥1.60x |
      |  | processes | 2 | 1.58x [1.55–1.61] | 1.55x | 79% | 232 ms | 120 µs | 48.0 MiB | ⚠️ INCONCLUSIVE ≥1.60x |
      | gzip blocks \\[processes\\] | processes | 2 | 1.21x [1.15–1.27] | – | 61% | 232 ms | 120 µs | 52.0 MiB | ❌ FAIL ≥1.60x (warn) |
      | broken parser \\[threads\\] | – | – | – | – | – | – | – | – | ❌ ERROR TASK\\_FAILED |

      - **sha256 of 1 MiB chunks \\[threads vs processes\\]**: threads 1.93x vs processes 1.58x: prefer threads; threads' parallel batch 0.83x \\[0.76–0.90\\] (95.2% CI) of processes'; processes cost 160 ms more to start
        - ⚠️ INCONCLUSIVE processes ×2: Speedup 1.58x (95% CI 1.55–1.61x) straddles minSpeedup 1.6x: more rounds or a quieter machine would decide it.
        - 📈 threads on more cores, predicted by Amdahl's law (serial fraction 0.036 \\[0.020–0.053\\]), a model, not a measurement: 4 workers 3.61x \\[3.45–3.77\\], 8 workers 6.38x \\[5.85–7.00\\]
        - 📈 processes on more cores, predicted by Amdahl's law (serial fraction 0.266 \\[0.242–0.290\\]), a model, not a measurement: 4 workers 2.23x \\[2.14–2.32\\], 8 workers 2.80x \\[2.64–2.97\\]
      - **gzip blocks \\[processes\\]**: processes 1.21x \\[1.15–1.27\\] on 2 workers (61% efficiency)
        - ❌ FAIL processes ×2: Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.
        - 📈 processes on more cores, predicted by Amdahl's law (serial fraction 0.653 \\[0.575–0.739\\]), a model, not a measurement: 4 workers 1.35x \\[1.24–1.47\\], 8 workers 1.44x \\[1.30–1.59\\]
      - **broken parser \\[threads\\]**
        - ❌ ERROR TASK\\_FAILED: fn threw: Unexpected token } in JSON at position 3     at parse (parser.ts:3:9)

      #### sha256 of 1 MiB chunks \\[threads vs processes\\]

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #8c959f, #bc4c00"}}}}%%
      xychart-beta
          title "sha256 of 1 MiB chunks threads: speedup vs workers"
          x-axis "workers [interval]" ["1 (serial)", "2 (1.90–1.96)"]
          y-axis "speedup (x)" 0 --> 2
          bar [1.00, 1.93]
          line [1, 2]
          line [1.00, 1.93]
      \`\`\`

      threads: blue bars, measured speedup (its interval under each bar); grey line, ideal (speedup = workers); orange line, Amdahl fit. Amdahl serial fraction 0.036: at most 27.57x on any number of workers.

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #8c959f, #bc4c00"}}}}%%
      xychart-beta
          title "sha256 of 1 MiB chunks processes: speedup vs workers"
          x-axis "workers [interval]" ["1 (serial)", "2 (1.55–1.61)"]
          y-axis "speedup (x)" 0 --> 2
          bar [1.00, 1.58]
          line [1, 2]
          line [1.00, 1.58]
      \`\`\`

      processes: blue bars, measured speedup (its interval under each bar); grey line, ideal (speedup = workers); orange line, Amdahl fit. Amdahl serial fraction 0.266: at most 3.76x on any number of workers.

      <details><summary>Batch time per round</summary>

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#79b8ff, #0550ae, #ffb77c, #953800"}}}}%%
      xychart-beta
          title "sha256 of 1 MiB chunks: batch time per round"
          x-axis "round" ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
          y-axis "batch time (ms)" 0 --> 882
          line [800.00, 808.00, 792.00, 816.00, 784.00, 824.00, 776.00, 832.00, 768.00, 840.00]
          line [414.51, 418.65, 410.36, 422.80, 406.22, 426.94, 402.07, 431.09, 397.93, 435.23]
          line [800.00, 792.00, 808.00, 784.00, 816.00, 776.00, 824.00, 768.00, 832.00, 760.00]
          line [506.33, 501.27, 511.39, 496.20, 516.46, 491.14, 521.52, 486.08, 526.58, 481.01]
      \`\`\`

      threads ×2: serial light blue, parallel dark blue; processes ×2: serial light orange, parallel dark orange.

      </details>

      #### gzip blocks \\[processes\\]

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #8c959f, #bc4c00"}}}}%%
      xychart-beta
          title "gzip blocks processes: speedup vs workers"
          x-axis "workers [interval]" ["1 (serial)", "2 (1.15–1.27)"]
          y-axis "speedup (x)" 0 --> 2
          bar [1.00, 1.21]
          line [1, 2]
          line [1.00, 1.21]
      \`\`\`

      processes: blue bars, measured speedup (its interval under each bar); grey line, ideal (speedup = workers); orange line, Amdahl fit. Amdahl serial fraction 0.653: at most 1.53x on any number of workers.

      <details><summary>Batch time per round</summary>

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#79b8ff, #0550ae"}}}}%%
      xychart-beta
          title "gzip blocks: batch time per round"
          x-axis "round" ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
          y-axis "batch time (ms)" 0 --> 874
          line [800.00, 792.00, 808.00, 784.00, 816.00, 776.00, 824.00, 768.00, 832.00, 760.00]
          line [661.16, 654.55, 667.77, 647.93, 674.38, 641.32, 680.99, 634.71, 687.60, 628.10]
      \`\`\`

      processes ×2: serial light blue, parallel dark blue.

      </details>
      "
    `)
  })

  test('every bench gets mermaid xychart-beta charts: speedup vs workers (ideal, fit, intervals) and, folded, batch time per round', () => {
    const bench = scalingBench()
    const markdown = stepSummaryMarkdown([bench], environment, { levelOverride: 'off' })
    // A speedup chart per model, and one rounds chart per bench, folded.
    expect(markdown.match(/```mermaid/g)).toHaveLength(modelCurves(bench).length + 1)
    expect(markdown).toContain('<details><summary>Batch time per round</summary>')
    for (const p of bench.results) expect(markdown).toContain(`"${p.workers} (`)
    expect(stepSummaryMarkdown([scalingBench()], environment, { levelOverride: 'off' })).toMatchInlineSnapshot(`
      "## Parallel bench

      Node v20.19.0 · linux x64 · Vitest 4.1.12 · CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective

      > Level overridden to 'off' for this run by VITEST\\_PARALLEL\\_BENCH\\_LEVEL: missed budgets are reported only.

      | bench | model | workers | speedup [95% CI] | net vs inline | efficiency | startup/worker | round-trip/task | memory/worker | verdict |
      | :-- | :-- | --: | --: | --: | --: | --: | --: | --: | :-- |
      | mandelbrot rows \\[threads\\] | threads | 1 | 1.00x [0.99–1.01] | – | 100% | 72.0 ms | 85.0 µs | – | ℹ️ MEASURED |
      |  | threads | 2 | 1.82x [1.78–1.86] | – | 91% | 72.0 ms | 85.0 µs | – | ℹ️ MEASURED |
      |  | threads | 4 | 3.08x [3.00–3.16] | – | 77% | 72.0 ms | 85.0 µs | – | ℹ️ MEASURED |

      - **mandelbrot rows \\[threads\\]**: threads: use 4 workers (3.08x); smaller pools measured more than 10% below it

      #### mandelbrot rows \\[threads\\]

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #8c959f, #bc4c00"}}}}%%
      xychart-beta
          title "mandelbrot rows threads: speedup vs workers"
          x-axis "workers [interval]" ["1 (0.99–1.01)", "2 (1.78–1.86)", "4 (3.00–3.16)"]
          y-axis "speedup (x)" 0 --> 4
          bar [1.00, 1.82, 3.08]
          line [1, 2, 4]
          line [1.00, 1.82, 3.08]
      \`\`\`

      threads: blue bars, measured speedup (its interval under each bar); grey line, ideal (speedup = workers); orange line, Amdahl fit. Amdahl serial fraction 0.100: at most 10.00x on any number of workers.

      <details><summary>Batch time per round</summary>

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#79b8ff, #0550ae, #ffb77c, #953800, #6fdd8b, #116329"}}}}%%
      xychart-beta
          title "mandelbrot rows: batch time per round"
          x-axis "round" ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
          y-axis "batch time (ms)" 0 --> 882
          line [800.00, 808.00, 792.00, 816.00, 784.00, 824.00, 776.00, 832.00, 768.00, 840.00]
          line [800.00, 808.00, 792.00, 816.00, 784.00, 824.00, 776.00, 832.00, 768.00, 840.00]
          line [800.00, 808.00, 792.00, 816.00, 784.00, 824.00, 776.00, 832.00, 768.00, 840.00]
          line [440.00, 444.40, 435.60, 448.80, 431.20, 453.20, 426.80, 457.60, 422.40, 462.00]
          line [800.00, 808.00, 792.00, 816.00, 784.00, 824.00, 776.00, 832.00, 768.00, 840.00]
          line [260.00, 262.60, 257.40, 265.20, 254.80, 267.80, 252.20, 270.40, 249.60, 273.00]
      \`\`\`

      threads ×1: serial light blue, parallel dark blue; threads ×2: serial light orange, parallel dark orange; threads ×4: serial light green, parallel dark green.

      </details>
      "
    `)
  })

  test('every table row of a hostile bench has exactly the columns of the header', () => {
    const markdown = stepSummaryMarkdown([hostileBench(), scalingBench()], environment)
    const rows = markdown.split('\n').filter((line) => line.startsWith('|'))
    const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length
    const header = rows[0] as string
    for (const row of rows) expect(cells(row)).toBe(cells(header))
    expect(markdown).not.toContain('<img')
    expect(markdown).not.toContain('\u001b')
    expect(markdown).not.toMatch(/^::/m)
  })

  test('a hostile name cannot close the mermaid block or its title string', () => {
    const bench = scalingBench()
    bench.name = 'x"```\n</script>;#quot;'
    bench.fullName = `${bench.name} [threads]`
    const markdown = stepSummaryMarkdown([bench], environment)
    const chart = markdown.slice(markdown.indexOf('```mermaid'))
    expect(chart.split('\n').slice(0, 4)).toEqual([
      '```mermaid',
      expect.stringMatching(/^%%\{init: /),
      'xychart-beta',
      '    title "x /script quot threads: speedup vs workers"',
    ])
    expect(markdown).toContain('    title "x /script quot: batch time per round"')
    // Two charts (scaling, rounds), each opened and closed: nothing of the name ends a block.
    expect(markdown.match(/```/g)).toHaveLength(4)
    expect(markdown).not.toContain('</script>')
  })
})
