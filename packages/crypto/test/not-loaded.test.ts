// Before loadCrypto() resolves (fresh module state in this file), a seeded source can be made
// but cannot draw; afterwards it can. Parsing and secrets need no libsodium at all.
import { describe, expect, it } from 'vitest'
import { CryptoError, loadCrypto, parsePsk, SymmetricKey, seededRandom } from '../src/index.ts'

describe('before loadCrypto()', () => {
  it('parsing, comparing and wiping secrets work without libsodium loaded', () => {
    const psk = parsePsk('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')
    expect(psk.equals(parsePsk('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'))).toBe(
      true,
    )
    const key = SymmetricKey.from(new Uint8Array(32).fill(1))
    key.wipe()
    expect(key.wiped).toBe(true)
  })

  it('seededRandom draws only after loading, with a message that says what to do', async () => {
    const source = seededRandom('early')
    expect(() => source(4)).toThrow(
      new CryptoError(
        'ERR_NOT_LOADED',
        'libsodium is not loaded yet: await loadCrypto() before using this function',
      ),
    )
    const crypto = await loadCrypto({ random: source })
    expect(crypto.random(4)).toEqual(seededRandom('early')(4))
  })
})
