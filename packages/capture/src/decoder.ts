import type { PavillionCrypto } from 'pavillion/crypto'
import {
  type AppMessage,
  decodeApp,
  decodeFrame,
  decodeSetup,
  type EccClientInfoPlaintext,
  type EccNoncePlaintext,
  PLAINTEXT_MAGIC,
  type SetupMessage,
  WireDecodeError,
} from 'pavillion/wire'
import { type CaptureKeys, HandshakeFollower } from './handshake.ts'
import type { UdpDatagram } from './ip.ts'

/** Why a datagram was not decoded. */
export type UndecodedReason =
  /** It does not start with `PavillionS0`: some other protocol on UDP. */
  | 'NOT_PAVILLION'
  /** The `Pavillion0` plaintext framing (PROTOCOL.md §3.2), which no implementation can receive. */
  | 'PLAINTEXT_FRAMING'
  /** It starts like Pavillion but breaks the wire format (a wrong length, an unknown setup opcode). */
  | 'MALFORMED'
  /** The capture kept only part of it (the snap length cut the frame). */
  | 'CUT_SHORT'
  /** The UDP or IP header around it cannot be read, or it is an IP fragment. */
  | 'BAD_PACKET'
  /** Encrypted, and no key for its session: the handshake is not in the capture, or no key was given for its client. */
  | 'NO_KEYS'
  /** Encrypted, and none of the keys of its session opens it (a wrong key, a forged or damaged datagram). */
  | 'NOT_OPENED'

/** Which way a secure datagram went, relative to the session it belongs to. */
export type Direction = 'client-to-server' | 'server-to-client'

/** What one datagram turned out to be. */
export type Decoded =
  | {
      readonly kind: 'setup'
      readonly message: SetupMessage
      /** What following the handshake found: hashes verified, boxes opened, keys derived or missing. */
      readonly notes: readonly string[]
      /** The opened box of an ECC nonce (opcode 11) or client info (opcode 12), when a key opened it. */
      readonly opened?: EccNoncePlaintext | EccClientInfoPlaintext
    }
  | {
      readonly kind: 'secure'
      readonly counter: bigint
      readonly direction: Direction
      /** The client of the session (its ID as text or hex). */
      readonly client: string
      readonly message: AppMessage
    }
  | {
      readonly kind: 'undecoded'
      readonly reason: UndecodedReason
      /** One sentence for people. */
      readonly detail: string
      /** The packet counter, when the header could be read. */
      readonly counter?: bigint
    }

const PLAIN_MAGIC = PLAINTEXT_MAGIC.slice()

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false
  return true
}

/**
 * Decodes the Pavillion datagrams of a capture, in capture order: setup
 * messages always, secure messages when a handshake seen earlier (and the
 * keys given) provides their session key. Never throws on the datagrams.
 */
export class DatagramDecoder {
  readonly #crypto: PavillionCrypto
  readonly #handshakes: HandshakeFollower

  constructor(crypto: PavillionCrypto, keys: CaptureKeys = {}) {
    this.#crypto = crypto
    this.#handshakes = new HandshakeFollower(crypto, keys)
  }

  /** Decodes one datagram; `index` (the packet number) is quoted in problems. */
  decode(datagram: UdpDatagram, index = 0): Decoded {
    const { payload, src, dst } = datagram
    if (datagram.missing > 0)
      return {
        kind: 'undecoded',
        reason: 'CUT_SHORT',
        detail: `the capture kept ${payload.length} of ${payload.length + datagram.missing} bytes (snap length); capture with -s 0`,
      }
    let frame: ReturnType<typeof decodeFrame>
    try {
      frame = decodeFrame(payload)
    } catch (error) {
      return this.#notAFrame(payload, error)
    }
    if (frame.kind === 'setup') {
      let message: SetupMessage
      try {
        message = decodeSetup(frame.opcode, frame.data)
      } catch (error) {
        return {
          kind: 'undecoded',
          reason: 'MALFORMED',
          detail: `setup opcode ${frame.opcode}: ${messageOf(error)}`,
          counter: 0n,
        }
      }
      const outcome = this.#handshakes.follow(src, dst, message, index)
      return outcome.opened === undefined
        ? { kind: 'setup', message, notes: outcome.notes }
        : { kind: 'setup', message, notes: outcome.notes, opened: outcome.opened }
    }
    return this.#secure(src, dst, frame.counter, frame.box)
  }

  /**
   * Learns the session keys of a setup datagram without reporting on it: the first pass over a
   * capture, so that `decode` on the second pass knows keys of handshakes later in the file.
   */
  learn(datagram: UdpDatagram, index = 0): void {
    if (datagram.missing > 0) return
    try {
      const frame = decodeFrame(datagram.payload)
      if (frame.kind !== 'setup') return
      const message = decodeSetup(frame.opcode, frame.data)
      this.#handshakes.learning = true
      this.#handshakes.follow(datagram.src, datagram.dst, message, index)
    } catch {
      // Not a setup message: nothing to learn.
    } finally {
      this.#handshakes.learning = false
    }
  }

  /** Given keys that the capture contradicts (wrong PSKs, secret keys that open nothing). */
  problems(): string[] {
    return this.#handshakes.problems()
  }

  #notAFrame(payload: Uint8Array, error: unknown): Decoded {
    if (error instanceof WireDecodeError && error.reason === 'BAD_MAGIC') {
      if (startsWith(payload, PLAIN_MAGIC))
        return {
          kind: 'undecoded',
          reason: 'PLAINTEXT_FRAMING',
          detail: 'Pavillion0 plaintext framing (PROTOCOL.md §3.2), which no implementation receives',
        }
      return {
        kind: 'undecoded',
        reason: 'NOT_PAVILLION',
        detail: 'not Pavillion: does not start with PavillionS0',
      }
    }
    return { kind: 'undecoded', reason: 'MALFORMED', detail: messageOf(error) }
  }

  #secure(src: string, dst: string, counter: bigint, box: Uint8Array): Decoded {
    const keys = this.#handshakes.keysFor(src, dst)
    if (keys.length === 0) {
      const client = this.#handshakes.unkeyedClient(src, dst)
      const detail =
        client === undefined
          ? 'encrypted; no handshake of this address pair in the capture'
          : `encrypted; no key given for client ${client} (--psk-client ${client}=KEY or --secret-key)`
      return { kind: 'undecoded', reason: 'NO_KEYS', detail, counter }
    }
    for (const candidate of keys) {
      const plaintext = this.#crypto.open(box, counter, candidate.key)
      if (plaintext === undefined) continue
      const direction = candidate.server === undefined ? 'client-to-server' : 'server-to-client'
      try {
        return { kind: 'secure', counter, direction, client: candidate.client, message: decodeApp(plaintext) }
      } catch (error) {
        return { kind: 'undecoded', reason: 'MALFORMED', detail: `opened, but ${messageOf(error)}`, counter }
      }
    }
    return {
      kind: 'undecoded',
      reason: 'NOT_OPENED',
      detail: `encrypted; none of the ${keys.length} session key(s) of this address pair opens it (wrong key, or a forged or damaged datagram)`,
      counter,
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
