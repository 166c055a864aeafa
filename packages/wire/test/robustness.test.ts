import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as wire from '../src/index.ts'
import { concat, decodesOrRejects, someBytes, u8 } from './helpers.ts'

// Every exported single-argument decoder, found by name so new ones are covered automatically.
const decoders = (Object.entries(wire) as [string, unknown][])
  .filter(
    ([name, value]) =>
      name.startsWith('decode') &&
      name !== 'decodeSetup' &&
      name !== 'decodeAppPayload' &&
      typeof value === 'function',
  )
  .map(([name, value]) => [name, value as (b: Uint8Array) => unknown] as const)

describe('every decoder is total', () => {
  it('the export list holds all the decoders this suite expects', () => {
    expect(decoders).toHaveLength(31)
  })

  it.each(decoders)('%s: random bytes give a value or a WireDecodeError, input untouched', (_, decode) => {
    fc.assert(
      fc.property(someBytes(80), (b) => void decodesOrRejects(decode, b)),
      { numRuns: 300 },
    )
  })

  it.each(decoders)('%s: works on subarrays at odd offsets of a larger buffer', (_, decode) => {
    fc.assert(
      fc.property(someBytes(40), u8, (b, pad) => {
        const big = concat(new Uint8Array(pad % 7), b, new Uint8Array(3).fill(0xee))
        const view = big.subarray(pad % 7, (pad % 7) + b.length)
        const direct = decodesOrRejects(decode, b.slice())
        const viaView = decodesOrRejects(decode, view)
        // the surrounding bytes must never leak into the result
        if (direct instanceof wire.WireDecodeError)
          expect(viaView).toMatchObject({ reason: direct.reason, offset: direct.offset })
        else expect(viaView).toEqual(direct)
      }),
      { numRuns: 100 },
    )
  })

  it('decodeSetup: any opcode with random data gives a message or a WireDecodeError', () => {
    fc.assert(
      fc.property(
        u8,
        someBytes(170),
        (opcode, data) => void decodesOrRejects((d) => wire.decodeSetup(opcode, d), data),
      ),
      { numRuns: 2000 },
    )
  })

  it('decodeAppPayload: a payload that follows its opcode in one buffer (as the engine hands it) decodes the same, without a copy', () => {
    fc.assert(
      fc.property(u8, someBytes(80), (opcode, payload) => {
        const plaintext = concat(Uint8Array.of(opcode), payload)
        const whole = decodesOrRejects(wire.decodeApp, plaintext)
        const split = decodesOrRejects((p) => wire.decodeAppPayload(opcode, p), plaintext.subarray(1))
        if (whole instanceof wire.WireDecodeError) expect(split).toMatchObject({ reason: whole.reason })
        else expect(split).toEqual(whole)
      }),
      { numRuns: 2000 },
    )
  })

  it('decodeAppPayload: any opcode with a random payload decodes as decodeApp(opcode ‖ payload)', () => {
    fc.assert(
      fc.property(u8, someBytes(80), (opcode, payload) => {
        const whole = decodesOrRejects(wire.decodeApp, concat(Uint8Array.of(opcode), payload))
        const split = decodesOrRejects((p) => wire.decodeAppPayload(opcode, p), payload)
        if (whole instanceof wire.WireDecodeError) expect(split).toMatchObject({ reason: whole.reason })
        else expect(split).toEqual(whole)
      }),
      { numRuns: 2000 },
    )
  })

  it('decodeSetup: exact-length random data decodes for every defined opcode', () => {
    const sizes: [number, number][] = [
      [1, 81],
      [2, 80],
      [3, 121],
      [4, 0],
      [5, 0],
      [6, 16],
      [7, 16],
      [11, 88],
      [12, 161],
    ]
    for (const [opcode, size] of sizes) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: size, maxLength: size }), (data) => {
          expect(decodesOrRejects((d) => wire.decodeSetup(opcode, d), data)).toHaveProperty('type')
        }),
        { numRuns: 50 },
      )
    }
  })
})
