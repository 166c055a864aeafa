// loadCrypto and the PavillionCrypto object: shape, the documented example, hash, equal,
// counter nonces and the argument checks of the derivations.
import { toHex } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCrypto, PresharedKey, parsePsk, SecretKey, SymmetricKey } from '../src/index.ts'
import { suite } from './support.ts'

const psk = PresharedKey.from(new Uint8Array(32).fill(1))
const n32 = new Uint8Array(32).fill(2)
const n16 = new Uint8Array(16).fill(3)

describe('loadCrypto', () => {
  it('returns a frozen object with every method of the contract', () => {
    const methods = [
      'hash',
      'counterNonce',
      'seal',
      'open',
      'boxSeal',
      'boxOpen',
      'generateKeyPair',
      'keyPairFromSeed',
      'keyPairFromSecretKey',
      'publicKeyOf',
      'generatePsk',
      'equal',
      'pskClientKey',
      'pskServerKey',
      'pskSessionId',
      'eccSessionId',
      'pskNonceHash',
      'pskClientInfoHash',
      'guestId',
      'defaultClientId',
      'randomKey',
      'randomBigInt',
      'verifyPskNonceHash',
      'verifyPskClientInfoHash',
      'random',
    ]
    expect(Object.isFrozen(suite)).toBe(true)
    for (const name of methods)
      expect(typeof (suite as unknown as Record<string, unknown>)[name]).toBe('function')
  })

  it('methods work when destructured (no this)', () => {
    const { seal, open, pskClientKey } = suite
    const key = pskClientKey(psk, n32)
    expect(open(seal(Uint8Array.of(1), 5n, key), 5n, key)).toEqual(Uint8Array.of(1))
  })

  it('the @packageDocumentation example runs as documented', async () => {
    const crypto = await loadCrypto()
    const key = parsePsk('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')
    const clientNonce = crypto.random(32)
    const ckey = crypto.pskClientKey(key, clientNonce)
    const box = crypto.seal(Uint8Array.of(4, 0x91, 0x01, 0x68, 0x69), 1002n, ckey)
    expect(crypto.open(box, 1002n, ckey)).toEqual(Uint8Array.of(4, 0x91, 0x01, 0x68, 0x69))
    expect(crypto.open(box, 1003n, ckey)).toBeUndefined()
    expect(`${key}`).toBe('[redacted]')
  })

  it('generatePsk and randomKey give distinct 32-byte secrets of their class', () => {
    const a = suite.generatePsk()
    expect(a).toBeInstanceOf(PresharedKey)
    expect(a.length).toBe(32)
    expect(a.equals(suite.generatePsk())).toBe(false)
    expect(suite.randomKey()).toBeInstanceOf(SymmetricKey)
    expect(suite.randomKey().equals(suite.randomKey())).toBe(false)
  })
})

describe('hash', () => {
  it('accepts keys of 0 to 64 bytes; an empty key is H0', () => {
    const m = Uint8Array.of(1, 2, 3)
    expect(suite.hash(new Uint8Array(0), n32)).toEqual(suite.guestId(n32))
    for (const length of [1, 16, 32, 64]) expect(suite.hash(new Uint8Array(length), m).length).toBe(32)
    expect(suite.hash(new Uint8Array(16), m)).not.toEqual(suite.hash(new Uint8Array(32), m))
  })

  it('rejects keys longer than 64 bytes and arguments of the wrong type', () => {
    expect(() => suite.hash(new Uint8Array(65), n16)).toThrow(
      new InvalidArgumentError('"key" expected Uint8Array of length 0..64, got length=65'),
    )
    expect(() => suite.hash('key' as unknown as Uint8Array, n16)).toThrow(
      new InvalidArgumentError('"key" expected Uint8Array or Secret, got type=string'),
    )
    expect(() => suite.hash(n16, 'message' as unknown as Uint8Array)).toThrow(
      new InvalidArgumentError('"message" expected Uint8Array, got type=string'),
    )
  })
})

describe('equal', () => {
  it('true for equal bytes, false after any change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (a, at) => {
        expect(suite.equal(a, a.slice())).toBe(true)
        const b = a.slice()
        b[at % b.length]! ^= 0x80
        expect(suite.equal(a, b)).toBe(false)
      }),
    )
  })

  it('false (not an exception) for different lengths or non-arrays', () => {
    expect(suite.equal(new Uint8Array(2), new Uint8Array(3))).toBe(false)
    expect(suite.equal(new Uint8Array(0), new Uint8Array(0))).toBe(true)
    expect(suite.equal([0] as unknown as Uint8Array, new Uint8Array(1))).toBe(false)
  })
})

describe('counterNonce', () => {
  it('is 16 zero bytes then the little-endian counter', () => {
    expect(toHex(suite.counterNonce(1002n))).toBe(`${'00'.repeat(16)}ea03000000000000`)
    expect(toHex(suite.counterNonce(0n))).toBe('00'.repeat(24))
  })

  it('rejects counters outside [0, 2^64 - 1] and non-bigints', () => {
    expect(() => suite.counterNonce(-1n)).toThrow(InvalidArgumentError)
    expect(() => suite.counterNonce(2n ** 64n)).toThrow(InvalidArgumentError)
    expect(() => suite.counterNonce(1 as unknown as bigint)).toThrow(InvalidArgumentError)
  })
})

describe('derivations', () => {
  it('ckey does not depend on the server; skey does', () => {
    const other = new Uint8Array(32).fill(9)
    expect(suite.pskClientKey(psk, n32).equals(suite.pskClientKey(psk, n32))).toBe(true)
    expect(suite.pskServerKey(psk, n32, n32).equals(suite.pskServerKey(psk, n32, other))).toBe(false)
    expect(suite.pskServerKey(psk, n32, other)).toBeInstanceOf(SymmetricKey)
  })

  it('session IDs and client IDs are 16 bytes, guest IDs 32', () => {
    const ckey = suite.pskClientKey(psk, n32)
    expect(suite.pskSessionId(psk, ckey).length).toBe(16)
    expect(suite.eccSessionId(n32, ckey).length).toBe(16)
    expect(suite.defaultClientId(n32)).toEqual(suite.guestId(n32).subarray(0, 16))
  })

  it.each([
    [
      'pskClientKey',
      () => suite.pskClientKey(psk, n16),
      '"clientNonce" expected Uint8Array of length 32, got length=16',
    ],
    [
      'pskServerKey',
      () => suite.pskServerKey(psk, n32, n16),
      '"serverNonce" expected Uint8Array of length 32, got length=16',
    ],
    [
      'pskNonceHash',
      () => suite.pskNonceHash(psk, n32, n32),
      '"challenge" expected Uint8Array of length 16, got length=32',
    ],
    [
      'pskClientInfoHash',
      () => suite.pskClientInfoHash(psk, n32),
      '"hashedBytes" expected Uint8Array of length 89, got length=32',
    ],
    [
      'eccSessionId',
      () => suite.eccSessionId(n16, suite.randomKey()),
      '"clientPublicKey" expected Uint8Array of length 32, got length=16',
    ],
    ['guestId', () => suite.guestId(n16), '"publicKey" expected Uint8Array of length 32, got length=16'],
    [
      'defaultClientId',
      () => suite.defaultClientId(n16),
      '"publicKey" expected Uint8Array of length 32, got length=16',
    ],
  ])('%s rejects wrong lengths with an InvalidArgumentError', (_, call, message) => {
    expect(call).toThrow(new InvalidArgumentError(message))
  })

  it('the PSK derivations want a PresharedKey, not bytes or another secret', () => {
    const raw = new Uint8Array(32) as unknown as PresharedKey
    expect(() => suite.pskClientKey(raw, n32)).toThrow(
      new InvalidArgumentError('"psk" expected PresharedKey, got type=Uint8Array'),
    )
    const other = SymmetricKey.from(new Uint8Array(32)) as unknown as PresharedKey
    expect(() => suite.pskNonceHash(other, n32, n16)).toThrow(InvalidArgumentError)
    const notCkey = SecretKey.from(new Uint8Array(32)) as unknown as SymmetricKey
    expect(() => suite.pskSessionId(psk, notCkey)).toThrow(
      new InvalidArgumentError('"ckey" expected SymmetricKey, got type=SecretKey'),
    )
  })

  it('the verifiers return false, never throw, for received values of the wrong shape', () => {
    const hash = suite.pskNonceHash(psk, n32, n16)
    expect(suite.verifyPskNonceHash(psk, n32, n16, hash)).toBe(true)
    expect(suite.verifyPskNonceHash(psk, n32, n16, hash.subarray(1))).toBe(false)
    expect(suite.verifyPskNonceHash(psk, n32.subarray(1), n16, hash)).toBe(false)
    expect(suite.verifyPskNonceHash(psk, n32, n32, hash)).toBe(false)
    expect(suite.verifyPskNonceHash(psk, n32, n16, null as unknown as Uint8Array)).toBe(false)
    const body = new Uint8Array(89)
    const infoHash = suite.pskClientInfoHash(psk, body)
    expect(suite.verifyPskClientInfoHash(psk, body, infoHash)).toBe(true)
    expect(suite.verifyPskClientInfoHash(psk, body.subarray(1), infoHash)).toBe(false)
    expect(suite.verifyPskClientInfoHash(psk, body, new Uint8Array(32))).toBe(false)
    expect(suite.verifyPskClientInfoHash(PresharedKey.from(n32), body, infoHash)).toBe(false)
  })
})
