// Random sources (seeded, scripted, checked) and randomBigInt.
import { toHex } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import sodium from 'libsodium-wrappers'
import { describe, expect, it, vi } from 'vitest'
import { CryptoError, loadCrypto, type RandomSource, scriptedRandom, seededRandom } from '../src/index.ts'
import { suite } from './support.ts'

describe('seededRandom', () => {
  it('is deterministic per seed', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: 200 }), (seed, length) => {
        expect(seededRandom(seed)(length)).toEqual(seededRandom(seed)(length))
      }),
    )
  })

  it('differs across seeds', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b)
        expect(seededRandom(a)(16)).not.toEqual(seededRandom(b)(16))
      }),
    )
  })

  it('a string seed equals its UTF-8 bytes as a seed', () => {
    expect(seededRandom('pavillion é')(40)).toEqual(seededRandom(new TextEncoder().encode('pavillion é'))(40))
  })

  it('successive draws continue one stream: draw(a) ‖ draw(b) = draw(a + b)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: 150 }), fc.nat({ max: 150 }), (seed, a, b) => {
        const split = seededRandom(seed)
        const joined = [...split(a), ...split(b)]
        expect(joined).toEqual([...seededRandom(seed)(a + b)])
      }),
    )
  })

  it('is the documented construction: BLAKE2b-512(key = BLAKE2b-256(seed), u64le(block))', () => {
    const key = sodium.crypto_generichash(32, new TextEncoder().encode('doc'), null)
    const block = (i: number) => sodium.crypto_generichash(64, Uint8Array.of(i, 0, 0, 0, 0, 0, 0, 0), key)
    expect(toHex(seededRandom('doc')(128))).toBe(toHex(block(0)) + toHex(block(1)))
  })

  it('keeps its own copy of a byte seed', () => {
    const seed = Uint8Array.of(1, 2, 3)
    const source = seededRandom(seed)
    seed.fill(0)
    expect(source(8)).toEqual(seededRandom(Uint8Array.of(1, 2, 3))(8))
  })

  it('rejects bad seeds and lengths', () => {
    expect(() => seededRandom(5 as unknown as string)).toThrow(InvalidArgumentError)
    const source = seededRandom('x')
    expect(() => source(-1)).toThrow(InvalidArgumentError)
    expect(() => source(1.5)).toThrow(InvalidArgumentError)
    expect(() => source('4' as unknown as number)).toThrow(InvalidArgumentError)
    expect(source(0)).toEqual(new Uint8Array(0))
  })

  it('makes a whole suite reproducible', async () => {
    const a = await loadCrypto({ random: seededRandom('suite') })
    const b = await loadCrypto({ random: seededRandom('suite') })
    expect(a.randomKey().equals(b.randomKey())).toBe(true)
    expect(a.generatePsk().equals(b.generatePsk())).toBe(true)
    expect(a.randomBigInt(1024n, 1_000_000_000n)).toBe(b.randomBigInt(1024n, 1_000_000_000n))
  })
})

describe('scriptedRandom', () => {
  it('hands out the recorded draws in order and counts what remains', () => {
    const source = scriptedRandom([Uint8Array.of(1), Uint8Array.of(2, 3)])
    expect(source.remaining()).toBe(2)
    expect(source(1)).toEqual(Uint8Array.of(1))
    expect(source(2)).toEqual(Uint8Array.of(2, 3))
    expect(source.remaining()).toBe(0)
  })

  it('throws on a length mismatch without consuming the draw', () => {
    const source = scriptedRandom([Uint8Array.of(1, 2)])
    expect(() => source(3)).toThrow(
      new CryptoError(
        'ERR_RANDOM_SOURCE',
        'scriptedRandom: draw #0 was recorded with 2 bytes, but 3 were requested',
      ),
    )
    expect(() => source(3)).toThrow(
      expect.objectContaining({ name: 'CryptoError', code: 'ERR_RANDOM_SOURCE' }),
    )
    expect(source.remaining()).toBe(1)
    expect(source(2)).toEqual(Uint8Array.of(1, 2))
  })

  it('throws once exhausted', () => {
    const source = scriptedRandom([new Uint8Array(4)])
    source(4)
    expect(() => source(4)).toThrow(
      new CryptoError(
        'ERR_RANDOM_SOURCE',
        'scriptedRandom: all 1 recorded draws were used; 4 more bytes were requested',
      ),
    )
    expect(() => scriptedRandom([])(0)).toThrow(/all 0 recorded draws/)
  })

  it('copies the script: later changes to the caller’s arrays have no effect', () => {
    const draw = Uint8Array.of(7, 7)
    const source = scriptedRandom([draw])
    draw.fill(0)
    expect(source(2)).toEqual(Uint8Array.of(7, 7))
  })

  it('rejects scripts that are not arrays of Uint8Array', () => {
    expect(() => scriptedRandom('ab' as unknown as Uint8Array[])).toThrow(InvalidArgumentError)
    expect(() => scriptedRandom([[1, 2]] as unknown as Uint8Array[])).toThrow(
      new InvalidArgumentError('"draws[0]" expected Uint8Array, got type=Array'),
    )
  })

  it('drives a suite: randomKey and generatePsk return the scripted bytes', async () => {
    const k = new Uint8Array(32).fill(0x42)
    const replay = await loadCrypto({ random: scriptedRandom([k, k]) })
    expect(toHex(replay.randomKey().expose())).toBe('42'.repeat(32))
    expect(toHex(replay.generatePsk().expose())).toBe('42'.repeat(32))
    expect(() => replay.randomKey()).toThrow(/all 2 recorded draws/)
  })
})

describe('the suite checks its random source', () => {
  it('a source returning the wrong length is an error, not a short key', async () => {
    const broken = await loadCrypto({ random: () => new Uint8Array(3) })
    expect(() => broken.randomKey()).toThrow(
      new CryptoError('ERR_RANDOM_SOURCE', 'random source returned 3 bytes when 32 bytes were requested'),
    )
    const notBytes = await loadCrypto({ random: (() => 'abc') as unknown as RandomSource })
    expect(() => notBytes.random(3)).toThrow(/returned string/)
  })

  it('a random option that is not a function is rejected', async () => {
    await expect(loadCrypto({ random: 5 as unknown as RandomSource })).rejects.toThrow(InvalidArgumentError)
  })

  it('the default source gives fresh bytes of the requested length', () => {
    expect(suite.random(0)).toEqual(new Uint8Array(0))
    expect(suite.random(32)).not.toEqual(suite.random(32))
    expect(suite.random(1000).length).toBe(1000)
  })

  it('the default source draws from WebCrypto once per draw, past its 65 536-byte quota too', () => {
    const calls: number[] = []
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation((array) => {
      calls.push((array as Uint8Array).length)
      return real(array)
    })
    try {
      expect(suite.random(24).length).toBe(24)
      expect(calls).toEqual([24])
      const large = suite.random(70_000)
      expect(calls).toEqual([24, 65_536, 70_000 - 65_536])
      expect(large.subarray(65_536).some((byte) => byte !== 0)).toBe(true) // the second chunk was filled
    } finally {
      spy.mockRestore()
    }
  })
})

describe('randomBigInt', () => {
  const scripted = async (...draws: number[][]) =>
    loadCrypto({ random: scriptedRandom(draws.map((d) => Uint8Array.from(d))) })

  it('maps little-endian bytes onto [min, max] and rejects values above the span', async () => {
    const s = await scripted([0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [1, 0, 0, 0])
    expect(s.randomBigInt(1024n, 1_000_000_000n)).toBe(1024n)
    // 0xffffffff masked to 30 bits = 2^30 - 1 > 999 998 976: rejected, the next draw gives 1 → 1025.
    expect(s.randomBigInt(1024n, 1_000_000_000n)).toBe(1025n)
  })

  it('uses the fewest bytes and masks the excess high bits', async () => {
    const s = await scripted([0xff], [0x03, 0x80], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    expect(s.randomBigInt(0n, 255n)).toBe(255n)
    expect(s.randomBigInt(0n, 256n)).toBe(3n) // 9 bits: 0x8003 & 0x1ff = 3
    expect(s.randomBigInt(0n, 2n ** 64n - 1n)).toBe(2n ** 64n - 1n)
  })

  it('min = max draws nothing', async () => {
    const s = await scripted()
    expect(s.randomBigInt(7n, 7n)).toBe(7n)
  })

  it('stays within bounds, including the server range [2^63, 2^63 + 1e9]', () => {
    const low = 2n ** 63n
    for (let i = 0; i < 2000; i++) {
      const server = suite.randomBigInt(low, low + 1_000_000_000n)
      expect(server >= low && server <= low + 1_000_000_000n).toBe(true)
      const client = suite.randomBigInt(1024n, 1_000_000_000n)
      expect(client >= 1024n && client <= 1_000_000_000n).toBe(true)
    }
  })

  it('stays within any bounds (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt({ min: 0n, max: 2n ** 80n }), (min, span) => {
        const value = suite.randomBigInt(min, min + span)
        expect(value >= min && value <= min + span).toBe(true)
      }),
    )
  })

  it('covers a small range uniformly', async () => {
    const s = await loadCrypto({ random: seededRandom('uniform') })
    const counts = new Map<bigint, number>()
    for (let i = 0; i < 6000; i++) {
      const v = s.randomBigInt(-3n, 2n)
      counts.set(v, (counts.get(v) ?? 0) + 1)
    }
    expect([...counts.keys()].sort((a, b) => Number(a - b))).toEqual([-3n, -2n, -1n, 0n, 1n, 2n])
    for (const count of counts.values()) expect(count).toBeGreaterThan(850)
    for (const count of counts.values()) expect(count).toBeLessThan(1150)
  })

  it('reaches both ends of the range', () => {
    const seen = new Set<bigint>()
    for (let i = 0; i < 200 && seen.size < 2; i++) seen.add(suite.randomBigInt(0n, 1n))
    expect(seen).toEqual(new Set([0n, 1n]))
  })

  it('rejects min > max and non-bigints', () => {
    expect(() => suite.randomBigInt(2n, 1n)).toThrow(
      new InvalidArgumentError('"min" must not exceed "max", got min=2 max=1'),
    )
    expect(() => suite.randomBigInt(1 as unknown as bigint, 2n)).toThrow(
      new InvalidArgumentError('"min" expected bigint, got type=number'),
    )
    expect(() => suite.randomBigInt(1n, '2' as unknown as bigint)).toThrow(InvalidArgumentError)
  })
})
