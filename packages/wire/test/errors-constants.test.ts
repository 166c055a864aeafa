import { describe, expect, it } from 'vitest'
import {
  AppOpcode,
  CipherSuiteId,
  decodeFrame,
  encodeSetupFrame,
  HEADER_SIZE,
  InvalidArgumentError,
  MAC_SIZE,
  MAX_DATAGRAM_SIZE,
  MAX_PLAINTEXT_SIZE,
  MIN_SECURE_DATAGRAM,
  PavillionError,
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
  it('carries code, reason, offset, name and a message naming reason and offset', () => {
    const e = expectWireError(() => decodeFrame(new Uint8Array(3)), 'BAD_MAGIC', 0)
    expect(e).toBeInstanceOf(Error)
    expect(e).toBeInstanceOf(PavillionError)
    expect(e.code).toBe('ERR_DECODE')
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
    expect(Object.keys(e).sort()).toEqual(['code', 'name', 'offset', 'reason'])
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'WireDecodeError',
      code: 'ERR_DECODE',
      reason: 'TRUNCATED',
      offset: 7,
    })
    expect(Object.getOwnPropertyDescriptor(e, WireDecodeError.brand)?.enumerable).toBe(false)
  })
})

describe('PavillionError and InvalidArgumentError', () => {
  it('an argument check throws an InvalidArgumentError: a PavillionError with code ERR_INVALID_ARGUMENT', () => {
    let thrown: unknown
    try {
      encodeSetupFrame(256, new Uint8Array(0))
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError)
    expect(thrown).toBeInstanceOf(PavillionError)
    expect(thrown).toBeInstanceOf(Error)
    expect(thrown).toMatchObject({ name: 'InvalidArgumentError', code: 'ERR_INVALID_ARGUMENT' })
    expect(String(thrown)).toMatch(/^InvalidArgumentError: "opcode" expected integer in \[0, 255\]/)
  })

  it('is recognised across duplicate package copies through the brands of its class chain', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('pavillion.error.PavillionError')]: true,
      [Symbol.for('pavillion.error.InvalidArgumentError')]: true,
    })
    expect(foreign instanceof InvalidArgumentError).toBe(true)
    expect(foreign instanceof PavillionError).toBe(true)
    expect(new PavillionError('ERR_X', 'm') instanceof InvalidArgumentError).toBe(false)
    expect(new WireDecodeError('BAD_VALUE', 3, 'm') instanceof PavillionError).toBe(true)
    expect(new RangeError('x') instanceof PavillionError).toBe(false)
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
