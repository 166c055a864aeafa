// seal / open: argument checks, hostile input, and properties.

import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COUNTER_MAX, MAC_LENGTH, SecretKey, SymmetricKey } from '../src/index.ts'
import { flipBit, suite } from './support.ts'

const key = SymmetricKey.from(new Uint8Array(32).fill(7))
const arbKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => SymmetricKey.from(b))
const arbCounter = fc.bigInt({ min: 1n, max: COUNTER_MAX })
const arbPlaintext = fc.uint8Array({ maxLength: 300 })

describe('seal validates its arguments', () => {
  it('InvalidArgumentError for a plaintext that is not a Uint8Array', () => {
    expect(() => suite.seal('hi' as unknown as Uint8Array, 1n, key)).toThrow(
      new InvalidArgumentError('"plaintext" expected Uint8Array, got type=string'),
    )
    expect(() => suite.seal([1, 2] as unknown as Uint8Array, 1n, key)).toThrow(InvalidArgumentError)
  })

  it('InvalidArgumentError for a counter that is not a bigint', () => {
    expect(() => suite.seal(new Uint8Array(1), 1 as unknown as bigint, key)).toThrow(
      new InvalidArgumentError('"counter" expected bigint, got type=number'),
    )
  })

  it('InvalidArgumentError for counter 0 (setup messages) and counters beyond 2^64 - 1', () => {
    expect(() => suite.seal(new Uint8Array(1), 0n, key)).toThrow(
      new InvalidArgumentError('"counter" expected bigint in [1, 18446744073709551615], got 0'),
    )
    expect(() => suite.seal(new Uint8Array(1), 2n ** 64n, key)).toThrow(InvalidArgumentError)
    expect(() => suite.seal(new Uint8Array(1), -1n, key)).toThrow(InvalidArgumentError)
  })

  it('InvalidArgumentError for a key that is not a SymmetricKey (raw bytes, another kind of secret)', () => {
    expect(() => suite.seal(new Uint8Array(1), 1n, new Uint8Array(32) as unknown as SymmetricKey)).toThrow(
      new InvalidArgumentError('"key" expected SymmetricKey, got type=Uint8Array'),
    )
    const other = SecretKey.from(new Uint8Array(32)) as unknown as SymmetricKey
    expect(() => suite.seal(new Uint8Array(1), 1n, other)).toThrow(InvalidArgumentError)
  })

  it('Error for a wiped key, in seal and open alike', () => {
    const wiped = SymmetricKey.from(new Uint8Array(32).fill(1))
    const box = suite.seal(new Uint8Array(3), 5n, wiped)
    wiped.wipe()
    expect(() => suite.seal(new Uint8Array(1), 1n, wiped)).toThrow(/wiped/)
    expect(() => suite.open(box, 5n, wiped)).toThrow(/wiped/)
  })

  it('an empty plaintext gives a 16-byte box that opens to an empty plaintext', () => {
    const box = suite.seal(new Uint8Array(0), 9n, key)
    expect(box.length).toBe(MAC_LENGTH)
    expect(suite.open(box, 9n, key)).toEqual(new Uint8Array(0))
  })

  it('seals a subarray view exactly like a copy of it', () => {
    const backing = Uint8Array.from({ length: 40 }, (_, i) => i)
    expect(suite.seal(backing.subarray(5, 25), 3n, key)).toEqual(suite.seal(backing.slice(5, 25), 3n, key))
  })

  it('works at the ends of the counter range', () => {
    for (const counter of [1n, 2n ** 63n, COUNTER_MAX]) {
      const box = suite.seal(Uint8Array.of(1, 2, 3), counter, key)
      expect(suite.open(box, counter, key)).toEqual(Uint8Array.of(1, 2, 3))
    }
  })
})

describe('open never throws on hostile input', () => {
  const box = suite.seal(Uint8Array.of(4, 1, 2), 77n, key)
  const hostile: [string, unknown, unknown][] = [
    ['an empty box', new Uint8Array(0), 77n],
    ['a box shorter than the tag', box.subarray(0, 15), 77n],
    ['a truncated box', box.subarray(0, box.length - 1), 77n],
    ['a box with a byte appended', Uint8Array.of(...box, 0), 77n],
    ['an all-zero box', new Uint8Array(box.length), 77n],
    ['a string instead of a box', 'not a box', 77n],
    ['null instead of a box', null, 77n],
    ['an array instead of a box', [...box], 77n],
    ['counter 0', box, 0n],
    ['a negative counter', box, -77n],
    ['a counter above 2^64 - 1', box, 2n ** 64n + 77n],
    ['a number counter', box, 77],
    ['a string counter', box, '77'],
  ]
  it.each(hostile)('undefined for %s', (_, candidate, counter) => {
    expect(suite.open(candidate as Uint8Array, counter as bigint, key)).toBeUndefined()
  })

  it('the genuine box still opens (the cases above differ only in what they name)', () => {
    expect(suite.open(box, 77n, key)).toEqual(Uint8Array.of(4, 1, 2))
  })
})

describe('seal / open results never alias internal buffers', () => {
  it('a box is not changed by later seals', () => {
    const first = suite.seal(Uint8Array.of(1, 2, 3), 1n, key)
    const copy = first.slice()
    suite.seal(Uint8Array.of(9, 9, 9), 2n, key)
    suite.open(first, 1n, key)
    expect(first).toEqual(copy)
  })

  it('returned arrays own their buffer (no shared scratch or heap view)', () => {
    const box = suite.seal(new Uint8Array(64), 1n, key)
    const plaintext = suite.open(box, 1n, key)!
    expect(box.byteOffset).toBe(0)
    expect(box.buffer.byteLength).toBe(box.length)
    expect(plaintext.buffer.byteLength).toBe(plaintext.length)
    expect(plaintext.buffer).not.toBe(box.buffer)
  })

  it('counterNonce returns a fresh array each call', () => {
    const a = suite.counterNonce(5n)
    const b = suite.counterNonce(6n)
    expect(a).not.toBe(b)
    expect(a[16]).toBe(5)
  })
})

describe('seal / open properties', () => {
  it('open(seal(m, c, k), c, k) = m, and the box is 16 bytes longer', () => {
    fc.assert(
      fc.property(arbPlaintext, arbCounter, arbKey, (m, c, k) => {
        const box = suite.seal(m, c, k)
        expect(box.length).toBe(m.length + MAC_LENGTH)
        expect(suite.open(box, c, k)).toEqual(m)
      }),
    )
  })

  it('any single bit flip anywhere in the box makes open return undefined', () => {
    fc.assert(
      fc.property(arbPlaintext, arbCounter, fc.nat(), (m, c, bit) => {
        const box = suite.seal(m, c, key)
        expect(suite.open(flipBit(box, bit % (box.length * 8)), c, key)).toBeUndefined()
      }),
    )
  })

  it('a different counter makes open return undefined', () => {
    fc.assert(
      fc.property(arbPlaintext, arbCounter, arbCounter, (m, c, other) => {
        fc.pre(c !== other)
        expect(suite.open(suite.seal(m, c, key), other, key)).toBeUndefined()
      }),
    )
  })

  it('a different key makes open return undefined', () => {
    fc.assert(
      fc.property(arbPlaintext, arbCounter, arbKey, arbKey, (m, c, k1, k2) => {
        fc.pre(!k1.equals(k2))
        expect(suite.open(suite.seal(m, c, k1), c, k2)).toBeUndefined()
      }),
    )
  })

  it('sealing is deterministic in (plaintext, counter, key) and differs across counters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), arbCounter, (m, c) => {
        expect(suite.seal(m, c, key)).toEqual(suite.seal(m, c, key))
        const next = c === COUNTER_MAX ? 1n : c + 1n
        expect(suite.seal(m, c, key)).not.toEqual(suite.seal(m, next, key))
      }),
    )
  })

  it('random bytes of any length never open and never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), arbCounter, (junk, c) => {
        expect(suite.open(junk, c, key)).toBeUndefined()
      }),
    )
  })
})
