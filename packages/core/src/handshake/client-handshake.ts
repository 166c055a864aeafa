import { type PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import type { SetupMessage } from '@pavillion/wire'
import type { ClientCredentials } from '../client/credentials.ts'
import { EccClientHandshake } from './ecc-client.ts'
import type { ClientReply, Refusal } from './outcome.ts'
import { PskClientHandshake } from './psk-client.ts'

/** A server nonce that answered our challenge and verified: what the reply is built from. */
export interface VerifiedNonce {
  readonly serverNonce: Uint8Array
}

/**
 * The client's side of one cipher suite's handshake (PROTOCOL.md §6.1,
 * §6.2): what it sends, how it checks a server's answer, and the reply with
 * the server's key. Pure apart from the randomness of its `crypto`.
 */
export interface ClientHandshake {
  /** 1 = PSK, 2 = ECC. */
  readonly suite: number
  /** The 16-byte client ID sent on the wire. */
  readonly clientId: Uint8Array
  /** Key of our packets to every server. */
  readonly ckey: SymmetricKey
  /** What a server that accepted us echoes in opcode 7: derived from our client key, so it cannot be guessed. */
  readonly sessionId: Uint8Array
  /** ECC: the server key we verify answers against. */
  readonly serverPublicKey: Uint8Array | undefined
  /** The nonce request (opcode 1) for `challenge`. */
  nonceRequest(challenge: Uint8Array, sessionField: Uint8Array): Uint8Array
  /** Checks a server's nonce answer (opcode 2 or 11) to `challenge`. */
  verify(message: SetupMessage, challenge: Uint8Array): VerifiedNonce | Refusal
  /** The client info answering a verified nonce, announcing `counter`. */
  reply(nonce: VerifiedNonce, counter: bigint): ClientReply
}

/** Values a client normally draws, fixed for interop-vector replays. */
export interface FixedKeys {
  readonly clientNonce?: Uint8Array | undefined
  readonly ckey?: SymmetricKey | undefined
}

/** The handshake of `credentials`' cipher suite; derives the client key and session ID at once. */
export function clientHandshake(
  crypto: PavillionCrypto,
  credentials: ClientCredentials,
  fixed: FixedKeys = {},
): ClientHandshake {
  return credentials.type === 'psk'
    ? new PskClientHandshake(crypto, credentials, fixed.clientNonce ?? crypto.random(32))
    : // A fixed key is the caller's: the client owns (and wipes on close) a copy.
      new EccClientHandshake(
        crypto,
        credentials,
        fixed.ckey === undefined ? crypto.randomKey() : SymmetricKey.from(fixed.ckey.expose()),
      )
}
