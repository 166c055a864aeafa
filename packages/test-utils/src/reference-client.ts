import { createSocket, type Socket } from 'node:dgram'
import { addressKey, isMulticast, type PeerAddress } from '@pavillion/core'
import type { PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import {
  decodeApp,
  decodeFrame,
  decodeSetup,
  encodeApp,
  encodeSecureFrame,
  type SetupMessage,
} from '@pavillion/wire'
import { PendingReliable, type ReferenceSendResult, ReferenceSubscribers } from './reference-reliable.ts'
import { ReferenceServerRecord } from './reference-server-record.ts'
import {
  type ReferenceCredentials,
  referenceEccReply,
  referenceNonceRequest,
  referencePskReply,
} from './reference-setup.ts'

/** Options of {@link ReferenceLikeClient.start}. */
export interface ReferenceClientOptions {
  readonly crypto: PavillionCrypto
  /** Where new packets go: a server's listening port, or a multicast group (sent through 127.0.0.1). */
  readonly destination: PeerAddress
  readonly credentials: ReferenceCredentials
  /**
   * After a server's first opcode 7, send it a nonce request again, as the
   * reference does when the opcode 4 of its start-up race arrives after its
   * handshake, and re-key with its answer (default true).
   */
  readonly rekeyAfterAccept?: boolean
}

/** A server as the reference-like client sees it. */
export interface ReferenceServerView {
  /** Its source address (a server's send port). */
  readonly address: PeerAddress
  /** Handshakes that gave it a new skey (2 after the re-key). */
  readonly keyings: number
  /** Opcode 7 datagrams it sent. */
  readonly accepts: number
  /** Its current skey, hex: the identity the reference files subscribers and acknowledgements under. */
  readonly skeyHex: string
}

const UNICAST_SHORTCUT = 30_000
const CHALLENGE_ROTATION = 30_000
const OLD_WINDOW = 249n

/**
 * A scripted stand-in for the Python reference client, for interoperability
 * tests against our server over real UDP: built from `@pavillion/wire` and
 * `@pavillion/crypto` only, it sends what PROTOCOL.md says the reference
 * sends, byte for byte — the start-up nonce request, client info (PSK: the
 * current counter, then +1; ECC: a fresh skey per opcode 11, D5), reactive
 * nonce requests on opcodes 4 and 5 and on packets it cannot decrypt
 * (rate-limited, §9.5; ECC ones carry the secret key, D1), opcode 7 ignored,
 * the unicast shortcut (§2.5), reliable sends on the reference's schedule
 * retransmitted to the destination (§9.1, D8), subscribers filed under the
 * skey of the moment (§9.2, opcode 14 as 13, D10), bare 8-byte acks.
 * Not modelled: keepalives and time sync (the first is due after 30 s),
 * RPC, the announce socket (so neither D14 nor announcements to the group).
 */
export class ReferenceLikeClient {
  readonly #crypto: PavillionCrypto
  readonly #destination: PeerAddress
  readonly #credentials: ReferenceCredentials
  readonly #rekeyAfterAccept: boolean
  readonly #socket: Socket
  #closed: Promise<void> | undefined
  readonly #servers = new Map<string, ReferenceServerRecord>()
  readonly #subscribers = new ReferenceSubscribers()
  readonly #pending = new Map<bigint, PendingReliable>()
  readonly #usedNonces = new Set<string>()
  readonly #sessionField: Uint8Array
  /** PSK: the client nonce; ECC: the ckey (both fixed per instance). */
  readonly #ckey: SymmetricKey
  readonly #clientNonce: Uint8Array
  #challenge: Uint8Array
  #challengeAt: number
  #counter: bigint
  #realSendAt = Number.NEGATIVE_INFINITY
  /** Exceptions thrown while handling a datagram (a bug here or in what the server sent); tests expect none. */
  readonly errors: unknown[] = []

  private constructor(options: ReferenceClientOptions, socket: Socket) {
    const crypto = options.crypto
    this.#crypto = crypto
    this.#destination = options.destination
    this.#credentials = options.credentials
    this.#rekeyAfterAccept = options.rekeyAfterAccept ?? true
    this.#socket = socket
    this.#counter = crypto.randomBigInt(1024n, 1_000_000_000n)
    this.#challenge = crypto.random(16)
    this.#challengeAt = performance.now()
    this.#sessionField = crypto.random(16)
    this.#clientNonce = crypto.random(32)
    const credentials = options.credentials
    this.#ckey =
      credentials.type === 'psk'
        ? crypto.pskClientKey(credentials.psk, this.#clientNonce)
        : crypto.randomKey()
    socket.on('message', (message, rinfo) =>
      this.#receive(new Uint8Array(message), { address: rinfo.address, port: rinfo.port }),
    )
  }

  /** Binds a socket on 127.0.0.1 and sends the start-up nonce request to the destination (once, §5.1). */
  static async start(options: ReferenceClientOptions): Promise<ReferenceLikeClient> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject)
        resolve()
      })
    })
    if (isMulticast(options.destination)) socket.setMulticastInterface('127.0.0.1')
    const client = new ReferenceLikeClient(options, socket)
    socket.on('error', (error) => client.errors.push(error))
    client.#transmit(options.destination, client.#nonceRequest(false))
    return client
  }

  /** The servers it knows, in the order it met them. */
  servers(): ReferenceServerView[] {
    return [...this.#servers.values()].map(({ address, keyings, accepts, skeyHex }) => ({
      address,
      keyings,
      accepts,
      skeyHex,
    }))
  }

  /** The skeys (hex) filed as subscribers of `target`, expired or not. */
  subscribersOf(target: string): string[] {
    return this.#subscribers.of(target)
  }

  /**
   * Sends a reliable message (opcode 1) the way the reference does (§9.1):
   * waits for the subscribers of `target` of the last 240 s, or for any one
   * acknowledgement when there are none, retransmitting the same bytes to the
   * destination on the reference's schedule. Resolves with what came of it.
   */
  send(target: string, name: string, body: Uint8Array): Promise<ReferenceSendResult> {
    const now = performance.now()
    const counter = this.#nextCounter()
    const bytes = this.#seal(counter, encodeApp({ type: 'reliable', target, name, body }))
    const pending = new PendingReliable(counter, target, this.#subscribers.expected(target, now), now)
    this.#pending.set(counter, pending)
    const first = this.#sendAddress(now)
    return pending
      .run(
        (attempt) => this.#transmit(attempt === 0 ? first : this.#destination, bytes),
        () => performance.now(),
      )
      .finally(() => this.#pending.delete(counter))
  }

  /** Sends quit (opcode 12) to the destination, as the reference does when closed, and closes the socket; idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#transmit(this.#destination, this.#seal(this.#nextCounter(), encodeApp({ type: 'quit' })))
      await new Promise<void>((resolve) => this.#socket.close(() => resolve()))
    })()
    return this.#closed
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  // ---- receiving ---------------------------------------------------------------

  #receive(datagram: Uint8Array, from: PeerAddress): void {
    try {
      let frame: ReturnType<typeof decodeFrame>
      try {
        frame = decodeFrame(datagram)
      } catch {
        return // not Pavillion: dropped before any record is made
      }
      const now = performance.now()
      const server = this.#known(from)
      if (frame.kind === 'setup') {
        let message: SetupMessage
        try {
          message = decodeSetup(frame.opcode, frame.data)
        } catch {
          return // the reference's exact-length parsers drop it
        }
        this.#onSetup(now, server, message)
      } else this.#onSecure(now, server, frame.counter, frame.box)
    } catch (error) {
      this.errors.push(error)
    }
  }

  #onSetup(now: number, server: ReferenceServerRecord, message: SetupMessage): void {
    switch (message.type) {
      case 'psk-nonce': {
        const credentials = this.#credentials
        if (credentials.type !== 'psk' || !this.#crypto.equal(message.challenge, this.#challenge)) return
        // D4, reproduced: the rotation comes after the echoed challenge was accepted.
        if (now - this.#challengeAt > CHALLENGE_ROTATION) {
          this.#usedNonces.clear()
          this.#challenge = this.#crypto.random(16)
          this.#challengeAt = now
        }
        const { clientId, psk } = credentials
        const answer = referencePskReply(
          this.#crypto,
          psk,
          clientId,
          this.#clientNonce,
          message,
          this.#counter,
        )
        if (answer === undefined) return
        this.#transmit(server.address, answer.reply)
        this.#counter++
        // A server nonce used before gets its client info again, but no new key.
        const nonceHex = hex(answer.serverNonce)
        if (this.#usedNonces.has(nonceHex)) return
        this.#usedNonces.add(nonceHex)
        server.keyed(answer.skey, hex(answer.skey.expose()))
        return
      }
      case 'ecc-nonce': {
        const credentials = this.#credentials
        if (credentials.type !== 'ecc') return
        const answer = referenceEccReply(this.#crypto, credentials, this.#ckey, message, this.#counter)
        if (answer === undefined) return
        server.keyed(answer.skey, hex(answer.skey.expose()))
        this.#transmit(server.address, answer.reply)
        return
      }
      case 'new-server-join':
        // §5.6: from a server it never keyed, only in multicast mode.
        if (server.keyings > 0 || isMulticast(this.#destination)) this.#reactiveNonceRequest(now, server)
        return
      case 'unrecognized-client':
        this.#reactiveNonceRequest(now, server)
        return
      case 'session-accepted':
        // Ignored by the reference; here the cue for its habit of asking again (see `rekeyAfterAccept`).
        server.accepts++
        if (this.#rekeyAfterAccept && server.accepts === 1) this.#reactiveNonceRequest(now, server)
        return
      default:
        return // opcode 6 has no effect (D9); nothing else is for a client
    }
  }

  #onSecure(now: number, server: ReferenceServerRecord, counter: bigint, box: Uint8Array): void {
    if (server.skey === undefined) {
      this.#reactiveNonceRequest(now, server) // §8.4
      return
    }
    const plaintext = this.#crypto.open(box, counter, server.skey)
    if (plaintext === undefined) return // dropped silently, no re-handshake (§8.4)
    const fresh = counter > server.replay
    if (!fresh && server.replay - counter > OLD_WINDOW) return
    const message = decodeApp(plaintext)
    if (!fresh) {
      // §8.3: an old reliable message is acknowledged again, not delivered; everything else is dropped.
      if (message.type === 'reliable' && plaintext.length >= 9) this.#ack(server, counter)
      return
    }
    server.replay = counter
    server.lastFreshAt = now
    switch (message.type) {
      case 'reliable':
        this.#ack(server, counter)
        return
      case 'ack': {
        const pending = this.#pending.get(message.counter)
        if (pending === undefined) return
        pending.acknowledge(server.skeyHex)
        this.#subscribers.add(pending.target, server.skeyHex, now)
        return
      }
      case 'subscribe':
      case 'unsubscribe': // D10
        this.#subscribers.add(message.target, server.skeyHex, now)
        return
      default:
        return
    }
  }

  // ---- handshakes ----------------------------------------------------------------

  /** §9.5: at most 9 per 10 s window per server, 6 once it had an skey; the start-up one is not counted. */
  #reactiveNonceRequest(now: number, server: ReferenceServerRecord): void {
    if (server.spendNonceRequest(now)) this.#transmit(server.address, this.#nonceRequest(true))
  }

  #nonceRequest(reactive: boolean): Uint8Array {
    return referenceNonceRequest(this.#credentials, this.#challenge, this.#sessionField, reactive)
  }

  // ---- sending -------------------------------------------------------------------

  /** §2.5: straight to the only known server while both it and a real send are recent; else the destination. */
  #sendAddress(now: number): PeerAddress {
    const servers = [...this.#servers.values()]
    const only = servers.length === 1 ? servers[0] : undefined
    if (
      only !== undefined &&
      now - this.#realSendAt <= UNICAST_SHORTCUT &&
      now - only.lastFreshAt <= UNICAST_SHORTCUT
    )
      return only.address
    this.#realSendAt = now
    return this.#destination
  }

  /** A bare 8-byte acknowledgement, with a new counter, to the server's source (§7.2). */
  #ack(server: ReferenceServerRecord, counter: bigint): void {
    this.#transmit(server.address, this.#seal(this.#nextCounter(), encodeApp({ type: 'ack', counter })))
  }

  #known(from: PeerAddress): ReferenceServerRecord {
    const key = addressKey(from)
    let server = this.#servers.get(key)
    if (server === undefined) {
      server = new ReferenceServerRecord(from)
      this.#servers.set(key, server)
    }
    return server
  }

  #nextCounter(): bigint {
    this.#counter++
    return this.#counter
  }

  #seal(counter: bigint, plaintext: Uint8Array): Uint8Array {
    return encodeSecureFrame(counter, this.#crypto.seal(plaintext, counter, this.#ckey))
  }

  #transmit(to: PeerAddress, bytes: Uint8Array): void {
    this.#socket.send(bytes, to.port, to.address)
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}
