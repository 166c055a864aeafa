// Known answers from PROTOCOL.md Appendix B.
import { hex, toHex } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import { PresharedKey, SecretKey, SymmetricKey } from '../src/index.ts'
import { HEADER_LENGTH, suite } from './support.ts'

const fill = (length: number, byte: number) => new Uint8Array(length).fill(byte)
const u64le = (value: bigint) => {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, value, true)
  return out
}
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const psk = PresharedKey.from(Uint8Array.from({ length: 32 }, (_, i) => i))
const clientId = new TextEncoder().encode('cid1cid1cid1cid1')
const challenge = fill(16, 0x33)
const clientNonce = fill(32, 0x11)
const serverNonce = fill(32, 0x22)

const CKEY = 'abcce888415ed6146bc8275f05fe03de0bf0835bcb1722e95945d71ec4ce7117'
const SKEY = 'f23cedfe00f4e10f985fd84bc36c6cf8c4b02e0988c2ce468cf2a6241a31c623'
const SESSION_ID = '4124049051ef6f05852ca75b558a6bb2'

const OP2 =
  '506176696c6c696f6e5330000000000000000002222222222222222222222222' +
  '2222222222222222222222222222222222222222333333333333333333333333' +
  '3333333352c5bd3d39e4ba0cf945dc66068f7c598fbbbfb4064aaff0a4a9ae4a' +
  'd51b01d8'
const OP3 =
  '506176696c6c696f6e5330000000000000000003016369643163696431636964' +
  '3163696431111111111111111111111111111111111111111111111111111111' +
  '1111111111222222222222222222222222222222222222222222222222222222' +
  '2222222222e803000000000000dad053a3cada1d33cd1dd4b0a71d9b0c4aa3ec' +
  'fc699e84f30ad838831977b038'
const OP7 = '506176696c6c696f6e53300000000000000000074124049051ef6f05852ca75b558a6bb2'
const RPC_CALL = '506176696c6c696f6e5330ea030000000000008ab57d414b65a52465deb3f005724e28a83766637d'
const RPC_RESPONSE =
  '506176696c6c696f6e533005000000000000805177dd9bf3bc2ce598a42e659c0918b1f310fff6b30ae12d8936245ece'

describe('Appendix B, PSK', () => {
  const ckey = suite.pskClientKey(psk, clientNonce)
  const skey = suite.pskServerKey(psk, clientNonce, serverNonce)

  it('ckey = H(psk, clientNonce)', () => expect(toHex(ckey.expose())).toBe(CKEY))
  it('skey = H(psk, clientNonce ‖ serverNonce)', () => expect(toHex(skey.expose())).toBe(SKEY))
  it('session ID = H(psk, ckey)[0..16)', () => expect(toHex(suite.pskSessionId(psk, ckey))).toBe(SESSION_ID))
  it('the opcode-7 datagram carries that session ID', () =>
    expect(toHex(hex(OP7).subarray(20))).toBe(toHex(suite.pskSessionId(psk, ckey))))

  it('opcode 2 hash = H(psk, serverNonce ‖ challenge), the datagram rebuilt byte for byte', () => {
    const datagram = hex(OP2)
    const hash = suite.pskNonceHash(psk, serverNonce, challenge)
    expect(toHex(cat(datagram.subarray(0, 20), serverNonce, challenge, hash))).toBe(OP2)
    expect(suite.verifyPskNonceHash(psk, serverNonce, challenge, datagram.subarray(68))).toBe(true)
  })

  it('opcode 3 hash = H(psk, bytes [20..109)), the datagram rebuilt byte for byte', () => {
    const datagram = hex(OP3)
    const hashed = cat(Uint8Array.of(1), clientId, clientNonce, serverNonce, u64le(1000n))
    expect(toHex(hashed)).toBe(toHex(datagram.subarray(20, 109)))
    const hash = suite.pskClientInfoHash(psk, hashed)
    expect(toHex(cat(datagram.subarray(0, 20), hashed, hash))).toBe(OP3)
    expect(suite.verifyPskClientInfoHash(psk, hashed, datagram.subarray(109))).toBe(true)
  })

  it('RPC call (counter 1002, ckey) seals to the recorded box and opens to the call', () => {
    const plaintext = cat(Uint8Array.of(4, 0x91, 0x01), new TextEncoder().encode('hi'))
    const box = hex(RPC_CALL).subarray(HEADER_LENGTH)
    expect(toHex(suite.seal(plaintext, 1002n, ckey))).toBe(toHex(box))
    expect(toHex(suite.open(box, 1002n, ckey)!)).toBe(toHex(plaintext))
  })

  it('RPC response (counter 2^63+5, skey) seals to the recorded box and opens to the response', () => {
    const counter = 2n ** 63n + 5n
    const plaintext = cat(Uint8Array.of(5), u64le(1002n), Uint8Array.of(0, 0), new TextEncoder().encode('hi'))
    const box = hex(RPC_RESPONSE).subarray(HEADER_LENGTH)
    expect(toHex(suite.seal(plaintext, counter, skey))).toBe(toHex(box))
    expect(toHex(suite.open(box, counter, skey)!)).toBe(toHex(plaintext))
  })

  it('the RPC datagrams do not open with the other direction’s key', () => {
    expect(suite.open(hex(RPC_CALL).subarray(HEADER_LENGTH), 1002n, skey)).toBeUndefined()
    expect(suite.open(hex(RPC_RESPONSE).subarray(HEADER_LENGTH), 2n ** 63n + 5n, ckey)).toBeUndefined()
  })
})

const CLIENT_PK = '38ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46c1f4884c67'
const SERVER_PK = '219e4d800da968d2a5fcb009c784f4746c7138edb9ee4844b739e830b05cf424'
const OP1_ECC =
  '506176696c6c696f6e5330000000000000000001026369643163696431636964' +
  '3163696431333333333333333333333333333333334444444444444444444444' +
  '444444444438ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46' +
  'c1f4884c67'
const OP11 =
  '506176696c6c696f6e533000000000000000000b777777777777777777777777' +
  '77777777777777777777777770f5bc075f0ae2ef6f143727a4c888996e1dfee7' +
  'a8c904ca1a817a80fd39c337be4208f5bb76bce3ae3f5054a576e899037a9448' +
  '7ac6645adfff3420f19bc602'
const OP12 =
  '506176696c6c696f6e533000000000000000000c636964316369643163696431' +
  '63696431028888888888888888888888888888888888888888888888884e831a' +
  '02ebd3a94bb7ec5975c788a7371604dfd4533672ac73ce6dc448fbae90830401' +
  '8437e51a990be1b593cfb51259d39097f997b7109e31948089b61a67b9d4f1e7' +
  '60699a4a0d91264aa670f99aecf74b32f7fbfe1404b4197080572e727973171f' +
  '67e72b53f03117c82c3472522e1f587c356f54a1a9'

describe('Appendix B, ECC', () => {
  const client = suite.keyPairFromSecretKey(SecretKey.from(fill(32, 0x55)))
  const server = suite.keyPairFromSecretKey(fill(32, 0x66))
  const ckey = SymmetricKey.from(fill(32, 0x99))
  const skey = SymmetricKey.from(fill(32, 0xaa))

  it('public keys = crypto_scalarmult_base(secret keys)', () => {
    expect(toHex(client.publicKey)).toBe(CLIENT_PK)
    expect(toHex(server.publicKey)).toBe(SERVER_PK)
    expect(toHex(suite.publicKeyOf(fill(32, 0x55)))).toBe(CLIENT_PK)
  })

  it('the opcode-1 datagram carries the client public key', () =>
    expect(toHex(hex(OP1_ECC).subarray(69))).toBe(CLIENT_PK))

  it('session ID = H(client pk, ckey)[0..16)', () =>
    expect(toHex(suite.eccSessionId(client.publicKey, ckey))).toBe('e92da2197c2e5e0e205dde3949fe92f4'))

  it('guest ID = H0(client pk) and default client ID = its first 16 bytes', () => {
    expect(toHex(suite.guestId(client.publicKey))).toBe(
      'a5f6fe737edd9d57eda7e4d57399abf0b907cc5045c3a37ebcf55c1c31b29a74',
    )
    expect(toHex(suite.defaultClientId(client.publicKey))).toBe('a5f6fe737edd9d57eda7e4d57399abf0')
  })

  it('opcode 11: box(serverNonce ‖ challenge) to the client seals and opens with the recorded nonce', () => {
    const datagram = hex(OP11)
    const nonce = fill(24, 0x77)
    expect(toHex(datagram.subarray(20, 44))).toBe(toHex(nonce))
    const plaintext = cat(serverNonce, challenge)
    const box = suite.boxSeal(plaintext, nonce, client.publicKey, server.secretKey)
    expect(toHex(cat(datagram.subarray(0, 44), box))).toBe(OP11)
    expect(toHex(suite.boxOpen(datagram.subarray(44), nonce, server.publicKey, client.secretKey)!)).toBe(
      toHex(plaintext),
    )
  })

  it('opcode 12: box(serverNonce ‖ ckey ‖ skey ‖ counter) to the server seals and opens with the recorded nonce', () => {
    const datagram = hex(OP12)
    const nonce = fill(24, 0x88)
    expect(toHex(datagram.subarray(20, 36))).toBe(toHex(clientId))
    expect(datagram[36]).toBe(2)
    expect(toHex(datagram.subarray(37, 61))).toBe(toHex(nonce))
    const plaintext = cat(serverNonce, ckey.expose(), skey.expose(), u64le(5000n))
    const box = suite.boxSeal(plaintext, nonce, server.publicKey, client.secretKey)
    expect(toHex(cat(datagram.subarray(0, 61), box))).toBe(OP12)
    expect(toHex(suite.boxOpen(datagram.subarray(61), nonce, client.publicKey, server.secretKey)!)).toBe(
      toHex(plaintext),
    )
  })

  it('the ECC boxes do not open with the wrong party’s keys', () => {
    const op11 = hex(OP11).subarray(44)
    expect(suite.boxOpen(op11, fill(24, 0x77), client.publicKey, client.secretKey)).toBeUndefined()
    expect(suite.boxOpen(op11, fill(24, 0x88), server.publicKey, client.secretKey)).toBeUndefined()
  })
})
