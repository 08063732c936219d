import { describe, expect, it } from 'vitest'
import { firstDecidingRound, smallestDecidingMaxRounds } from '../../../src/analysis/rounds.js'
import {
  autoWorkers,
  benchDefaults,
  DEFAULTS,
  LIMITS,
  reportableOptions,
  resolveOptions,
  validatePluginOptions,
} from '../../../src/host/options.js'
import { testTimeoutMs } from '../../../src/host/test-timeout.js'

const resolve = (options: unknown, defaults = {}, env?: string) =>
  resolveOptions(options, { kind: 'threads', defaults, effectiveCores: 2, levelFromEnv: env })

describe('DEFAULTS', () => {
  it('is what an empty options object resolves to, and every default the JSDoc states', () => {
    expect(resolve({})).toMatchObject(DEFAULTS)
    expect(DEFAULTS).toMatchObject({ time: 10_000, confidence: 0.95, level: 'error', maxRegression: 0.1 })
  })
})

describe('resolveOptions', () => {
  it('fills the documented defaults, with workers from the effective cores', () => {
    expect(resolve({})).toMatchObject({
      workers: [2],
      workersSetByUser: false,
      tasks: 8,
      tasksSetByUser: false,
      level: 'error',
      baseline: 'worker',
      time: 10_000,
      minRounds: 7,
      maxRounds: 40,
      warmupRounds: 1,
      taskTimeout: 30_000,
      startupTimeout: 60_000,
      confidence: 0.95,
      rowConfidence: 0.95,
      transfer: false,
      strict: false,
    })
  })

  it('sorts and de-duplicates a scaling curve, and sizes tasks for its largest count', () => {
    const options = resolve({ workers: [4, 1, 2, 2] })
    expect(options.workers).toEqual([1, 2, 4])
    expect(options.tasks).toBe(16)
  })

  it('lets bench options win over plugin defaults, and takes strict from the plugin', () => {
    const options = resolve({ time: 500 }, { time: 2000, minSpeedup: 1.5, strict: true })
    expect(options.time).toBe(500)
    expect(options.minSpeedup).toBe(1.5)
    expect(options.strict).toBe(true)
  })

  it('lets VITEST_PARALLEL_BENCH_LEVEL override every level and remembers the original', () => {
    const options = resolve({ level: 'error' }, {}, 'warn')
    expect(options.level).toBe('warn')
    expect(options.levelOverriddenFrom).toBe('error')
    expect(resolve({ level: 'warn' }, {}, 'warn').levelOverriddenFrom).toBeUndefined()
    expect(() => resolve({}, {}, 'silent')).toThrow(
      /`VITEST_PARALLEL_BENCH_LEVEL` must be one of 'error', 'warn', 'off', got "silent"/,
    )
  })

  it.each([
    [{ minSpeed: 2 }, TypeError, /Unknown option `minSpeed`\. Did you mean `minSpeedup`\?/],
    [{ tasks: '8' }, TypeError, /`tasks` must be an integer >= 1, got "8"/],
    [{ tasks: 2.5 }, RangeError, /`tasks` must be an integer >= 1, got 2.5/],
    [{ workers: 0 }, RangeError, /`workers` must be an integer >= 1, an array of them or 'auto', got 0/],
    [{ workers: 'many' }, TypeError, /`workers` must be an integer >= 1, an array of them or 'auto', got "many"/],
    [{ workers: [2, 0] }, RangeError, /`workers` must be an array of integers >= 1, got 0/],
    [{ workers: [] }, RangeError, /`workers` must be an integer >= 1, a non-empty array of them or 'auto'/],
    [{ minSpeedup: -1 }, RangeError, /`minSpeedup` must be a number > 0, got -1/],
    [{ minEfficiency: 0 }, RangeError, /`minEfficiency` must be a number in \(0, 1\], got 0/],
    [{ minEfficiency: 1.01 }, RangeError, /`minEfficiency` must be a number in \(0, 1\], got 1.01/],
    [{ level: 'loud' }, RangeError, /`level` must be one of 'error', 'warn', 'off', got "loud"/],
    [{ level: 3 }, TypeError, /`level` must be one of 'error', 'warn', 'off', got 3/],
    [{ minRounds: 2 }, RangeError, /`minRounds` must be an integer in \[3, 1000\], got 2/],
    [
      { minRounds: 20, maxRounds: 10 },
      RangeError,
      /`maxRounds` must be an integer in \[minRounds \(20\), 1000\], got 10/,
    ],
    [{ maxRounds: 8300 }, RangeError, /`maxRounds` must be an integer in \[minRounds \(7\), 1000\], got 8300/],
    [{ startupTimeout: 0 }, RangeError, /`startupTimeout` must be a number of ms > 0, got 0/],
    [
      { minSpeedup: 1.5, minRounds: 3, maxRounds: 5 },
      RangeError,
      /`maxRounds` must be at least 6 to decide anything at confidence 0\.95 \(with minRounds 3\), got 5/,
    ],
    [
      { minEfficiency: 0.5, minRounds: 3, maxRounds: 7, confidence: 0.999 },
      RangeError,
      /`maxRounds` must be at least 11/,
    ],
    [{ time: Number.NaN }, TypeError, /`time` must be a number of ms >= 0, got NaN/],
    [{ taskTimeout: 0 }, RangeError, /`taskTimeout` must be a number of ms > 0, got 0/],
    [{ confidence: 1 }, RangeError, /`confidence` must be a number in \(0\.5, 0\.999\], got 1/],
    [{ transfer: 'yes' }, TypeError, /`transfer` must be a boolean, got "yes"/],
    [{ expectFaster: 'threads' }, TypeError, /`expectFaster` is only valid for benchCompare/],
    [null, TypeError, /options must be an object, got null/],
  ])('rejects %j', (options, type, message) => {
    expect(() => resolve(options)).toThrow(type)
    expect(() => resolve(options)).toThrow(message)
  })

  it('accepts expectFaster on benchCompare only', () => {
    expect(resolveOptions({ expectFaster: 'processes' }, { kind: 'compare', effectiveCores: 2 }).expectFaster).toBe(
      'processes',
    )
    expect(() => resolveOptions({ expectFaster: 'fibers' }, { kind: 'compare', effectiveCores: 2 })).toThrow(RangeError)
  })

  it('takes `models` on benchCompare only: two or more, no repeats, put in the report order; async joins by default', () => {
    const compare = (options: object, asyncJoined?: boolean) =>
      resolveOptions(options, { kind: 'compare', effectiveCores: 2, asyncJoined })
    expect(compare({ models: ['threads', 'async'] }).models).toEqual(['async', 'threads'])
    expect(compare({ models: ['threads', 'async'] }).modelsAuto).toBe(false)
    expect(compare({}).models).toEqual(['threads', 'processes'])
    expect(compare({}).modelsAuto).toBe(true)
    // Joined, async shares the error budget with the pools: three rows instead of two.
    expect(compare({}, true).models).toEqual(['async', 'threads', 'processes'])
    expect(compare({}, true).rowConfidence).toBeCloseTo(1 - 0.05 / 3, 12)
    expect(compare({ models: ['async', 'threads'] }, true).models).toEqual(['async', 'threads'])
    expect(resolveOptions({}, { kind: 'async', effectiveCores: 2 }).models).toEqual(['async'])
    expect(() => compare({ models: ['async'] })).toThrow(/`models` must be an array of two or more/)
    expect(() => compare({ models: ['async', 'fibers'] })).toThrow(RangeError)
    expect(() => compare({ models: ['async', 'async'] })).toThrow(/`models` must not repeat a model/)
    expect(() => compare({ models: ['async', 'threads'], expectFaster: 'threads' })).toThrow(
      /`expectFaster` ranks threads against processes: `models` must hold both/,
    )
    expect(() => resolve({ models: ['async', 'threads'] })).toThrow(/`models` is only valid for benchCompare/)
    expect(() => validatePluginOptions({ models: ['async', 'threads'] })).toThrow(/models/)
  })

  it('reports options as plain data, without the input function', () => {
    expect(reportableOptions(resolve({ input: (i: number) => i })).input).toBe('function')
    expect(reportableOptions(resolve({ input: [1, 2] })).input).toBe('value')
    expect(JSON.parse(JSON.stringify(reportableOptions(resolve({}))))).toMatchObject({ workers: [2], level: 'error' })
  })
})

describe('rowConfidence', () => {
  it('spreads the error budget of one test over its (model, pool size) rows', () => {
    expect(resolve({}).rowConfidence).toBeCloseTo(0.95, 12)
    expect(resolve({ workers: [1, 2] }).rowConfidence).toBeCloseTo(0.975, 12)
    expect(resolveOptions({ workers: [1, 2] }, { kind: 'compare', effectiveCores: 2 }).rowConfidence).toBeCloseTo(
      0.9875,
      12,
    )
  })

  it('needs more rounds to decide when the share is smaller', () => {
    expect(() =>
      resolveOptions({ minSpeedup: 1.5, minRounds: 6, maxRounds: 6 }, { kind: 'compare', effectiveCores: 2 }),
    ).toThrow(/`maxRounds` must be at least 7 to decide anything at confidence 0\.95 over 2 rows/)
  })
})

describe("workers: 'auto'", () => {
  it('measures every pool size from 2 to the effective cores, as sizes of this machine', () => {
    expect(resolveOptions({ workers: 'auto' }, { kind: 'threads', effectiveCores: 4 })).toMatchObject({
      workers: [2, 3, 4],
      workersAuto: true,
      workersSetByUser: false,
      tasks: 16,
    })
    expect(autoWorkers(2)).toEqual([2])
    // A pool of 1 is the serial arm itself; on one core there is nothing else to measure.
    expect(autoWorkers(1)).toEqual([1])
    expect(resolve({ workers: 2 }).workersAuto).toBe(false)
  })

  it('shares the error budget over the sizes it measures', () => {
    expect(resolveOptions({ workers: 'auto' }, { kind: 'threads', effectiveCores: 4 }).rowConfidence).toBeCloseTo(
      1 - 0.05 / 3,
      12,
    )
  })
})

describe('firstDecidingRound', () => {
  it('is the first round where all rounds on one side spend at most half the error budget', () => {
    // 2·0.5^7 = 1.56% ≤ 2.5%, 2·0.5^6 = 3.1% is not; 2·0.5^8 = 0.78% ≤ 1.25%; 2·0.5^12 = 0.049% ≤ 0.05%.
    expect(firstDecidingRound(0.95)).toBe(7)
    expect(firstDecidingRound(0.975)).toBe(8)
    expect(firstDecidingRound(0.999)).toBe(12)
  })

  it('is the default minRounds, with the share of a test with several rows', () => {
    expect(resolve({}).minRounds).toBe(7)
    expect(resolveOptions({}, { kind: 'compare', effectiveCores: 2 }).minRounds).toBe(8)
    expect(resolve({ minRounds: 5 }).minRounds).toBe(5)
  })
})

describe('smallestDecidingMaxRounds', () => {
  it('is the first maxRounds whose widest interval reaches the confidence', () => {
    expect(smallestDecidingMaxRounds(0.95, 3)).toBe(6)
    expect(smallestDecidingMaxRounds(0.99, 3)).toBe(8)
    expect(smallestDecidingMaxRounds(0.95, 10)).toBe(10)
  })

  it('lets a bench without a budget report an unbounded interval from few rounds', () => {
    expect(resolve({ minRounds: 3, maxRounds: 3 }).maxRounds).toBe(3)
  })
})

describe('testTimeoutMs', () => {
  it('bounds a bench by its own options: start-up, warm-up and minRounds rounds of taskTimeout tasks, time, the memory probe, shutdown', () => {
    const options = resolve({ workers: 2, tasks: 4, taskTimeout: 1000, startupTimeout: 2000, time: 3000 })
    // rounds: 1 warm-up + 7 + 1 = 9, each (4 serial + 2 parallel) tasks of 1 s; + time + the memory probe + 5 s shutdown
    const perPool = 2000 + 9 * 6 * 1000 + 3000 + 1000 + 5000
    expect(testTimeoutMs(options, 1)).toBe(perPool)
    expect(testTimeoutMs(options, 2)).toBe(2 * perPool)
  })

  it('adds one pool per size of a scaling curve, and never exceeds what a timer can hold', () => {
    const curve = resolve({
      workers: [1, 2],
      tasks: 2,
      taskTimeout: 100,
      startupTimeout: 100,
      time: 0,
      warmupRounds: 0,
    })
    // Two rows share the error budget: minRounds defaults to 8, so 0 warm-up + 8 + 1 rounds.
    const one = 100 + 9 * (2 + 2) * 100 + 0 + 100 + 5000
    const two = 100 + 9 * (2 + 1) * 100 + 0 + 100 + 5000
    expect(testTimeoutMs(curve, 1)).toBe(one + two)
    expect(testTimeoutMs(resolve({ taskTimeout: 1e9 }), 2)).toBe(2 ** 31 - 1)
  })

  it('adds latencyTime and one call per latency row (inline, two per model) only with latency: true', () => {
    const base = { workers: 2, tasks: 4, taskTimeout: 1000, startupTimeout: 2000, time: 3000, latencyTime: 700 }
    const without = testTimeoutMs(resolve(base), 2)
    expect(testTimeoutMs(resolve({ ...base, latency: true }), 2)).toBe(without + 700 + 5 * 1000)
    expect(testTimeoutMs(resolve({ ...base, latency: true }), 1) - testTimeoutMs(resolve(base), 1)).toBe(700 + 3 * 1000)
  })
})

describe('latency options', () => {
  it('is off by default with a 500 ms budget; the bench overrides the plugin', () => {
    expect(resolve({})).toMatchObject({ latency: false, latencyTime: 500 })
    expect(resolve({}, { latency: true, latencyTime: 200 })).toMatchObject({ latency: true, latencyTime: 200 })
    expect(resolve({ latency: false }, { latency: true })).toMatchObject({ latency: false })
    expect(validatePluginOptions({ latency: true, latencyTime: 250 })).toEqual({ latency: true, latencyTime: 250 })
  })

  it('rejects a latency that is no boolean and a latencyTime out of [10, 60_000], naming them', () => {
    expect(() => resolve({ latency: 'yes' })).toThrow(new TypeError('`latency` must be a boolean, got "yes"'))
    expect(() => resolve({ latencyTime: 9 })).toThrow(
      new RangeError('`latencyTime` must be a number of ms >= 10, got 9'),
    )
    expect(() => resolve({ latencyTime: '1s' })).toThrow(
      new TypeError('`latencyTime` must be a number of ms >= 10, got "1s"'),
    )
    expect(() => resolve({ latencyTime: LIMITS.latencyTimeMs + 1 })).toThrow(
      new RangeError('`latencyTime` must be at most 60000 (a diagnostic beside the rounds), got 60001'),
    )
    expect(() => validatePluginOptions({ latencyTime: -1 })).toThrow(
      new RangeError('parallelBench(): `latencyTime` must be a number of ms >= 10, got -1'),
    )
    expect(() => resolve({ latancy: true })).toThrow(/Unknown option `latancy`. Did you mean `latency`\?/)
  })
})

describe('validatePluginOptions', () => {
  it('accepts bench defaults and plugin-only settings', () => {
    const options = {
      include: ['bench/**/*.bench.ts'],
      outputFile: 'out.json',
      htmlFile: 'reports/parallel-bench.html',
      strict: true,
      github: false,
      time: 1000,
    }
    expect(validatePluginOptions(options)).toBe(options)
    expect(validatePluginOptions(undefined)).toEqual({})
  })

  it('checks maxSerialFraction, a serial fraction in [0, 1], and keeps it out of the bench defaults', () => {
    expect(validatePluginOptions({ maxSerialFraction: 0.05 })).toEqual({ maxSerialFraction: 0.05 })
    expect(validatePluginOptions({ maxSerialFraction: 0 })).toEqual({ maxSerialFraction: 0 })
    expect(() => validatePluginOptions({ maxSerialFraction: 1.5 })).toThrow(
      new RangeError('parallelBench(): `maxSerialFraction` must be a number in [0, 1], got 1.5'),
    )
    expect(() => validatePluginOptions({ maxSerialFraction: '5%' })).toThrow(TypeError)
    expect(() => validatePluginOptions({ maxSerialFraction: '5%' })).toThrow(
      /`maxSerialFraction` must be a number in \[0, 1\]/,
    )
    expect(benchDefaults({ maxSerialFraction: 0.05, time: 1000 })).toEqual({ time: 1000 })
  })

  it('names the plugin and the option in errors', () => {
    expect(() => validatePluginOptions({ include: 'x' })).toThrow(
      /^parallelBench\(\): `include` must be a non-empty array of glob strings, got "x"$/,
    )
    expect(() => validatePluginOptions({ input: 1 })).toThrow(/parallelBench\(\): Unknown option `input`/)
    expect(() => validatePluginOptions({ minSpeedup: 0 })).toThrow(RangeError)
    expect(() => validatePluginOptions({ outputFile: '' })).toThrow(/`outputFile` must be a non-empty string path/)
  })

  it('takes htmlFile only as a path to an .html file, apart from outputFile', () => {
    expect(validatePluginOptions({ htmlFile: 'report.HTM' })).toEqual({ htmlFile: 'report.HTM' })
    for (const htmlFile of ['', 'report.json', 'report', 42, true]) {
      expect(() => validatePluginOptions({ htmlFile })).toThrow(
        new TypeError(
          `parallelBench(): \`htmlFile\` must be a path ending in .html or .htm (relative to the Vitest root), got ${typeof htmlFile === 'string' ? JSON.stringify(htmlFile) : String(htmlFile)}`,
        ),
      )
    }
    expect(() => validatePluginOptions({ htmlFile: 'out.html', outputFile: 'out.html' })).toThrow(
      new RangeError('parallelBench(): `htmlFile` must differ from `outputFile`, got "out.html" for both'),
    )
    // A report setting, never a bench default.
    expect(benchDefaults({ htmlFile: 'out.html', time: 5 })).toEqual({ time: 5 })
  })
})

describe('regression options', () => {
  it('takes maxRegression from the bench, else the plugin, else 0.1', () => {
    expect(resolve({}).maxRegression).toBe(0.1)
    expect(resolve({}, { maxRegression: 0.2 }).maxRegression).toBe(0.2)
    expect(resolve({ maxRegression: 0 }, { maxRegression: 0.2 }).maxRegression).toBe(0)
  })

  it('rejects a maxRegression outside [0, 1), naming it and what was expected', () => {
    expect(() => resolve({ maxRegression: 1 })).toThrow(
      new RangeError('`maxRegression` must be a number in [0, 1), got 1'),
    )
    expect(() => resolve({ maxRegression: -0.1 })).toThrow(RangeError)
    expect(() => resolve({ maxRegression: '10%' })).toThrow(
      new TypeError('`maxRegression` must be a number in [0, 1), got "10%"'),
    )
  })

  it('takes compareWith on the plugin only, as a non-empty path, and keeps it from the bench defaults', () => {
    const options = { compareWith: 'parallel-bench.main.json', maxRegression: 0.2 }
    expect(validatePluginOptions(options)).toBe(options)
    expect(benchDefaults(options)).toEqual({ maxRegression: 0.2 })
    expect(() => validatePluginOptions({ compareWith: '' })).toThrow(
      new TypeError(
        'parallelBench(): `compareWith` must be a non-empty path to a JSON report (an earlier run\'s outputFile), got ""',
      ),
    )
    expect(() => validatePluginOptions({ compareWith: 1 })).toThrow(TypeError)
    expect(() => resolve({ compareWith: 'x.json' })).toThrow(/Unknown option `compareWith`/)
    expect(() => validatePluginOptions({ compareWidth: 'x.json' })).toThrow(/Did you mean `compareWith`\?/)
  })
})

describe('upper bounds', () => {
  // What issue 22 found each unbounded value doing, now refused up front with the option's name.
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'workers: 10_000 (forked 63 children in 3 s)',
      { workers: 10_000 },
      /`workers` must be at most 8 \(4 × this machine's 2 effective cores; set `oversubscribe: true` for up to 256\), got 10000/,
    ],
    ['a pool size above 4 × cores in a curve', { workers: [1, 2, 9] }, /`workers` must be at most 8 .*got 9/],
    [
      'workers above 256 even with oversubscribe',
      { workers: 257, oversubscribe: true },
      /`workers` must be at most 256 \(with `oversubscribe`\), got 257/,
    ],
    [
      'tasks: 1e9 (ran V8 out of memory)',
      { tasks: 1e9 },
      /`tasks` must be at most 100000 \(the host makes every input of a batch at once\), got 1000000000/,
    ],
    ['warmupRounds: 1e9 (never ended)', { warmupRounds: 1e9 }, /`warmupRounds` must be at most 100 /],
    [
      'taskTimeout: 2**31 (became a 1 ms timer)',
      { taskTimeout: 2 ** 31 },
      /`taskTimeout` must be at most 2147483647 \(Node's longest timer/,
    ],
    ['startupTimeout: 2**31', { startupTimeout: 2 ** 31 }, /`startupTimeout` must be at most 2147483647/],
    ['time above an hour', { time: 3_600_001 }, /`time` must be at most 3600000/],
    ['maxRounds above 1000', { maxRounds: 1001 }, /`maxRounds` must be an integer in \[minRounds \(\d+\), 1000\]/],
    ['minRounds above 1000', { minRounds: 1001 }, /`minRounds` must be an integer in \[3, 1000\]/],
    ['maxMemoryMb above 1 TiB', { maxMemoryMb: 2 ** 21 }, /`maxMemoryMb` must be at most 1048576/],
    ['minSpeedup above any pool', { minSpeedup: 1000 }, /`minSpeedup` must be at most 256/],
    ['oversubscribe not a boolean', { oversubscribe: 'yes' }, /`oversubscribe` must be a boolean, got "yes"/],
  ]
  for (const [what, options, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => resolve(options)).toThrow(message)
    })
  }

  it('accepts every bound itself, and more workers with oversubscribe', () => {
    expect(resolve({ workers: 8, tasks: LIMITS.tasks, warmupRounds: LIMITS.warmupRounds }).workers).toEqual([8])
    expect(
      resolve({ taskTimeout: LIMITS.timeoutMs, startupTimeout: LIMITS.timeoutMs, time: LIMITS.timeMs }),
    ).toMatchObject({
      taskTimeout: 2 ** 31 - 1,
      startupTimeout: 2 ** 31 - 1,
    })
    expect(resolve({ workers: 64, oversubscribe: true }).workers).toEqual([64])
    // Plugin options are checked against this machine's cores too, and may set oversubscribe for all.
    expect(() => validatePluginOptions({ workers: 10_000 })).toThrow(/parallelBench\(\): `workers` must be at most/)
    expect(resolve({ workers: 64 }, { oversubscribe: true }).workers).toEqual([64])
  })
})
