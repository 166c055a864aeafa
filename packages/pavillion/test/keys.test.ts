import { describe, expect, it } from 'vitest'
import {
  exportKey,
  generateKeyPair,
  generatePsk,
  InvalidArgumentError,
  parsePsk,
  parseSecretKey,
  publicKeyOf,
  toHex,
} from '../src/index.ts'

describe('key helpers', () => {
  it('generates PSKs that export as 64 hex characters and parse back', async () => {
    const psk = await generatePsk()
    const hex = exportKey(psk)
    expect(hex).toMatch(/^[0-9a-f]{64}$/)
    expect(parsePsk(hex).equals(psk)).toBe(true)
    expect(String(psk)).toBe('[redacted]')
    expect(exportKey(await generatePsk())).not.toBe(hex)
  })

  it('derives the public key of a secret key in any accepted form', async () => {
    const pair = await generateKeyPair()
    const hex = exportKey(pair.secretKey)
    for (const form of [
      hex,
      hex.toUpperCase(),
      Buffer.from(hex, 'hex').toString('base64'),
      parseSecretKey(hex),
    ]) {
      expect(toHex(await publicKeyOf(form))).toBe(toHex(pair.publicKey))
    }
    await expect(publicKeyOf('abc')).rejects.toThrow(/"secretKey"/)
  })

  it('refuses to export something that is not a key', () => {
    expect(() => exportKey('ab' as never)).toThrow(InvalidArgumentError)
  })
})
