// Secret classes: redaction everywhere, copying, constant-time equality, wiping.
import { format, inspect } from 'node:util'
import { toHex } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import {
  CryptoError,
  PresharedKey,
  parsePsk,
  REDACTED,
  Secret,
  SecretKey,
  SymmetricKey,
} from '../src/index.ts'
import { suite } from './support.ts'

const bytes = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i)
const hexBytes = toHex(bytes)
const kinds = [
  ['PresharedKey', PresharedKey.from(bytes)],
  ['SymmetricKey', SymmetricKey.from(bytes)],
  ['SecretKey', SecretKey.from(bytes)],
  ['Secret', Secret.from(bytes)],
] as const

/** Every way the key could be turned into text, none of which may show its bytes. */
const renderings = (secret: Secret): string[] => [
  inspect(secret),
  inspect(secret, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
  inspect({ nested: { secret } }),
  inspect([secret]),
  JSON.stringify(secret),
  JSON.stringify({ secret }),
  String(secret),
  `${secret}`,
  // biome-ignore lint/style/useTemplate: string concatenation is one of the conversions under test
  '' + secret,
  secret.toString(),
  format('%s %o %O %j', secret, secret, secret, secret),
  Object.keys(secret).join(','),
]

describe.each(kinds)('%s redaction', (_, secret) => {
  it('no rendering contains the key bytes (hex, decimal or base64)', () => {
    for (const text of renderings(secret)) {
      expect(text).not.toContain(hexBytes.slice(0, 8))
      expect(text).not.toContain('160')
      expect(text).not.toContain(Buffer.from(bytes).toString('base64').slice(0, 8))
    }
  })

  it('inspect, JSON, String and template strings all show [redacted]', () => {
    expect(inspect(secret)).toBe(REDACTED)
    expect(JSON.stringify(secret)).toBe(`"${REDACTED}"`)
    expect(String(secret)).toBe(REDACTED)
    expect(`${secret}`).toBe(REDACTED)
    expect(REDACTED).toBe('[redacted]')
  })

  it('has no enumerable own properties', () => {
    expect(Object.keys(secret)).toEqual([])
    expect(Object.getOwnPropertyNames(secret)).toEqual([])
  })

  it('expose() gives the bytes and length reports their number', () => {
    expect(toHex(secret.expose())).toBe(hexBytes)
    expect(secret.length).toBe(32)
  })
})

describe('Secret.from and subclasses', () => {
  it('copies its input: later changes to the caller’s buffer do not reach the secret', () => {
    const input = bytes.slice()
    const key = SymmetricKey.from(input)
    input.fill(0)
    expect(toHex(key.expose())).toBe(hexBytes)
  })

  it('each static from returns its own class', () => {
    expect(PresharedKey.from(bytes)).toBeInstanceOf(PresharedKey)
    expect(SymmetricKey.from(bytes)).toBeInstanceOf(SymmetricKey)
    expect(SecretKey.from(bytes)).toBeInstanceOf(SecretKey)
    expect(SecretKey.from(bytes)).toBeInstanceOf(Secret)
    expect(Secret.from(bytes)).not.toBeInstanceOf(SymmetricKey)
  })

  it.each(['PresharedKey', 'SymmetricKey', 'SecretKey'] as const)('%s requires exactly 32 bytes', (name) => {
    const cls = { PresharedKey, SymmetricKey, SecretKey }[name]
    expect(() => cls.from(new Uint8Array(31))).toThrow(
      new InvalidArgumentError(`"${name}" expected Uint8Array of length 32, got length=31`),
    )
    expect(() => cls.from(new Uint8Array(33))).toThrow(InvalidArgumentError)
    expect(() => cls.from('00'.repeat(32) as unknown as Uint8Array)).toThrow(
      new InvalidArgumentError(`"${name}" expected Uint8Array, got type=string`),
    )
  })

  it('the base Secret accepts any length', () => {
    expect(Secret.from(new Uint8Array(5)).length).toBe(5)
    expect(Secret.from(new Uint8Array(0)).length).toBe(0)
  })
})

describe('Secret.equals', () => {
  it('true for the same kind and bytes, false for other bytes', () => {
    expect(SymmetricKey.from(bytes).equals(SymmetricKey.from(bytes))).toBe(true)
    expect(SymmetricKey.from(bytes).equals(SymmetricKey.from(bytes.map((b) => b ^ 1)))).toBe(false)
  })

  it('false for a different kind of secret with the same bytes', () => {
    expect(SymmetricKey.from(bytes).equals(PresharedKey.from(bytes))).toBe(false)
    expect(Secret.from(bytes).equals(SecretKey.from(bytes))).toBe(false)
  })

  it('false for different lengths and for things that are not secrets', () => {
    expect(Secret.from(bytes).equals(Secret.from(bytes.subarray(1)))).toBe(false)
    expect(Secret.from(bytes).equals(bytes as unknown as Secret)).toBe(false)
    expect(Secret.from(bytes).equals(null as unknown as Secret)).toBe(false)
  })

  it('false once either side is wiped', () => {
    const a = SymmetricKey.from(bytes)
    const b = SymmetricKey.from(bytes)
    b.wipe()
    expect(a.equals(b)).toBe(false)
    expect(b.equals(a)).toBe(false)
  })
})

describe('Secret.wipe', () => {
  it('zeroes the bytes in place, marks the secret wiped and makes expose() throw', () => {
    const key = PresharedKey.from(bytes)
    const view = key.expose()
    expect(key.wiped).toBe(false)
    key.wipe()
    expect(view.every((b) => b === 0)).toBe(true)
    expect(key.wiped).toBe(true)
    expect(() => key.expose()).toThrow(
      new CryptoError('ERR_KEY_WIPED', 'PresharedKey was wiped and can no longer be used'),
    )
  })

  it('is idempotent and is what Symbol.dispose does', () => {
    const key = SecretKey.from(bytes)
    key[Symbol.dispose]()
    expect(key.wiped).toBe(true)
    expect(() => key.wipe()).not.toThrow()
  })

  it('a wiped PSK cannot be used to derive keys', () => {
    const psk = parsePsk(bytes)
    psk.wipe()
    expect(() => suite.pskClientKey(psk, new Uint8Array(32))).toThrow(/wiped/)
  })
})
