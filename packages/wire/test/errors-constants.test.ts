import { describe, expect, it } from 'vitest'
import {
  AppOpcode,
  CipherSuiteId,
  decodeFrame,
  HEADER_SIZE,
  MAC_SIZE,
  MAX_DATAGRAM_SIZE,
  MAX_PLAINTEXT_SIZE,
  MIN_SECURE_DATAGRAM,
  PLAINTEXT_MAGIC,
  RECOMMENDED_MAX_DATAGRAM,
  RpcStatus,
  rpcStatusName,
  SECURE_MAGIC,
  SECURE_OVERHEAD,
  SetupOpcode,
  WireDecodeError,
} from '../src/index.ts'
import { expectWireError } from './helpers.ts'

describe('WireDecodeError', () => {
  it('carries code, offset, name and a message naming both', () => {
    const e = expectWireError(() => decodeFrame(new Uint8Array(3)), 'BAD_MAGIC', 0)
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('WireDecodeError')
    expect(e.message).toContain('BAD_MAGIC at offset 0')
    expect(String(e)).toMatch(/^WireDecodeError: /)
  })

  it('is recognised across duplicate package copies through its process-wide brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('pavillion.error.WireDecodeError')]: true })
    expect(foreign instanceof WireDecodeError).toBe(true)
    expect(new Error('x') instanceof WireDecodeError).toBe(false)
    expect((null as unknown) instanceof WireDecodeError).toBe(false)
    expect(new WireDecodeError('BAD_VALUE', 3, 'm') instanceof WireDecodeError).toBe(true)
  })

  it('keeps the brand non-enumerable, so errors serialise to their fields only', () => {
    const e = new WireDecodeError('TRUNCATED', 7, 'short')
    expect(Object.keys(e).sort()).toEqual(['code', 'name', 'offset'])
    expect(JSON.parse(JSON.stringify(e))).toEqual({ name: 'WireDecodeError', code: 'TRUNCATED', offset: 7 })
    expect(Object.getOwnPropertyDescriptor(e, WireDecodeError.brand)?.enumerable).toBe(false)
  })
})

describe('constants', () => {
  it('magics are the ASCII strings of §3', () => {
    expect(new TextDecoder().decode(SECURE_MAGIC)).toBe('PavillionS0')
    expect(new TextDecoder().decode(PLAINTEXT_MAGIC)).toBe('Pavillion0')
    expect(SECURE_MAGIC[10]).toBe(0x30)
  })

  it('sizes are derived as the spec states', () => {
    expect(HEADER_SIZE).toBe(19)
    expect(MAC_SIZE).toBe(16)
    expect(SECURE_OVERHEAD).toBe(35)
    expect(MIN_SECURE_DATAGRAM).toBe(36)
    expect(MAX_DATAGRAM_SIZE).toBe(4096)
    expect(MAX_PLAINTEXT_SIZE).toBe(4061)
    expect(RECOMMENDED_MAX_DATAGRAM).toBe(1472)
  })

  it('opcode tables match §5 and §7', () => {
    expect(Object.values(SetupOpcode)).toEqual([1, 2, 3, 4, 5, 6, 7, 11, 12])
    expect(Object.values(AppOpcode)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 18, 20, 21])
    expect(CipherSuiteId).toEqual({ Psk: 1, Ecc: 2 })
  })

  it('rpcStatusName names every RpcStatus and reports unknown codes', () => {
    for (const [name, code] of Object.entries(RpcStatus)) expect(rpcStatusName(code)).toBe(name)
    expect(rpcStatusName(257)).toBe('ReferenceFailure')
    expect(rpcStatusName(2)).toBe('NonexistentFunction')
    expect(rpcStatusName(42)).toBe('Unknown(42)')
  })
})
