import { hex, toHex } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import {
  decodeFrame,
  decodeSetup,
  encodeApp,
  encodeEccClientInfoPlaintext,
  encodeEccNoncePlaintext,
  encodeSetup,
  pskClientInfoHashedBytes,
  pskNonceHashedBytes,
  type SetupMessage,
} from '../src/index.ts'

// PROTOCOL.md Appendix B, copied verbatim: PSK = 00 01 … 1f, client ID
// "cid1cid1cid1cid1", challenge 16 × 33, session field 16 × 44, client nonce
// 32 × 11, server nonce 32 × 22, client-info counter 1000; ECC box nonces
// 24 × 77 and 24 × 88.
const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte)
const clientId = new TextEncoder().encode('cid1cid1cid1cid1')
const clientPk = hex('38ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46c1f4884c67')

const setupVectors: { name: string; hex: string; msg: SetupMessage }[] = [
  {
    name: 'opcode 1, PSK (101 bytes)',
    hex:
      '506176696c6c696f6e5330000000000000000001016369643163696431636964316369643133333333333333333333333333333333' +
      '444444444444444444444444444444440000000000000000000000000000000000000000000000000000000000000000',
    msg: {
      type: 'nonce-request',
      suite: 1,
      clientId,
      challenge: fill(0x33, 16),
      sessionId: fill(0x44, 16),
      publicKey: fill(0, 32),
    },
  },
  {
    name: 'opcode 2 (100 bytes)',
    hex:
      '506176696c6c696f6e5330000000000000000002222222222222222222222222222222222222222222222222222222222222222233' +
      '333333333333333333333333333333' +
      '52c5bd3d39e4ba0cf945dc66068f7c598fbbbfb4064aaff0a4a9ae4ad51b01d8',
    msg: {
      type: 'psk-nonce',
      serverNonce: fill(0x22, 32),
      challenge: fill(0x33, 16),
      hash: hex('52c5bd3d39e4ba0cf945dc66068f7c598fbbbfb4064aaff0a4a9ae4ad51b01d8'),
    },
  },
  {
    name: 'opcode 3 (141 bytes)',
    hex:
      '506176696c6c696f6e5330000000000000000003016369643163696431636964316369643111111111111111111111111111111111' +
      '111111111111111111111111111111112222222222222222222222222222222222222222222222222222222222222222e803000000' +
      '000000dad053a3cada1d33cd1dd4b0a71d9b0c4aa3ecfc699e84f30ad838831977b038',
    msg: {
      type: 'psk-client-info',
      suite: 1,
      clientId,
      clientNonce: fill(0x11, 32),
      serverNonce: fill(0x22, 32),
      counter: 1000n,
      hash: hex('dad053a3cada1d33cd1dd4b0a71d9b0c4aa3ecfc699e84f30ad838831977b038'),
    },
  },
  {
    name: 'opcode 7 (36 bytes)',
    hex: '506176696c6c696f6e53300000000000000000074124049051ef6f05852ca75b558a6bb2',
    msg: { type: 'session-accepted', sessionId: hex('4124049051ef6f05852ca75b558a6bb2') },
  },
  {
    name: 'opcode 1, ECC (101 bytes)',
    hex:
      '506176696c6c696f6e5330000000000000000001026369643163696431636964316369643133333333333333333333333333333333' +
      '4444444444444444444444444444444438ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46c1f4884c67',
    msg: {
      type: 'nonce-request',
      suite: 2,
      clientId,
      challenge: fill(0x33, 16),
      sessionId: fill(0x44, 16),
      publicKey: clientPk,
    },
  },
  {
    name: 'opcode 11 (108 bytes)',
    hex:
      '506176696c6c696f6e533000000000000000000b777777777777777777777777777777777777777777777777' +
      '70f5bc075f0ae2ef6f143727a4c888996e1dfee7a8c904ca1a817a80fd39c337be4208f5bb76bce3ae3f5054a576e899037a9448' +
      '7ac6645adfff3420f19bc602',
    msg: {
      type: 'ecc-nonce',
      boxNonce: fill(0x77, 24),
      box: hex(
        '70f5bc075f0ae2ef6f143727a4c888996e1dfee7a8c904ca1a817a80fd39c337be4208f5bb76bce3ae3f5054a576e899037a9448' +
          '7ac6645adfff3420f19bc602',
      ),
    },
  },
  {
    name: 'opcode 12 (181 bytes)',
    hex:
      '506176696c6c696f6e533000000000000000000c6369643163696431636964316369643102888888888888888888888888888888888888' +
      '8888888888884e831a02ebd3a94bb7ec5975c788a7371604dfd4533672ac73ce6dc448fbae908304018437e51a990be1b593cfb5125' +
      '9d39097f997b7109e31948089b61a67b9d4f1e760699a4a0d91264aa670f99aecf74b32f7fbfe1404b4197080572e727973171f67e7' +
      '2b53f03117c82c3472522e1f587c356f54a1a9',
    msg: {
      type: 'ecc-client-info',
      clientId,
      suite: 2,
      boxNonce: fill(0x88, 24),
      box: hex(
        '4e831a02ebd3a94bb7ec5975c788a7371604dfd4533672ac73ce6dc448fbae908304018437e51a990be1b593cfb5125' +
          '9d39097f997b7109e31948089b61a67b9d4f1e760699a4a0d91264aa670f99aecf74b32f7fbfe1404b4197080572e727973171f67e7' +
          '2b53f03117c82c3472522e1f587c356f54a1a9',
      ),
    },
  },
]

describe('PROTOCOL.md Appendix B', () => {
  it.each(setupVectors)('$name decodes to the listed fields and re-encodes byte-identical', (v) => {
    const datagram = hex(v.hex)
    const frame = decodeFrame(datagram)
    expect(frame.kind).toBe('setup')
    if (frame.kind !== 'setup') return
    expect(decodeSetup(frame.opcode, frame.data)).toEqual(v.msg)
    expect(toHex(encodeSetup(v.msg))).toBe(v.hex)
  })

  it('the PSK hashes cover exactly datagram bytes [20..68) of opcode 2 and [20..109) of opcode 3', () => {
    const op2 = hex(setupVectors[1]!.hex)
    const op3 = hex(setupVectors[2]!.hex)
    expect(pskNonceHashedBytes(fill(0x22, 32), fill(0x33, 16))).toEqual(op2.subarray(20, 68))
    const info = setupVectors[2]!.msg
    if (info.type !== 'psk-client-info') throw new Error('fixture')
    expect(pskClientInfoHashedBytes(info)).toEqual(op3.subarray(20, 109))
  })

  it('the ECC box plaintexts have the documented layouts (48 and 104 bytes)', () => {
    expect(toHex(encodeEccNoncePlaintext({ serverNonce: fill(0x22, 32), challenge: fill(0x33, 16) }))).toBe(
      '22'.repeat(32) + '33'.repeat(16),
    )
    const p = encodeEccClientInfoPlaintext({
      serverNonce: fill(0x22, 32),
      ckey: fill(0x99, 32),
      skey: fill(0xaa, 32),
      counter: 5000n,
    })
    expect(toHex(p)).toBe(`${'22'.repeat(32)}${'99'.repeat(32)}${'aa'.repeat(32)}8813000000000000`)
    // each box is its plaintext plus the 16-byte tag
    expect(setupVectors[5]!.msg).toMatchObject({ box: expect.objectContaining({ length: 48 + 16 }) })
    expect(setupVectors[6]!.msg).toMatchObject({ box: expect.objectContaining({ length: p.length + 16 }) })
  })

  it('RPC call, counter 1002, fn 401, args "hi": frame header and a box sized for plaintext 04 91 01 68 69', () => {
    const datagram = hex('506176696c6c696f6e5330ea030000000000008ab57d414b65a52465deb3f005724e28a83766637d')
    const frame = decodeFrame(datagram)
    expect(frame).toMatchObject({ kind: 'secure', counter: 1002n })
    const plaintext = encodeApp({ type: 'rpc-call', fn: 401, args: new TextEncoder().encode('hi') })
    expect(toHex(plaintext)).toBe('0491016869')
    if (frame.kind === 'secure') expect(frame.box.length).toBe(16 + plaintext.length)
  })

  it('RPC response, counter 2^63+5, to call 1002, status 0, data "hi": header and box size', () => {
    const datagram = hex(
      '506176696c6c696f6e533005000000000000805177dd9bf3bc2ce598a42e659c0918b1f310fff6b30ae12d8936245ece',
    )
    const frame = decodeFrame(datagram)
    expect(frame).toMatchObject({ kind: 'secure', counter: 2n ** 63n + 5n })
    const plaintext = encodeApp({
      type: 'rpc-response',
      callCounter: 1002n,
      status: 0,
      data: new TextEncoder().encode('hi'),
    })
    expect(toHex(plaintext)).toBe('05ea03000000000000' + '0000' + '6869')
    if (frame.kind === 'secure') expect(frame.box.length).toBe(16 + plaintext.length)
  })
})
