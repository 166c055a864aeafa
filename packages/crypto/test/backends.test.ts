// The two backends side by side in one process: sodium-native (when installed) and
// libsodium-wrappers' WebAssembly seal, open and box to the same bytes, recorded vectors
// included. The rest of the suite runs against whichever backend the process chose
// (PAVILLION_CRYPTO=wasm|native forces one; CI runs the suite once with each).
import { hex, toHex, u64 } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chooseBackend } from '../src/backend.ts'
import { publicKeyBox } from '../src/box.ts'
import { SymmetricKey } from '../src/index.ts'
import { importNativeSodium } from '../src/native-sodium.ts'
import { counterSecretbox } from '../src/secretbox.ts'
import { readySodium } from '../src/sodium.ts'
import { allRuns, flipBit, HEADER_LENGTH, keyOf, suite } from './support.ts'

const sodium = await readySodium()
const native = await importNativeSodium()
const wasmBox = counterSecretbox(sodium)
const wasmPublic = publicKeyBox(sodium)

it('the suite reports the backend this process chose', async () => {
  expect(suite.backend).toBe((await chooseBackend()).name)
  const forced = process.env.PAVILLION_CRYPTO
  if (forced === 'wasm' || forced === 'native') expect(suite.backend).toBe(forced)
  else expect(suite.backend).toBe(native === undefined ? 'wasm' : 'native')
})

describe.skipIf(native === undefined)('sodium-native against the WebAssembly', () => {
  const nativeBox = counterSecretbox(sodium, native)
  const nativePublic = publicKeyBox(sodium, native)
  const secure = allRuns().flatMap((run) =>
    run.datagrams.filter((d) => d.kind === 'secure').map((d) => ({ run, d, label: `${run.name} #${d.i}` })),
  )

  it.each(secure)('$label seals and opens to the recorded bytes with both', ({ run, d }) => {
    const key = keyOf(run, d.key)
    const counter = u64(d.counter)
    const box = hex(d.hex).subarray(HEADER_LENGTH)
    for (const backend of [wasmBox, nativeBox]) {
      expect(toHex(backend.seal(hex(d.plaintext!), counter, key))).toBe(d.box)
      expect(toHex(backend.open(box, counter, key)!)).toBe(d.plaintext)
    }
  })

  it('sealInto and openInto agree on random input, and both refuse any flipped bit', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1200 }),
        fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 8 }),
        fc.nat(),
        (plaintext, counter, keyBytes, offset, bit) => {
          const key = SymmetricKey.from(keyBytes)
          const [a, b] = [wasmBox, nativeBox].map((backend) => {
            const target = new Uint8Array(offset + plaintext.length + 16)
            backend.sealInto(target, offset, plaintext, counter, key)
            return target.subarray(offset)
          })
          expect(toHex(b!)).toBe(toHex(a!))
          const forged = flipBit(a!, bit % (a!.length * 8))
          for (const backend of [wasmBox, nativeBox]) {
            expect(toHex(backend.openInto(a!, counter, key, (n) => new Uint8Array(n))!)).toBe(
              toHex(plaintext),
            )
            expect(backend.open(forged, counter, key)).toBeUndefined()
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('crypto_box agrees, and both refuse a low-order key the same way', () => {
    const alice = wasmPublic.keyPairFromSeed(new Uint8Array(32).fill(1))
    const bob = wasmPublic.keyPairFromSeed(new Uint8Array(32).fill(2))
    const nonce = new Uint8Array(24).fill(7)
    const message = new TextEncoder().encode('the same bytes from both backends')
    const a = wasmPublic.boxSeal(message, nonce, bob.publicKey, alice.secretKey)
    const b = nativePublic.boxSeal(message, nonce, bob.publicKey, alice.secretKey)
    expect(toHex(b)).toBe(toHex(a))
    for (const backend of [wasmPublic, nativePublic]) {
      expect(toHex(backend.boxOpen(a, nonce, alice.publicKey, bob.secretKey)!)).toBe(toHex(message))
      expect(backend.boxOpen(flipBit(a, 3), nonce, alice.publicKey, bob.secretKey)).toBeUndefined()
      expect(backend.boxOpen(a, nonce, new Uint8Array(32), bob.secretKey)).toBeUndefined()
      expect(() => backend.boxSeal(message, nonce, new Uint8Array(32), alice.secretKey)).toThrow(
        InvalidArgumentError,
      )
      expect(backend.boxOpen(a.subarray(0, 10), nonce, alice.publicKey, bob.secretKey)).toBeUndefined()
    }
  })
})
