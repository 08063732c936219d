import { createColors } from 'picocolors'
import { describe, expect, test } from 'vitest'
import {
  formatBound,
  formatBytes,
  formatConfidence,
  formatDuration,
  formatPercent,
  formatSpeedup,
  formatSpeedupWithInterval,
  stripControl,
} from '../../../src/format.js'
import { curveSerialFraction } from '../../../src/report/curves.js'
import { predictionSentences, recommendation } from '../../../src/report/summary/advice.js'
import { diagnosticText, reasonOf } from '../../../src/report/summary/facts.js'
import { levelOverrideSentence } from '../../../src/report/summary/labels.js'
import { idealBar, renderReport } from '../../../src/report/terminal.js'
import type { BenchResult, ModelResult } from '../../../src/types.js'
import {
  benchResult,
  environment,
  erroredBench,
  failingBench,
  hostileBench,
  modelResult,
  notPayingBench,
  overlappingCompare,
  processesWinCompare,
  scalingBench,
  skippedBench,
  threadsWinCompare,
} from '../../support/synthetic-results.js'

const plain = createColors(false)
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// C0 except line feed, DEL and C1: what must never reach the terminal from a name.
const isControl = (character: string): boolean => {
  const code = character.codePointAt(0) ?? 0
  return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f)
}
const render = (results: BenchResult[], levelOverride?: string) =>
  renderReport(results, environment, plain, levelOverride === undefined ? {} : { levelOverride })

const everything = (): BenchResult[] => [
  threadsWinCompare(),
  overlappingCompare(),
  processesWinCompare(),
  notPayingBench(),
  scalingBench(),
  failingBench('warn'),
  skippedBench(),
  erroredBench(),
  hostileBench(),
]

/** The report with wrapped sentences joined again: no line is wider than 100 columns, a sentence may be. */
function unwrapped(text: string): string {
  return text.replace(/\n {4}(?=\S)/g, ' ')
}

describe('format', () => {
  test('durations keep three significant digits and switch units', () => {
    expect([812.4, 42.13, 1.234, 999.96, 1234, 0.085, 0.0001, 0, undefined].map(formatDuration)).toEqual([
      '812 ms',
      '42.1 ms',
      '1.23 ms',
      '1.00 s',
      '1.23 s',
      '85.0 µs',
      '100 ns',
      '0 ms',
      '–',
    ])
  })

  test('speedups, intervals, percentages and bytes', () => {
    expect(formatSpeedup(1.934)).toBe('1.93x')
    expect(formatSpeedup(0.0024)).toBe('0.0024x')
    expect(formatSpeedupWithInterval(1.93, 1.88, 1.97)).toBe('1.93x [1.88–1.97]')
    // A merged blob report carries an unbounded interval's Infinity as null.
    expect(formatSpeedupWithInterval(1.93, 0, null)).toBe('1.93x [0.00–∞]')
    expect([Number.POSITIVE_INFINITY, null, Number.NaN].map(formatBound)).toEqual(['∞', '∞', '?'])
    expect(formatPercent(0.965)).toBe('97%')
    expect([512, 2048, 8.5 * 1024 * 1024, 3 * 1024 ** 3, undefined].map(formatBytes)).toEqual([
      '512 B',
      '2.00 KiB',
      '8.50 MiB',
      '3.00 GiB',
      '–',
    ])
  })

  test('stripControl removes escape sequences and control characters, and keeps text on one line', () => {
    expect(stripControl('\u001b[2J')).toBe('')
    expect(stripControl('a\u001b[31mred\u001b[0m b')).toBe('ared b')
    expect(stripControl('x\u001b]0;window title\u0007y')).toBe('xy')
    expect(stripControl('x\u001b]8;;https://evil\u001b\\link\u001b]8;;\u001b\\y')).toBe('xlinky')
    expect(stripControl('bell\u0007 nul\u0000 del\u007f c1\u009b2J')).toBe('bell nul del c1')
    expect(stripControl('a\n::error::pwned')).toBe('a ::error::pwned')
    expect(stripControl('a\r\n\tb\u2028c')).toBe('a b c')
    expect(stripControl('admin\u202euser')).toBe('adminuser')
    expect(stripControl('plain – text ×2 µs')).toBe('plain – text ×2 µs')
  })
})

describe('fitting the terminal', () => {
  const plain = createColors(false)

  test('a narrow terminal gets the deciding columns, the rest folded under each row, sentences wrapped', () => {
    const report = renderReport([threadsWinCompare()], environment, plain, { width: 80 })
    // At 80 columns even the bar beside the speedup gives way; at 100 it stays.
    expect(report).toContain('  model      workers   speedup [95% CI]  net vs inline  verdict')
    const wider = renderReport([threadsWinCompare()], environment, plain, { width: 100 })
    expect(wider).toContain('  model      workers   speedup [95% CI]  vs ideal  net vs inline  verdict')
    expect(report).toMatch(/^ {6}serial 804 ms · parallel 417 ms · efficiency 97%/m)
    // Folded at the separators, never inside "10 rounds".
    expect(report).not.toMatch(/ 10\n/)
    for (const line of report.split('\n')) expect([...line].length).toBeLessThanOrEqual(80)
  })

  test('beside other load, the speedup the verdict rests on is folded right under its row', () => {
    const bench = threadsWinCompare()
    const [threads] = bench.results
    if (threads === undefined) throw new Error('fixture without a threads row')
    threads.onCpuGot = { speedup: 1.93, low: 1.59, high: 2.12, confidence: 0.95 }
    threads.verdict = { ...threads.verdict, basis: 'on-cpu-got' }
    const report = renderReport([bench], environment, plain, { width: 100 })
    expect(report).toMatch(/^ {6}verdict on the CPU it got: 1\.93x \[1\.59–2\.12\] · serial 804 ms/m)
    // The processes row was judged as measured: nothing added under it.
    expect(report.match(/verdict on the CPU it got/g)).toHaveLength(1)
  })

  test('a wide terminal still gets no line over 100 columns; verbose gets every column in one row', () => {
    const longError = {
      code: 'TASK_FAILED' as const,
      message: `RangeError: ${'an option named and explained '.repeat(10)}`,
    }
    const errored = { ...erroredBench(), error: longError }
    const wide = renderReport([threadsWinCompare(), errored], environment, plain, { width: 300 })
    expect(Math.max(...wide.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100)
    expect(wide).not.toContain('serial/batch  parallel/batch')
    const verbose = renderReport([threadsWinCompare()], environment, plain, { width: 80, verbose: true })
    expect(verbose).toContain('serial/batch  parallel/batch')
    expect(verbose).toMatch(/^ {2}threads +2 +804 ms +417 ms +1\.93x \[1\.90–1\.96\]/m)
  })
})

describe('speedup against the ideal', () => {
  test('a bar of eighths: full at the ideal, dots for the rest, full past it, none when not a number', () => {
    const text = (efficiency: number) => {
      const bar = idealBar(efficiency)
      return bar === undefined ? undefined : bar.filled + bar.empty
    }
    expect([1, 0.5, 0.97, 0, 1.3, 1 / 64].map(text)).toEqual([
      '████████',
      '████····',
      '███████▊',
      '········',
      '████████',
      '▏·······',
    ])
    expect(text(Number.NaN)).toBeUndefined()
    for (const efficiency of [0, 0.01, 0.33, 0.5, 0.99, 1, 2]) expect([...(text(efficiency) ?? '')]).toHaveLength(8)
  })

  test('beside each row: plain characters without colours, the filled part coloured with them', () => {
    const bench = threadsWinCompare()
    const plainReport = renderReport([bench], environment, plain, { width: 100 })
    expect(plainReport).toMatch(/^ {2}threads +2 +1\.93x \[1\.90–1\.96\] +███████▊ +1\.90x +PASS/m)
    expect(plainReport).toMatch(/^ {2}processes +2 +1\.58x \[1\.55–1\.61\] +██████▍· +1\.55x +INCONCLUSIVE/m)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour codes is the point.
    expect(plainReport).not.toMatch(/\u001b\[/)
    const colours = createColors(true)
    const coloured = renderReport([bench], environment, colours, { width: 100 })
    expect(coloured).toContain(colours.cyan('███████▊'))
    expect(coloured).toContain(`${colours.cyan('██████▍')}${colours.dim('·')}`)
  })
})

describe('formatConfidence', () => {
  test('rounds down, so a coverage is never overstated', () => {
    expect(formatConfidence(0.95)).toBe('95%')
    expect(formatConfidence(0.95264)).toBe('95.2%')
    expect(formatConfidence(0.97852)).toBe('97.8%')
    expect(formatConfidence(0.9999)).toBe('99.9%')
    expect(formatConfidence(1)).toBe('100%')
  })
})

describe('renderReport', () => {
  test('a threads-vs-processes bench: header, table side by side, notes, recommendation, legend', () => {
    // Structure first, from the data: a row per model with its interval, the reason of the
    // undecided row, the recommendation; then the whole page as it reads.
    const bench = threadsWinCompare()
    const wide = renderReport([bench], environment, plain, { width: 400 })
    for (const r of bench.results) {
      const interval = formatSpeedupWithInterval(r.estimate.speedup, r.estimate.low, r.estimate.high)
      expect(wide).toMatch(new RegExp(`^  ${r.model} +${r.workers} .* ${escapeRegExp(interval)} `, 'm'))
    }
    expect(unwrapped(wide)).toContain(`  INCONCLUSIVE processes ×2: ${reasonOf(bench.results[1] as ModelResult)}`)
    expect(unwrapped(wide)).toContain(`  → ${recommendation(bench)}`)
    expect(render([threadsWinCompare()])).toMatchInlineSnapshot(`
      "Parallel bench  Node v20.19.0 · linux x64 · Vitest 4.1.12
      CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective

      ● sha256 of 1 MiB chunks [threads vs processes]  bench/hash.bench.ts
        model      workers   speedup [95% CI]  vs ideal  net vs inline  verdict
        threads          2  1.93x [1.90–1.96]  ███████▊          1.90x  PASS ≥1.60x
            serial 804 ms · parallel 417 ms · efficiency 97% · startup 72.0 ms · round trip 85.0 µs
            memory 8.50 MiB · 10 rounds
        processes        2  1.58x [1.55–1.61]  ██████▍·          1.55x  INCONCLUSIVE ≥1.60x
            serial 796 ms · parallel 504 ms · efficiency 79% · startup 232 ms · round trip 120 µs
            memory 48.0 MiB · 10 rounds
        INCONCLUSIVE processes ×2: Speedup 1.58x (95% CI 1.55–1.61x) straddles minSpeedup 1.6x: more
          rounds or a quieter machine would decide it.
        ~ threads on more cores, predicted by Amdahl's law (serial fraction 0.036 [0.020–0.053]), a model,
          not a measurement: 4 workers 3.61x [3.45–3.77], 8 workers 6.38x [5.85–7.00]
        ~ processes on more cores, predicted by Amdahl's law (serial fraction 0.266 [0.242–0.290]), a
          model, not a measurement: 4 workers 2.23x [2.14–2.32], 8 workers 2.80x [2.64–2.97]
        → threads 1.93x vs processes 1.58x: prefer threads; threads' parallel batch 0.83x [0.76–0.90]
          (95.2% CI) of processes'; processes cost 160 ms more to start

      Legend
        speedup        serial batch / parallel batch, median of paired rounds, with its confidence
                       interval; serial = one worker of the same kind (or inline with baseline: inline)
        net vs inline  the batch inline (time inside fn in the serial arm; tiny tasks: one timed loop) /
                       parallel batch, paired per round; below 1.00x parallelism does not pay
        vs ideal       speedup against the ideal (speedup = workers) as a bar: full at the ideal
        efficiency     speedup / workers
        startup        spawn → ready per worker (median), never part of the speedup
        round trip     dispatch + messaging + result return per task (median)
        memory         added per worker: a child process's private memory (USS), the host's RSS growth per
                       thread; both with the processes fn started
        verdict        against the budget; beside other load, on the speedup on the CPU the pool got (the
                       ! line shows both)
        ~              a prediction from Amdahl's law, not a measurement
        !              a warning about the measurement; → the recommendation"
    `)
  })

  test('a scaling curve gets a table of workers → speedup, efficiency, Karp–Flatt and the Amdahl fit', () => {
    const bench = scalingBench()
    const text = render([bench])
    for (const p of bench.results) {
      const interval = formatSpeedupWithInterval(p.estimate.speedup, p.estimate.low, p.estimate.high)
      const efficiency = formatPercent(p.estimate.efficiency)
      expect(text).toMatch(new RegExp(`^ +${p.workers} +${escapeRegExp(interval)} +${efficiency} `, 'm'))
    }
    expect(text).toContain(`Amdahl serial fraction ${curveSerialFraction(bench.results)?.toFixed(3)}: `)
    expect(render([scalingBench()])).toMatchInlineSnapshot(`
      "Parallel bench  Node v20.19.0 · linux x64 · Vitest 4.1.12
      CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective

      ● mandelbrot rows [threads]  bench/hash.bench.ts
        model    workers   speedup [95% CI]  vs ideal  net vs inline  verdict
        threads        1  1.00x [0.99–1.01]  ████████              –  MEASURED
            serial 804 ms · parallel 804 ms · efficiency 100% · startup 72.0 ms · round trip 85.0 µs
            memory – · 10 rounds
        threads        2  1.82x [1.78–1.86]  ███████▎              –  MEASURED
            serial 804 ms · parallel 442 ms · efficiency 91% · startup 72.0 ms · round trip 85.0 µs
            memory – · 10 rounds
        threads        4  3.08x [3.00–3.16]  ██████▏·              –  MEASURED
            serial 804 ms · parallel 261 ms · efficiency 77% · startup 72.0 ms · round trip 85.0 µs
            memory – · 10 rounds
        threads scaling
          workers   speedup [95% CI]  efficiency  Karp–Flatt
                1  1.00x [0.99–1.01]        100%           –
                2  1.82x [1.78–1.86]         91%       0.100
                4  3.08x [3.00–3.16]         77%       0.100
          Amdahl serial fraction 0.100: at most 10.00x on any number of workers
        → threads: use 4 workers (3.08x); smaller pools measured more than 10% below it

      Legend
        speedup        serial batch / parallel batch, median of paired rounds, with its confidence
                       interval; serial = one worker of the same kind (or inline with baseline: inline)
        net vs inline  the batch inline (time inside fn in the serial arm; tiny tasks: one timed loop) /
                       parallel batch, paired per round; below 1.00x parallelism does not pay
        vs ideal       speedup against the ideal (speedup = workers) as a bar: full at the ideal
        efficiency     speedup / workers
        startup        spawn → ready per worker (median), never part of the speedup
        round trip     dispatch + messaging + result return per task (median)
        memory         added per worker: a child process's private memory (USS), the host's RSS growth per
                       thread; both with the processes fn started
        verdict        against the budget; beside other load, on the speedup on the CPU the pool got (the
                       ! line shows both)
        ~              a prediction from Amdahl's law, not a measurement
        !              a warning about the measurement; → the recommendation"
    `)
  })

  test('an errored bench shows its code and message; a level override is stated', () => {
    const errored = erroredBench()
    const text = render([errored, failingBench('warn')], 'warn')
    const [firstLine, ...rest] = errored.error?.message.split('\n') ?? []
    expect(unwrapped(text)).toContain(`  ERROR ${errored.error?.code}: ${firstLine}`)
    for (const line of rest) expect(text).toContain(`  │ ${line}`)
    expect(unwrapped(text)).toContain(levelOverrideSentence('warn'))
    expect(render([erroredBench(), failingBench('warn')], 'warn')).toMatchInlineSnapshot(`
      "Parallel bench  Node v20.19.0 · linux x64 · Vitest 4.1.12
      CPU AMD EPYC 7763 64-Core Processor · 4 cores · 2 effective
      Level overridden to 'warn' for this run by VITEST_PARALLEL_BENCH_LEVEL: missed budgets are annotated instead of failing.

      ● broken parser [threads]  bench/hash.bench.ts
        ERROR TASK_FAILED: fn threw: Unexpected token } in JSON at position 3
        │     at parse (parser.ts:3:9)

      ● gzip blocks [processes]  bench/hash.bench.ts
        model      workers   speedup [95% CI]  vs ideal  net vs inline  verdict
        processes        2  1.21x [1.15–1.27]  ████▉···              –  FAIL ≥1.60x (warn)
            serial 796 ms · parallel 658 ms · efficiency 61% · startup 232 ms · round trip 120 µs
            memory 52.0 MiB · 10 rounds
        FAIL processes ×2: Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.
        ~ processes on more cores, predicted by Amdahl's law (serial fraction 0.653 [0.575–0.739]), a
          model, not a measurement: 4 workers 1.35x [1.24–1.47], 8 workers 1.44x [1.30–1.59]
        → processes 1.21x [1.15–1.27] on 2 workers (61% efficiency)

      Legend
        speedup        serial batch / parallel batch, median of paired rounds, with its confidence
                       interval; serial = one worker of the same kind (or inline with baseline: inline)
        net vs inline  the batch inline (time inside fn in the serial arm; tiny tasks: one timed loop) /
                       parallel batch, paired per round; below 1.00x parallelism does not pay
        vs ideal       speedup against the ideal (speedup = workers) as a bar: full at the ideal
        efficiency     speedup / workers
        startup        spawn → ready per worker (median), never part of the speedup
        round trip     dispatch + messaging + result return per task (median)
        memory         added per worker: a child process's private memory (USS), the host's RSS growth per
                       thread; both with the processes fn started
        verdict        against the budget; beside other load, on the speedup on the CPU the pool got (the
                       ! line shows both)
        ~              a prediction from Amdahl's law, not a measurement
        !              a warning about the measurement; → the recommendation"
    `)
  })

  test('no line has trailing spaces; every row of a table has the same columns', () => {
    const lines = render(everything()).split('\n')
    for (const line of lines) expect(line).toBe(line.trimEnd())
    const header = lines.find((line) => line.startsWith('  model    workers')) as string
    const row = lines[lines.indexOf(header) + 1] as string
    expect(row.indexOf('2  ')).toBe(header.indexOf('workers') + 'workers'.length - 1)
  })

  test('colours: verdicts are coloured, and columns stay aligned', () => {
    const coloured = renderReport(
      [threadsWinCompare(), failingBench(), skippedBench(), scalingBench()],
      environment,
      createColors(true),
    )
    expect(coloured).toContain('\u001b[32mPASS ≥1.60x\u001b[39m')
    expect(coloured).toContain('\u001b[31mFAIL ≥1.60x\u001b[39m')
    expect(coloured).toContain('\u001b[33mINCONCLUSIVE ≥1.60x\u001b[39m')
    expect(coloured).toContain('\u001b[33mSKIPPED ≥3.00x\u001b[39m')
    expect(coloured).toContain('\u001b[2mMEASURED\u001b[22m')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing SGR colour codes
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(
      render([threadsWinCompare(), failingBench(), skippedBench(), scalingBench()]),
    )
  })

  test('hostile names and messages cannot move the cursor or pass for a workflow command', () => {
    const text = render([hostileBench()])
    expect([...text].filter(isControl)).toEqual([])
    for (const line of text.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false)
    expect(text).toContain('● evil | <img src=x> `code` 100% a:b,c ::error::pwned [threads]  bench/a,b:c.bench.ts')
    expect(unwrapped(text)).toContain('  FAIL threads ×2: Speedup 1.21x (95% CI 1.15–1.27x) is below minSpeedup 1.6x.')
    expect(unwrapped(text)).toContain(
      "  ! threads ×2: level 'error' overridden to 'warning with red and ::warning::injected' by VITEST_PARALLEL_BENCH_LEVEL",
    )
  })

  test('a multi-line error message keeps its lines, each behind a bar', () => {
    const bench = benchResult('x', 'threads', [], { error: { code: 'NOT_FOUND', message: 'first\n::error::second' } })
    expect(render([bench]).split('\n').slice(-2)).toEqual(['  ERROR NOT_FOUND: first', '  │ ::error::second'])
  })

  test('the title drops a leading file segment of the full name; the file is shown once', () => {
    const bench = benchResult('sha', 'threads', [], { error: { code: 'TASK_FAILED', message: 'y' } })
    bench.fullName = 'bench/hash.bench.ts > hashing > sha [threads]'
    expect(render([bench]).split('\n')[3]).toBe('● hashing > sha [threads]  bench/hash.bench.ts')
  })

  test('prints only the header when there are no results', () => {
    expect(render([]).split('\n')).toHaveLength(2)
  })
})

const MiB = 1024 * 1024

describe('recommendation', () => {
  test('threads measurably faster: prefer threads and say what processes cost to start', () => {
    expect(recommendation(threadsWinCompare())).toBe(
      "threads 1.93x vs processes 1.58x: prefer threads; threads' parallel batch 0.83x [0.76–0.90] (95.2% CI) of processes'; processes cost 160 ms more to start",
    )
  })

  test('processes measurably faster: say so, with the startup price', () => {
    expect(recommendation(processesWinCompare())).toBe(
      "threads 1.41x vs processes 1.88x: prefer processes; threads' parallel batch 1.35x [1.23–1.47] (95.2% CI) of processes', although they cost 160 ms more to start (once per pool)",
    )
  })

  test('batch times indistinguishable: decide on startup, memory and isolation', () => {
    expect(recommendation(overlappingCompare())).toBe(
      "threads 1.93x vs processes 1.88x: indistinguishable; threads' parallel batch 0.98x [0.90–1.08] (95.2% CI) of processes'; prefer threads (they start 160 ms faster per worker; memory per worker: threads 8.50 MiB, processes 48.0 MiB); use processes when fn needs isolation (process.exit, native crashes, global state)",
    )
  })

  test('pool-size advice beside other load: sizes and speedups as the verdicts have them', () => {
    const sizes: [workers: number, measured: number, got: number][] = [
      [2, 1.2, 1.9],
      [4, 1.5, 3.5],
    ]
    const rows = sizes.map(([workers, measured, got]) => {
      const row = modelResult({
        model: 'threads',
        workers,
        speedup: measured,
        low: measured - 0.1,
        high: measured + 0.1,
        tasks: 8,
      })
      row.onCpuGot = { speedup: got, low: got - 0.1, high: got + 0.1, confidence: 0.95 }
      row.verdict = { ...row.verdict, basis: 'on-cpu-got' }
      return row
    })
    expect(recommendation(benchResult('x', 'threads', rows))).toBe(
      'threads: use 4 workers (3.50x); smaller pools measured more than 10% below it',
    )
  })

  test('indistinguishable, processes lighter: memory is told beside the advice, not as its reason', () => {
    const bench = overlappingCompare()
    for (const result of bench.results) {
      result.startupMs = [100, 104]
      result.memoryBytes = (result.model === 'threads' ? 36.6 : 21.7) * MiB
    }
    expect(recommendation(bench)).toMatch(
      /; prefer threads; use processes when fn needs isolation \(process\.exit, native crashes, global state\); memory per worker: threads 36\.6 MiB, processes 21\.7 MiB$/,
    )
  })

  test('pays only when both intervals say so; says when it cannot tell', () => {
    const single = (netInterval: { low: number; high: number }, low = 1.7) =>
      benchResult('x', 'threads', [
        modelResult({ model: 'threads', workers: 2, speedup: 1.8, low, high: 1.9, netSpeedup: 1.5, netInterval }),
      ])
    expect(recommendation(single({ low: 1.4, high: 1.6 }))).toBe(
      'threads 1.80x [1.70–1.90] on 2 workers (90% efficiency), 1.50x [1.40–1.60] vs calling fn inline: parallelism pays here',
    )
    expect(recommendation(single({ low: 0.9, high: 1.6 }))).toMatch(
      /1\.50x \[0\.90–1\.60\] vs calling fn inline: too close to tell whether parallelism pays here/,
    )
    // A speedup interval that reaches below 1 cannot support "pays" either.
    expect(recommendation(single({ low: 1.4, high: 1.6 }, 0.82))).toMatch(/too close to tell/)
  })

  test('a tight net interval around 1 is break-even, not a call for more rounds', () => {
    const breakEven = benchResult('x', 'processes', [
      modelResult({
        model: 'processes',
        workers: 2,
        speedup: 1.02,
        low: 0.99,
        high: 1.07,
        netSpeedup: 1.01,
        netInterval: { low: 0.98, high: 1.06 },
      }),
    ])
    expect(recommendation(breakEven)).toBe(
      'processes 1.02x [0.99–1.07] on 2 workers (51% efficiency), 1.01x [0.98–1.06] vs calling fn inline: about break-even with calling fn inline; parallelism does not pay measurably here',
    )
  })

  test('startup gaps within their noise decide nothing: threads, for their memory', () => {
    const close = benchResult('x', 'compare', [
      modelResult({
        model: 'threads',
        workers: 2,
        speedup: 1.96,
        low: 1.9,
        high: 2,
        startupMs: [74, 80],
        memoryBytes: 8.5 * 2 ** 20,
      }),
      modelResult({
        model: 'processes',
        workers: 2,
        speedup: 1.97,
        low: 1.9,
        high: 2,
        startupMs: [72, 76],
        memoryBytes: 58 * 2 ** 20,
      }),
    ])
    expect(recommendation(close)).toMatch(
      /indistinguishable; .*prefer threads \(memory per worker: threads 8\.50 MiB, processes 58\.0 MiB\)/,
    )
  })

  test('starved workers: no verdict on paying off, a rerun instead', () => {
    const starvedBench = benchResult('x', 'threads', [
      modelResult({
        model: 'threads',
        workers: 2,
        speedup: 1.2,
        low: 1.1,
        high: 1.3,
        netSpeedup: 0.5,
        netInterval: { low: 0.4, high: 0.6 },
        diagnostics: [
          { kind: 'starved', basis: 'rounds', rounds: 5, of: 10, otherCores: 1, needed: 2, effectiveCores: 2 },
        ],
      }),
    ])
    expect(recommendation(starvedBench)).toBe(
      'threads 1.20x [1.10–1.30] on 2 workers (60% efficiency): the workers were starved by other load; rerun on a quieter machine before deciding',
    )
  })

  test('load corrected: the speedup on the CPU it got beside the measured one, and no word yet on paying off', () => {
    const loaded = modelResult({
      model: 'threads',
      workers: 2,
      speedup: 1.26,
      low: 1.0,
      high: 1.86,
      netSpeedup: 1.1,
      netInterval: { low: 0.9, high: 1.6 },
    })
    loaded.onCpuGot = { speedup: 1.88, low: 1.33, high: 2.01, confidence: 0.95 }
    loaded.verdict = { ...loaded.verdict, basis: 'on-cpu-got' }
    expect(recommendation(benchResult('x', 'threads', [loaded]))).toBe(
      'threads 1.88x [1.33–2.01] on the CPU it got (1.26x measured beside other load) on 2 workers (94% efficiency): other load took CPU from the workers; net vs inline is as measured beside it: confirm on a quieter machine before deciding',
    )
  })

  test('load corrected in a comparison: the speedups on the CPU they got, and no choice yet', () => {
    const corrected = (model: 'threads' | 'processes', measured: number, got: number) => {
      const result = modelResult({ model, workers: 2, speedup: measured, low: measured - 0.1, high: measured + 0.1 })
      result.onCpuGot = { speedup: got, low: got - 0.05, high: got + 0.05, confidence: 0.95 }
      result.verdict = { ...result.verdict, basis: 'on-cpu-got' }
      return result
    }
    const both = benchResult('primes', 'compare', [
      corrected('threads', 1.23, 1.94),
      corrected('processes', 1.37, 1.96),
    ])
    expect(recommendation(both)).toBe(
      'threads 1.94x vs processes 1.96x: other load took CPU from the workers; both speedups are on the CPU they got, but net vs inline and which model is faster are as measured beside it: confirm on a quieter machine before choosing',
    )
    // A quiet run's median round waits ~1% behind other processes, yet a few disturbed rounds can move
    // a median of 8 by 2%: the verdict rests on the corrected speedup, but the advice has nothing to
    // warn about, and compares the speedups as the table shows them.
    const slightly = corrected('threads', 1.91, 1.95)
    slightly.runQueueDelay = { serialShare: 0, parallelShare: 0.01 }
    expect(
      recommendation(
        benchResult('primes', 'compare', [
          slightly,
          modelResult({ model: 'processes', workers: 2, speedup: 1.85, low: 1.8, high: 1.9 }),
        ]),
      ),
    ).toMatch(/^threads 1\.91x vs processes 1\.85x: (?!.*other load)/)
    // Only one corrected: the advice names it.
    const measuredProcesses = modelResult({ model: 'processes', workers: 2, speedup: 1.9, low: 1.8, high: 2 })
    expect(
      recommendation(benchResult('primes', 'compare', [corrected('threads', 1.23, 1.94), measuredProcesses])),
    ).toMatch(
      /^threads 1\.94x vs processes 1\.90x: other load took CPU from the workers; threads' speedup is on the CPU it got, but net vs inline/,
    )
    // One model starved beyond correction: nothing is told but the rerun.
    const starvedProcesses = corrected('processes', 1.37, 1.96)
    starvedProcesses.diagnostics = [
      { kind: 'starved', basis: 'rounds', rounds: 5, of: 10, otherCores: 1, needed: 2, effectiveCores: 2 },
    ]
    expect(
      recommendation(benchResult('primes', 'compare', [corrected('threads', 1.23, 1.94), starvedProcesses])),
    ).toMatch(/: the workers were starved by other load; rerun on a quieter machine before choosing$/)
  })

  test('predictions: one per model, none for a model whose pools never beat calling fn inline', () => {
    const both = benchResult('tiny', 'compare', [
      modelResult({ model: 'threads', workers: 2, speedup: 1.5, low: 1.4, high: 1.6, netSpeedup: 1.4 }),
      modelResult({ model: 'processes', workers: 2, speedup: 1.2, low: 1.1, high: 1.3, netSpeedup: 0.4 }),
    ])
    const sentences = predictionSentences(both)
    expect(sentences).toHaveLength(1)
    expect(sentences[0]).toMatch(/^threads on more cores, predicted by Amdahl's law .*: 4 workers 2\.\d\dx/)
    expect(predictionSentences(notPayingBench())).toEqual([])
  })

  test('beside other load: predictions say what they are fitted to, and a granularity warning what lengthened the round trip', () => {
    const loaded = modelResult({ model: 'threads', workers: 2, speedup: 1.28, low: 1.06, high: 1.47, netSpeedup: 1.2 })
    loaded.onCpuGot = { speedup: 1.93, low: 1.7, high: 2, confidence: 0.95 }
    loaded.verdict = { ...loaded.verdict, basis: 'on-cpu-got' }
    const [sentence] = predictionSentences(benchResult('hash', 'threads', [loaded]))
    expect(sentence).toMatch(
      /^threads on more cores, predicted by Amdahl's law fitted to the speedups on the CPU the pools got \(serial fraction 0\.036/,
    )
    const grain = {
      kind: 'granularity',
      overheadShare: 0.174,
      roundTripMs: 0.423,
      callMs: 2,
      batch: 2,
      maxShare: 0.1,
      payload: false,
    } as const
    expect(diagnosticText({ ...grain, besideLoad: true })).toMatch(
      /\(round trip 423 µs vs 2\.00 ms inside fn, measured beside other load, which lengthens round trips\); batch about 2 calls/,
    )
    expect(diagnosticText(grain)).not.toMatch(/other load/)
  })

  test('net speedup vs inline below 1: parallelism does not pay here', () => {
    expect(recommendation(notPayingBench())).toBe(
      'threads 1.20x [1.10–1.30] on 2 workers (60% efficiency): parallelism does not pay here (threads 0.0024x vs calling fn inline); give each task more work, or call fn inline',
    )
    const both = benchResult('tiny', 'compare', [
      modelResult({ model: 'threads', workers: 2, speedup: 1.5, low: 1.4, high: 1.6, netSpeedup: 0.45 }),
      modelResult({ model: 'processes', workers: 2, speedup: 1.2, low: 1.1, high: 1.3, netSpeedup: 0.4 }),
    ])
    expect(recommendation(both)).toBe(
      'threads 1.50x vs processes 1.20x: parallelism does not pay here (threads 0.45x, processes 0.40x vs calling fn inline); call fn inline',
    )
  })

  test('a scaling curve: the smallest pool within 10% of the best, with the memory its workers add', () => {
    expect(recommendation(scalingBench())).toBe(
      'threads: use 4 workers (3.08x); smaller pools measured more than 10% below it',
    )
    const flat = benchResult('flat', 'processes', [
      modelResult({ model: 'processes', workers: 1, speedup: 1, low: 0.98, high: 1.02 }),
      modelResult({ model: 'processes', workers: 2, speedup: 1.9, low: 1.8, high: 2.0, memoryBytes: 48 * MiB }),
      modelResult({ model: 'processes', workers: 4, speedup: 1.95, low: 1.85, high: 2.05 }),
    ])
    expect(recommendation(flat)).toBe(
      'processes: use 2 workers (1.90x, adding 96.0 MiB), the smallest pool within 10% of the best measured, 1.95x at 4',
    )
  })

  test('a compare bench with a scaling curve compares at the largest common pool size', () => {
    const bench = benchResult('curve', 'compare', [
      modelResult({ model: 'threads', workers: 2, speedup: 1.9, low: 1.85, high: 1.95 }),
      modelResult({ model: 'threads', workers: 4, speedup: 3.6, low: 3.5, high: 3.7 }),
      modelResult({ model: 'processes', workers: 2, speedup: 1.9, low: 1.85, high: 1.95 }),
      modelResult({ model: 'processes', workers: 4, speedup: 3.1, low: 3.0, high: 3.2 }),
    ])
    expect(recommendation(bench)).toBe(
      "threads 3.60x vs processes 3.10x at 4 workers: prefer threads; threads' parallel batch 0.87x [0.79–0.95] (95.2% CI) of processes'; processes cost 160 ms more to start",
    )
  })

  test('none for an errored bench', () => {
    expect(recommendation(erroredBench())).toBeUndefined()
  })
})
