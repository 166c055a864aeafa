import type { ServerInfo } from '@pavillion/core'
import { type Datatype, decodeValue, type RegisterValue } from './codecs.ts'
import type { RegisterPacket } from './core-message.ts'
import { RegisterMalformedError, RegisterRefusedError } from './errors.ts'
import { parseStatus, requestTag, type StatusReport } from './texts.ts'

// How a client recognises the answer to one of its requests (README, "Wire rules").

/** The status report in `packet` answering the request `plaintext`, if it is one. */
export function statusOf(
  packet: RegisterPacket<ServerInfo>,
  plaintext: Uint8Array,
): StatusReport | undefined {
  if (packet.message.type !== 'register-info') return undefined
  const status = parseStatus(packet.message.info)
  if (status === undefined || status.opcode !== plaintext[0] || status.tag !== requestTag(plaintext))
    return undefined
  return status
}

/** The refusal `packet` reports for the request `plaintext`, if it is one. */
export function refusalOf(
  packet: RegisterPacket<ServerInfo>,
  plaintext: Uint8Array,
): RegisterRefusedError<ServerInfo> | undefined {
  const status = statusOf(packet, plaintext)
  if (status === undefined || status.outcome === 'ok') return undefined
  return new RegisterRefusedError(packet.message.register, status.outcome, status.text, packet.sender)
}

/** A read's answer in `packet`: its bytes, the server's refusal, or undefined when the packet answers something else. */
export function readAnswerOf(
  packet: RegisterPacket<ServerInfo>,
  plaintext: Uint8Array,
  offset: number,
  length: number | undefined,
): Uint8Array | Error | undefined {
  const { message } = packet
  if (message.type === 'register-declaration') {
    if (message.offset !== offset || (length !== undefined && message.value.length !== length))
      return undefined
    return message.value.slice()
  }
  return refusalOf(packet, plaintext)
}

/**
 * A value a server sent, decoded as `type`.
 * @throws RegisterMalformedError when the bytes are not of that type
 */
export function decodeAnswer(register: number, type: Datatype, bytes: Uint8Array): RegisterValue {
  try {
    return decodeValue(type, bytes)
  } catch (error) {
    throw new RegisterMalformedError(register, `not a ${type} value: ${(error as Error).message}`, {
      cause: error,
    })
  }
}
