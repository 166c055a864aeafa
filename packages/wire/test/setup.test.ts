import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeEccClientInfoPlaintext,
  decodeEccNoncePlaintext,
  decodeFrame,
  decodeSetup,
  encodeEccClientInfoPlaintext,
  encodeEccNoncePlaintext,
  encodeSetup,
  encodeSetupFrame,
  InvalidArgumentError,
  pskClientInfoHashedBytes,
  pskNonceHashedBytes,
  type SetupMessage,
  SetupOpcode,
} from '../src/index.ts'
import { bytes, decodesOrRejects, expectWireError, mutations, setupMessages, u64 } from './helpers.ts'

/** Data length of each setup opcode (§5). */
const SIZES: Record<SetupMessage['type'], [opcode: number, size: number]> = {
  'nonce-request': [1, 81],
  'psk-nonce': [2, 80],
  'psk-client-info': [3, 121],
  'unrecognized-client': [4, 0],
  'new-server-join': [5, 0],
  'invalid-client-id': [6, 16],
  'session-accepted': [7, 16],
  'ecc-nonce': [11, 88],
  'ecc-client-info': [12, 161],
}
const types = Object.keys(SIZES) as SetupMessage['type'][]

function roundTrip(msg: SetupMessage): SetupMessage {
  const frame = decodeFrame(encodeSetup(msg))
  if (frame.kind !== 'setup') throw new Error('not a setup frame')
  return decodeSetup(frame.opcode, frame.data)
}

describe.each(types)('setup message %s', (type) => {
  const [opcode, size] = SIZES[type]

  it(`round-trips: decode(encode(x)) equals x, as a ${20 + size}-byte datagram with opcode ${opcode}`, () => {
    fc.assert(
      fc.property(setupMessages[type], (msg) => {
        const datagram = encodeSetup(msg)
        expect(datagram.length).toBe(20 + size)
        expect(datagram[19]).toBe(opcode)
        expect(roundTrip(msg)).toEqual(msg)
      }),
    )
  })

  it(`is canonical: any ${size} data bytes decode and re-encode to the same datagram`, () => {
    fc.assert(
      fc.property(bytes(size), (data) => {
        const datagram = encodeSetupFrame(opcode, data)
        expect(encodeSetup(decodeSetup(opcode, data))).toEqual(datagram)
      }),
    )
  })

  it(`requires exactly ${size} data bytes: shorter is TRUNCATED, longer TOO_LONG at ${size}`, () => {
    if (size > 0) expectWireError(() => decodeSetup(opcode, new Uint8Array(size - 1)), 'TRUNCATED')
    expectWireError(() => decodeSetup(opcode, new Uint8Array(size + 1)), 'TOO_LONG', size)
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: size + 40 }).filter((d) => d.length !== size),
        (data) => {
          expectWireError(() => decodeSetup(opcode, data), data.length < size ? 'TRUNCATED' : 'TOO_LONG')
        },
      ),
    )
  })

  it('survives truncation, extension and bit flips of valid datagrams (value or WireDecodeError)', () => {
    fc.assert(
      fc.property(
        setupMessages[type].chain((msg) => mutations(encodeSetup(msg))),
        (datagram) => {
          const frame = decodesOrRejects(decodeFrame, datagram)
          if ('kind' in frame && frame.kind === 'setup')
            decodesOrRejects((d) => decodeSetup(frame.opcode, d), frame.data)
        },
      ),
    )
  })
})

describe('decodeSetup', () => {
  it('returns byte fields as subarrays of the data, leaving the input untouched', () => {
    const data = new Uint8Array(81).map((_, i) => i)
    const before = data.slice()
    const msg = decodeSetup(SetupOpcode.NonceRequest, data)
    if (msg.type !== 'nonce-request') throw new Error('type')
    expect(msg.suite).toBe(0)
    expect(msg.clientId.buffer).toBe(data.buffer)
    expect(msg.clientId.byteOffset).toBe(1)
    expect(msg.publicKey.byteOffset).toBe(49)
    expect(data).toEqual(before)
  })

  it('decodes any cipher-suite byte (the engine decides what to accept), e.g. 9', () => {
    const data = new Uint8Array(81)
    data[0] = 9
    expect(decodeSetup(1, data)).toMatchObject({ type: 'nonce-request', suite: 9 })
  })

  it('reads the PSK client-info counter little-endian', () => {
    const data = new Uint8Array(121)
    data.set([0xe8, 0x03], 81)
    expect(decodeSetup(3, data)).toMatchObject({ counter: 1000n })
  })

  it.each([0, 8, 9, 10, 13, 99, 255])('rejects undefined setup opcode %i with UNKNOWN_OPCODE', (opcode) => {
    const e = expectWireError(() => decodeSetup(opcode, new Uint8Array(0)), 'UNKNOWN_OPCODE', 0)
    expect(e.message).toContain(String(opcode))
  })

  it('names the truncated field in the error message and points at its start', () => {
    const e = expectWireError(() => decodeSetup(1, new Uint8Array(20)), 'TRUNCATED', 17)
    expect(e.message).toContain('challenge')
  })

  it('throws InvalidArgumentError for non-Uint8Array data', () => {
    expect(() => decodeSetup(1, null as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })
})

describe('encodeSetup validation', () => {
  const good: SetupMessage = {
    type: 'nonce-request',
    suite: 1,
    clientId: new Uint8Array(16),
    challenge: new Uint8Array(16),
    sessionId: new Uint8Array(16),
    publicKey: new Uint8Array(32),
  }

  it('rejects a wrong-length field with an InvalidArgumentError naming it', () => {
    expect(() => encodeSetup({ ...good, clientId: new Uint8Array(8) })).toThrow(
      new InvalidArgumentError('"clientId" expected Uint8Array of length 16, got length=8'),
    )
    expect(() => encodeSetup({ ...good, publicKey: new Uint8Array(33) })).toThrow(/"publicKey".*length=33/)
  })

  it('rejects a non-Uint8Array field with an InvalidArgumentError naming it', () => {
    expect(() => encodeSetup({ ...good, challenge: [1, 2] as unknown as Uint8Array })).toThrow(
      new InvalidArgumentError('"challenge" expected Uint8Array, got type=Array'),
    )
  })

  it('rejects suites outside u8 and counters outside u64', () => {
    expect(() => encodeSetup({ ...good, suite: 256 })).toThrow(InvalidArgumentError)
    expect(() => encodeSetup({ ...good, suite: -1 })).toThrow(InvalidArgumentError)
    expect(() => encodeSetup({ ...good, suite: '1' as unknown as number })).toThrow(InvalidArgumentError)
    const info = {
      type: 'psk-client-info' as const,
      suite: 1,
      clientId: new Uint8Array(16),
      clientNonce: new Uint8Array(32),
      serverNonce: new Uint8Array(32),
      hash: new Uint8Array(32),
    }
    expect(() => encodeSetup({ ...info, counter: 2n ** 64n })).toThrow(InvalidArgumentError)
    expect(() => encodeSetup({ ...info, counter: -1n })).toThrow(InvalidArgumentError)
    expect(() => encodeSetup({ ...info, counter: 5 as unknown as bigint })).toThrow(InvalidArgumentError)
  })

  it('rejects an unknown message type with an InvalidArgumentError', () => {
    expect(() => encodeSetup({ type: 'hello' } as unknown as SetupMessage)).toThrow(
      new InvalidArgumentError(`"type" expected a known setup message type, got 'hello'`),
    )
  })

  it('encodes opcodes 4 and 5 as the bare 20-byte header', () => {
    expect(encodeSetup({ type: 'unrecognized-client' })).toEqual(encodeSetupFrame(4, new Uint8Array(0)))
    expect(encodeSetup({ type: 'new-server-join' })).toHaveLength(20)
  })
})

describe('PSK hashed bytes', () => {
  it('pskNonceHashedBytes is serverNonce ‖ challenge and equals datagram bytes [20..68)', () => {
    fc.assert(
      fc.property(setupMessages['psk-nonce'], (msg) => {
        if (msg.type !== 'psk-nonce') return
        expect(pskNonceHashedBytes(msg.serverNonce, msg.challenge)).toEqual(encodeSetup(msg).subarray(20, 68))
      }),
    )
  })

  it('pskClientInfoHashedBytes equals datagram bytes [20..109)', () => {
    fc.assert(
      fc.property(setupMessages['psk-client-info'], (msg) => {
        if (msg.type !== 'psk-client-info') return
        const hashed = pskClientInfoHashedBytes(msg)
        expect(hashed).toHaveLength(89)
        expect(hashed).toEqual(encodeSetup(msg).subarray(20, 109))
      }),
    )
  })

  it('validates their inputs', () => {
    expect(() => pskNonceHashedBytes(new Uint8Array(31), new Uint8Array(16))).toThrow(InvalidArgumentError)
    expect(() => pskNonceHashedBytes(new Uint8Array(32), 'x' as unknown as Uint8Array)).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('ECC box plaintexts', () => {
  const noncePlaintext = fc.record({ serverNonce: bytes(32), challenge: bytes(16) })
  const infoPlaintext = fc.record({ serverNonce: bytes(32), ckey: bytes(32), skey: bytes(32), counter: u64 })

  it('round-trip (48 and 104 bytes) and are canonical', () => {
    fc.assert(
      fc.property(noncePlaintext, (p) => {
        const b = encodeEccNoncePlaintext(p)
        expect(b).toHaveLength(48)
        expect(decodeEccNoncePlaintext(b)).toEqual(p)
      }),
    )
    fc.assert(
      fc.property(infoPlaintext, (p) => {
        const b = encodeEccClientInfoPlaintext(p)
        expect(b).toHaveLength(104)
        expect(decodeEccClientInfoPlaintext(b)).toEqual(p)
        expect(encodeEccClientInfoPlaintext(decodeEccClientInfoPlaintext(b))).toEqual(b)
      }),
    )
  })

  it('require exact lengths when decoding', () => {
    expectWireError(() => decodeEccNoncePlaintext(new Uint8Array(47)), 'TRUNCATED', 32)
    expectWireError(() => decodeEccNoncePlaintext(new Uint8Array(49)), 'TOO_LONG', 48)
    expectWireError(() => decodeEccClientInfoPlaintext(new Uint8Array(103)), 'TRUNCATED', 96)
    expectWireError(() => decodeEccClientInfoPlaintext(new Uint8Array(105)), 'TOO_LONG', 104)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), (b) => {
        decodesOrRejects(decodeEccNoncePlaintext, b)
        decodesOrRejects(decodeEccClientInfoPlaintext, b)
      }),
    )
  })

  it('validate field lengths and the counter when encoding', () => {
    expect(() =>
      encodeEccClientInfoPlaintext({
        serverNonce: new Uint8Array(32),
        ckey: new Uint8Array(31),
        skey: new Uint8Array(32),
        counter: 1n,
      }),
    ).toThrow('"ckey" expected Uint8Array of length 32, got length=31')
    expect(() =>
      encodeEccClientInfoPlaintext({
        serverNonce: new Uint8Array(32),
        ckey: new Uint8Array(32),
        skey: new Uint8Array(32),
        counter: 2n ** 64n,
      }),
    ).toThrow(InvalidArgumentError)
    expect(() =>
      encodeEccNoncePlaintext({ serverNonce: new Uint8Array(32), challenge: new Uint8Array(15) }),
    ).toThrow(InvalidArgumentError)
  })
})
