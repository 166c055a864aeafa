// codec.json: the pure cryptographic cases (nonces, keyed hash, secretbox, crypto_box, seeds, PSK forms).
import { hex, loadVectors, toHex, u64 } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { counterNonce, parsePsk, SecretKey, SymmetricKey } from '../src/index.ts'
import { HEADER_LENGTH, suite } from './support.ts'

const codec = loadVectors('codec')

describe('codec.json nonce_from_counter', () => {
  it.each(codec.nonce_from_counter as { counter: string; nonce: string }[])(
    'N($counter)',
    ({ counter, nonce }) => {
      expect(toHex(suite.counterNonce(u64(counter)))).toBe(nonce)
      expect(toHex(counterNonce(u64(counter)))).toBe(nonce)
    },
  )
})

describe('codec.json keyedhash', () => {
  const cases = codec.keyedhash as { label: string; data: string; key: string; hash: string }[]
  it.each(cases)('$label', ({ data, key, hash }) => {
    expect(toHex(suite.hash(hex(key), hex(data)))).toBe(hash)
  })

  it('the unkeyed entry gives the default client ID and the guest ID', () => {
    const unkeyed = cases.find((c) => c.key === '')!
    expect(toHex(suite.guestId(hex(unkeyed.data)))).toBe(unkeyed.hash)
    expect(toHex(suite.defaultClientId(hex(unkeyed.data)))).toBe(unkeyed.hash.slice(0, 32))
  })

  it('a key given as a Secret hashes like its bytes', () => {
    const c = cases.find((x) => x.key.length === 64)!
    expect(toHex(suite.hash(SymmetricKey.from(hex(c.key)), hex(c.data)))).toBe(c.hash)
  })
})

describe('codec.json secretbox', () => {
  const cases = codec.secretbox as {
    key: string
    counter: string
    nonce: string
    plaintext: string
    box: string
  }[]
  it.each(cases)('counter $counter: nonce, seal and open', ({ key, counter, nonce, plaintext, box }) => {
    const k = SymmetricKey.from(hex(key))
    expect(toHex(suite.counterNonce(u64(counter)))).toBe(nonce)
    expect(toHex(suite.seal(hex(plaintext), u64(counter), k))).toBe(box)
    expect(toHex(suite.open(hex(box), u64(counter), k)!)).toBe(plaintext)
  })
})

describe('codec.json crypto_box', () => {
  type BoxCase = Record<
    'sender_sk' | 'sender_pk' | 'receiver_sk' | 'receiver_pk' | 'nonce' | 'plaintext' | 'box',
    string
  >
  it.each(codec.crypto_box as BoxCase[])('seals and opens ($nonce)', (c) => {
    const senderSk = SecretKey.from(hex(c.sender_sk))
    const receiverSk = SecretKey.from(hex(c.receiver_sk))
    expect(toHex(suite.publicKeyOf(senderSk))).toBe(c.sender_pk)
    expect(toHex(suite.publicKeyOf(receiverSk))).toBe(c.receiver_pk)
    expect(toHex(suite.boxSeal(hex(c.plaintext), hex(c.nonce), hex(c.receiver_pk), senderSk))).toBe(c.box)
    expect(toHex(suite.boxOpen(hex(c.box), hex(c.nonce), hex(c.sender_pk), receiverSk)!)).toBe(c.plaintext)
  })
})

describe('codec.json keypairs_from_seed', () => {
  const cases = codec.keypairs_from_seed as { role: string; seed: string; pk: string; sk: string }[]
  it.each(cases)('$role key pair', ({ seed, pk, sk }) => {
    const pair = suite.keyPairFromSeed(hex(seed))
    expect(toHex(pair.publicKey)).toBe(pk)
    expect(toHex(pair.secretKey.expose())).toBe(sk)
    expect(pair.secretKey.equals(SecretKey.from(hex(sk)))).toBe(true)
  })
})

describe('codec.json psk_formats', () => {
  type PskFormat = {
    label: string
    input_type: 'bytes' | 'str' | 'none'
    input: string | null
    result: string
  }
  const cases = codec.psk_formats as (PskFormat & { raw_hex?: string | null; error?: string })[]
  const given = (c: PskFormat) => (c.input_type === 'bytes' ? hex(c.input!) : c.input!)

  it.each(cases.filter((c) => c.result === 'ok' && c.input_type !== 'none'))('accepts $label', (c) => {
    expect(toHex(parsePsk(given(c)).expose())).toBe(c.raw_hex)
  })

  it.each(cases.filter((c) => c.result === 'error'))('rejects $label without echoing it', (c) => {
    let error: unknown
    try {
      parsePsk(given(c))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidArgumentError)
    const message = (error as Error).message
    expect(message).toMatch(/^PSK/)
    expect(message).not.toContain(c.input!)
    expect(message.toLowerCase()).not.toContain(c.input!.slice(0, 16).toLowerCase())
  })

  it('the "None" entry (ECC, no PSK) is not a PSK: parsePsk refuses null with an InvalidArgumentError', () => {
    const none = cases.find((c) => c.input_type === 'none')!
    expect(none.raw_hex).toBeNull()
    expect(() => parsePsk(none.input as unknown as string)).toThrow(InvalidArgumentError)
  })
})

describe('codec.json headers', () => {
  const secure = (codec.headers as { label: string; hex: string; counter: string; kind: string }[]).filter(
    (h) => h.kind === 'secure',
  )
  it.each(secure)('$label: the all-zero box is rejected, not thrown on', (h) => {
    const box = hex(h.hex).subarray(HEADER_LENGTH)
    expect(suite.open(box, u64(h.counter), SymmetricKey.from(new Uint8Array(32)))).toBeUndefined()
  })
})
