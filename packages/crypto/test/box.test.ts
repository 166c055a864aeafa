// crypto_box and X25519 key pairs.
import { toHex } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadCrypto, type SecretKey, SymmetricKey, seededRandom } from '../src/index.ts'
import { flipBit, suite } from './support.ts'

const alice = suite.keyPairFromSeed(new Uint8Array(32).fill(1))
const bob = suite.keyPairFromSeed(new Uint8Array(32).fill(2))
const nonce = new Uint8Array(24).fill(3)
const message = Uint8Array.of(1, 2, 3, 4)

describe('boxSeal validates its arguments', () => {
  it('InvalidArgumentError for a message that is not a Uint8Array', () => {
    expect(() => suite.boxSeal('x' as unknown as Uint8Array, nonce, bob.publicKey, alice.secretKey)).toThrow(
      new InvalidArgumentError('"message" expected Uint8Array, got type=string'),
    )
  })

  it('InvalidArgumentError for a nonce that is not 24 bytes', () => {
    expect(() => suite.boxSeal(message, new Uint8Array(8), bob.publicKey, alice.secretKey)).toThrow(
      new InvalidArgumentError('"nonce" expected Uint8Array of length 24, got length=8'),
    )
  })

  it('InvalidArgumentError for a public key that is not 32 bytes', () => {
    expect(() => suite.boxSeal(message, nonce, bob.publicKey.subarray(1), alice.secretKey)).toThrow(
      new InvalidArgumentError('"recipientPublicKey" expected Uint8Array of length 32, got length=31'),
    )
  })

  it('InvalidArgumentError for a secret key given as raw bytes or as another kind of secret', () => {
    const raw = alice.secretKey.expose().slice() as unknown as SecretKey
    expect(() => suite.boxSeal(message, nonce, bob.publicKey, raw)).toThrow(
      new InvalidArgumentError('"senderSecretKey" expected SecretKey, got type=Uint8Array'),
    )
    const symmetric = SymmetricKey.from(new Uint8Array(32)) as unknown as SecretKey
    expect(() => suite.boxSeal(message, nonce, bob.publicKey, symmetric)).toThrow(InvalidArgumentError)
  })

  it('InvalidArgumentError for a low-order (all-zero) recipient public key', () => {
    expect(() => suite.boxSeal(message, nonce, new Uint8Array(32), alice.secretKey)).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('boxOpen never throws on hostile input', () => {
  const box = suite.boxSeal(message, nonce, bob.publicKey, alice.secretKey)
  const cases: [string, unknown, unknown, unknown][] = [
    ['a box shorter than the tag', box.subarray(0, 15), nonce, alice.publicKey],
    ['a truncated box', box.subarray(0, box.length - 1), nonce, alice.publicKey],
    ['a 23-byte nonce', box, nonce.subarray(1), alice.publicKey],
    ['a 31-byte public key', box, nonce, alice.publicKey.subarray(1)],
    ['an all-zero (low-order) public key', box, nonce, new Uint8Array(32)],
    ['the wrong sender', box, nonce, bob.publicKey],
    ['the wrong nonce', box, new Uint8Array(24), alice.publicKey],
    ['a string box', 'box', nonce, alice.publicKey],
    ['a null nonce', box, null, alice.publicKey],
    ['an array public key', box, nonce, [...alice.publicKey]],
  ]
  it.each(cases)('undefined for %s', (_, b, n, pk) => {
    expect(suite.boxOpen(b as Uint8Array, n as Uint8Array, pk as Uint8Array, bob.secretKey)).toBeUndefined()
  })

  it('the genuine box opens', () => {
    expect(suite.boxOpen(box, nonce, alice.publicKey, bob.secretKey)).toEqual(message)
  })

  it('InvalidArgumentError when the recipient secret key is not a SecretKey (a programming error)', () => {
    const raw = bob.secretKey.expose() as unknown as SecretKey
    expect(() => suite.boxOpen(box, nonce, alice.publicKey, raw)).toThrow(InvalidArgumentError)
  })

  it('any single bit flip makes boxOpen return undefined', () => {
    fc.assert(
      fc.property(fc.nat(), (bit) => {
        const flipped = flipBit(box, bit % (box.length * 8))
        expect(suite.boxOpen(flipped, nonce, alice.publicKey, bob.secretKey)).toBeUndefined()
      }),
    )
  })

  it('round trip for any message and nonce', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        (m, n) => {
          const sealed = suite.boxSeal(m, n, bob.publicKey, alice.secretKey)
          expect(suite.boxOpen(sealed, n, alice.publicKey, bob.secretKey)).toEqual(m)
        },
      ),
      { numRuns: 50 },
    )
  })
})

describe('key pairs', () => {
  it('keyPairFromSeed rejects seeds that are not 32 bytes', () => {
    expect(() => suite.keyPairFromSeed(new Uint8Array(31))).toThrow(
      new InvalidArgumentError('"seed" expected Uint8Array of length 32, got length=31'),
    )
  })

  it('keyPairFromSecretKey reuses a SecretKey and copies raw bytes', () => {
    const raw = alice.secretKey.expose().slice()
    expect(suite.keyPairFromSecretKey(alice.secretKey).secretKey).toBe(alice.secretKey)
    const fromBytes = suite.keyPairFromSecretKey(raw)
    raw.fill(0)
    expect(fromBytes.secretKey.equals(alice.secretKey)).toBe(true)
    expect(fromBytes.publicKey).toEqual(alice.publicKey)
  })

  it('publicKeyOf agrees with the seeded pair, for a SecretKey or bytes; rejects other lengths', () => {
    expect(suite.publicKeyOf(alice.secretKey)).toEqual(alice.publicKey)
    expect(suite.publicKeyOf(alice.secretKey.expose())).toEqual(alice.publicKey)
    expect(() => suite.publicKeyOf(new Uint8Array(16))).toThrow(InvalidArgumentError)
  })

  it('key pairs are frozen and redact their secret half', () => {
    expect(Object.isFrozen(alice)).toBe(true)
    const json = JSON.stringify(alice)
    expect(json).toContain('"secretKey":"[redacted]"')
    expect(json).not.toContain(toHex(alice.secretKey.expose()))
  })

  it('generateKeyPair draws its seed from the suite’s random source (reproducible when seeded)', async () => {
    const a = await loadCrypto({ random: seededRandom('pairs') })
    const b = await loadCrypto({ random: seededRandom('pairs') })
    const first = a.generateKeyPair()
    expect(b.generateKeyPair().publicKey).toEqual(first.publicKey)
    expect(a.generateKeyPair().publicKey).not.toEqual(first.publicKey)
    const seed = seededRandom('pairs')(32)
    expect(suite.keyPairFromSeed(seed).publicKey).toEqual(first.publicKey)
  })

  it('generateKeyPair with the system source gives distinct, working pairs', () => {
    const x = suite.generateKeyPair()
    const y = suite.generateKeyPair()
    expect(x.publicKey).not.toEqual(y.publicKey)
    expect(suite.publicKeyOf(x.secretKey)).toEqual(x.publicKey)
  })
})
