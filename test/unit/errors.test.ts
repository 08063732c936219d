// Whatever fn or input(i) throws reaches the report as text that shows it: never "Cannot convert
// object to primitive value" in its place, never a throw from the serializer itself.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeThrown, serializeError } from '../../src/errors.js'

const odd: [string, unknown, string][] = [
  [
    'a null-prototype object',
    Object.assign(Object.create(null), { reason: 'x' }),
    "[Object: null prototype] { reason: 'x' }",
  ],
  [
    'an object whose toString throws',
    {
      reason: 'y',
      toString() {
        throw new Error('no')
      },
    },
    "reason: 'y'",
  ],
  ['a symbol', Symbol('s'), 'Symbol(s)'],
  ['a number', 42, '42'],
  ['a bigint', 10n, '10'],
  ['undefined', undefined, 'undefined'],
  ['null', null, 'null'],
  ['a string', 'plain words', 'plain words'],
  [
    'a Proxy whose every trap throws',
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap')
        },
        ownKeys() {
          throw new Error('trap')
        },
        getPrototypeOf() {
          throw new Error('trap')
        },
      },
    ),
    // util.inspect shows a Proxy's target without calling its traps.
    '{}',
  ],
]

describe('serializeError', () => {
  for (const [what, value, shown] of odd) {
    it(`describes ${what}`, () => {
      const serialized = serializeError(value)
      expect(serialized.name).toBe('Error')
      expect(serialized.message).toContain(shown)
      expect(describeThrown(value)).toContain(shown)
    })
  }

  it('keeps an Error as it is: name, message, stack, code', () => {
    const error = Object.assign(new RangeError('out'), { code: 'E_OUT' })
    expect(serializeError(error)).toEqual({ name: 'RangeError', message: 'out', stack: error.stack, code: 'E_OUT' })
  })

  it('survives an Error whose message getter throws', () => {
    const error = new Error('x')
    Object.defineProperty(error, 'message', {
      get() {
        throw new Error('getter')
      },
    })
    expect(() => serializeError(error)).not.toThrow()
  })

  it('never throws and always gives strings, over any value (1,000 cases)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withMap: true, withSet: true }), (value) => {
        const { name, message } = serializeError(value)
        expect(typeof name).toBe('string')
        expect(typeof message).toBe('string')
        // And it crosses a thread or process boundary.
        expect(() => structuredClone(serializeError(value))).not.toThrow()
      }),
      { numRuns: 1000 },
    )
  })
})
