import { checkBytes, checkInt, checkString } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { writeU16 } from '../int.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { Reader } from '../reader.ts'
import { utf8Length, writeUtf8 } from '../utf8.ts'
import { newPlaintext } from './plaintext.ts'

// Register opcodes 6–10 (§7.9): documented, implemented by neither reference
// role; decoded strictly to the documented layouts. All numbers are u16.

/** Opcode 6: read a register, optionally from `offset` and for `length` bytes (`length` needs `offset`). */
export type RegisterRead = { type: 'register-read'; register: number; offset?: number; length?: number }

/** Opcode 7: the value bytes of a register at `offset`. */
export type RegisterDeclaration = {
  type: 'register-declaration'
  register: number
  offset: number
  value: Uint8Array
}

/** Opcode 8: asks for updates of a register for `durationMs`, at most every `rateLimitMs`. */
export type Observe = { type: 'observe'; register: number; durationMs: number; rateLimitMs: number }

/** Opcode 9: asks for a register's description. */
export type RegisterInfoRequest = { type: 'register-info-request'; register: number }

/** Opcode 10: a register's description, UTF-8 "name, datatype, interface, description". */
export type RegisterInfo = { type: 'register-info'; register: number; info: string }

/** Any register message. */
export type RegisterMessage =
  | RegisterRead
  | RegisterDeclaration
  | Observe
  | RegisterInfoRequest
  | RegisterInfo

/** Encodes `opcode ‖ u16…` for integer-only layouts. */
function u16s(opcode: number, fields: [name: string, value: unknown][]): Uint8Array {
  const out = newPlaintext(opcode, 2 * fields.length)
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!
    writeU16(out, 1 + 2 * i, checkInt(name, value, 0xffff))
  }
  return out
}

/** Encodes a register message plaintext. */
export function encodeRegister(msg: RegisterMessage): Uint8Array {
  switch (msg.type) {
    case 'register-read': {
      const fields: [string, unknown][] = [['register', msg.register]]
      if (msg.offset !== undefined) fields.push(['offset', msg.offset])
      if (msg.length !== undefined) {
        if (msg.offset === undefined)
          throw new InvalidArgumentError('"length" requires "offset": the wire layout has no gap')
        fields.push(['length', msg.length])
      }
      return u16s(AppOpcode.RegisterRead, fields)
    }
    case 'register-declaration': {
      const value = checkBytes('value', msg.value)
      const out = newPlaintext(AppOpcode.RegisterDeclaration, 4 + value.length)
      writeU16(out, 1, checkInt('register', msg.register, 0xffff))
      writeU16(out, 3, checkInt('offset', msg.offset, 0xffff))
      out.set(value, 5)
      return out
    }
    case 'observe':
      return u16s(AppOpcode.Observe, [
        ['register', msg.register],
        ['durationMs', msg.durationMs],
        ['rateLimitMs', msg.rateLimitMs],
      ])
    case 'register-info-request':
      return u16s(AppOpcode.RegisterInfoRequest, [['register', msg.register]])
    case 'register-info': {
      const info = checkString('info', msg.info)
      const length = utf8Length('info', info)
      const out = newPlaintext(AppOpcode.RegisterInfo, 2 + length)
      writeU16(out, 1, checkInt('register', msg.register, 0xffff))
      writeUtf8(out, 3, info, length)
      return out
    }
  }
}

/** The opcodes of {@link RegisterMessage}s. */
export type RegisterOpcode = 6 | 7 | 8 | 9 | 10

/** Returns `msg` once `r` is fully consumed (`TOO_LONG` otherwise). */
function whole<M extends RegisterMessage>(r: Reader, msg: M): M {
  r.end(msg.type)
  return msg
}

/** Decodes a register message plaintext (opcodes 6–10); `value` is a subarray. */
export function decodeRegister(opcode: RegisterOpcode, plaintext: Uint8Array): RegisterMessage {
  const r = new Reader(plaintext, 1)
  switch (opcode) {
    case AppOpcode.RegisterRead: {
      const size = plaintext.length - 1
      if (size > 2 && size !== 4 && size !== 6)
        throw new WireDecodeError('BAD_LENGTH', 1, `register read: ${size} bytes, expected 2, 4 or 6`)
      const read: RegisterRead = { type: 'register-read', register: r.u16('register') }
      if (size >= 4) read.offset = r.u16('offset')
      if (size === 6) read.length = r.u16('length')
      return read
    }
    case AppOpcode.RegisterDeclaration:
      return {
        type: 'register-declaration',
        register: r.u16('register'),
        offset: r.u16('offset'),
        value: r.rest(),
      }
    case AppOpcode.Observe:
      return whole(r, {
        type: 'observe',
        register: r.u16('register'),
        durationMs: r.u16('durationMs'),
        rateLimitMs: r.u16('rateLimitMs'),
      })
    case AppOpcode.RegisterInfoRequest:
      return whole(r, { type: 'register-info-request', register: r.u16('register') })
    case AppOpcode.RegisterInfo:
      return { type: 'register-info', register: r.u16('register'), info: r.restUtf8() }
  }
}
