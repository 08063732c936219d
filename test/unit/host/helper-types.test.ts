// Type-level checks, enforced by `npm run typecheck` (tsc over the tests): the
// helpers' option types say what each helper takes.
import { expectTypeOf, it } from 'vitest'
import { type BenchHelper, benchAsync, type CompareHelper } from '../../../src/index.js'

/** Never called: it exists to be type-checked. */
function calls(threads: BenchHelper, compare: CompareHelper): void {
  compare('x', (n: number) => n, { input: 1, expectFaster: 'threads' })
  threads('x', (n: number) => n, { input: 1, minSpeedup: 1.5 })
  // @ts-expect-error expectFaster belongs to benchCompare alone
  threads('x', (n: number) => n, { expectFaster: 'threads' })
  // @ts-expect-error an input of the wrong type for fn
  threads('x', (n: number) => n, { input: 'eight' })
  compare.skipIf(true)('x', () => 1, { expectFaster: 'processes' })
  compare('x', async (n: number) => n, { input: 1, models: ['async', 'threads'] })
  // @ts-expect-error no such model
  compare('x', async (n: number) => n, { models: ['async', 'fibers'] })
  // @ts-expect-error models belongs to benchCompare alone
  threads('x', (n: number) => n, { models: ['async', 'threads'] })
}

it('exports benchAsync as a bench helper', () => {
  expectTypeOf(benchAsync).toEqualTypeOf<BenchHelper>()
})

it('types expectFaster and models as options of benchCompare only', () => {
  expectTypeOf(calls).toBeFunction()
})
