import type { OpcodeEvent } from '@pavillion/core'
import { AppOpcode, decodeAppPayload, type RegisterMessage } from '@pavillion/wire'

// The one file that reads core's opcode events (`{ opcode, payload, counter,
// sender, duplicate }`): everything else in this package sees decoded
// `RegisterPacket`s. A payload that does not decode is dropped here.

/** An authenticated register message and who sent it. */
export interface RegisterPacket<P> {
  readonly message: RegisterMessage
  /** The session (server side) or server (client side) it came from. */
  readonly sender: P
}

/** What this package needs of a core `Client` or `Server` to receive. */
export interface MessageHost<P> {
  handle(opcode: number, handler: (event: OpcodeEvent<P>) => void): () => void
}

/** The opcodes a server answers. */
export const REQUEST_OPCODES = [
  AppOpcode.RegisterRead,
  AppOpcode.RegisterDeclaration,
  AppOpcode.Observe,
  AppOpcode.RegisterInfoRequest,
] as const
/** The opcodes a client receives. */
export const ANSWER_OPCODES = [AppOpcode.RegisterDeclaration, AppOpcode.RegisterInfo] as const

/**
 * Routes every message of `opcodes` to `handler` as a {@link RegisterPacket};
 * returns the function that removes the routes.
 * @throws InvalidArgumentError when one of the opcodes already has a handler (none is kept then)
 */
export function receiveRegisters<P>(
  host: MessageHost<P>,
  opcodes: readonly number[],
  handler: (packet: RegisterPacket<P>) => void,
): () => void {
  const removers: (() => void)[] = []
  const removeAll = () => {
    for (const remove of removers.splice(0)) remove()
  }
  try {
    for (const opcode of opcodes) {
      removers.push(
        host.handle(opcode, (event) => {
          const packet = toPacket(event)
          if (packet !== undefined) handler(packet)
        }),
      )
    }
  } catch (error) {
    removeAll()
    throw error
  }
  return removeAll
}

function toPacket<P>(event: OpcodeEvent<P>): RegisterPacket<P> | undefined {
  let message: ReturnType<typeof decodeAppPayload>
  try {
    message = decodeAppPayload(event.opcode, event.payload)
  } catch {
    return undefined // authenticated but malformed: dropped, like every layer's bad input
  }
  switch (message.type) {
    case 'register-read':
    case 'register-declaration':
    case 'observe':
    case 'register-info-request':
    case 'register-info':
      return { message, sender: event.sender }
    default:
      return undefined
  }
}
