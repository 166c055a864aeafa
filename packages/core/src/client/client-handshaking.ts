import type { PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import { CipherSuiteId, type SetupMessage } from '@pavillion/wire'
import { MAX_COUNTER } from '../constants.ts'
import type { ClientEvent } from '../events.ts'
import { Challenge } from '../handshake/challenge.ts'
import { type ClientHandshake, clientHandshake } from '../handshake/client-handshake.ts'
import { isRefusal } from '../handshake/outcome.ts'
import type { EndpointStats } from '../stats.ts'
import type { TimerTable } from '../timer-table.ts'
import type { PeerAddress } from '../transport.ts'
import type { ClientEndpointOptions, ClientTiming } from './client-options.ts'
import type { KnownServer } from './known-server.ts'
import { NonceBudget } from './nonce-budget.ts'
import { type Refusal, RefusalRound } from './refusal-round.ts'
import type { ServerTable } from './server-table.ts'

/** Announcements from a server keyed this recently belong to its start-up burst (PROTOCOL.md §2.6: 0, 3, 28 ms). */
const ANNOUNCE_BURST = 1_000
/** How long packets under a server's previous key are still accepted after a re-key, ms. */
const PREVIOUS_KEY_GRACE = 10_000

/** What the client's handshaking needs from its endpoint. */
export interface HandshakingHost {
  readonly crypto: PavillionCrypto
  readonly counters: EndpointStats
  readonly timers: TimerTable
  readonly servers: ServerTable
  transmit(to: PeerAddress, bytes: Uint8Array): void
  transmitUnauthenticated(to: PeerAddress, bytes: Uint8Array): void
  emit(event: ClientEvent): void
  /** The client's last counter. */
  counter(): bigint
  /** Spends one counter and returns it. */
  nextCounter(): bigint
  /** `server` proved it accepted us. */
  markFresh(now: number, server: KnownServer): void
  /** A connected `server` was keyed again. */
  rekeyed(server: KnownServer): void
}

/**
 * The client's side of session set-up: nonce requests (eager, retried with
 * back-off, and in answer to re-handshake hints, rate-limited), verifying the
 * servers' answers and keying each server, and the setup notices servers send.
 */
export class ClientHandshaking {
  readonly #host: HandshakingHost
  readonly #handshake: ClientHandshake
  readonly #challenge: Challenge
  readonly #sessionField: Uint8Array
  readonly #destination: PeerAddress
  readonly #multicast: boolean
  readonly #timing: ClientTiming
  readonly #budget = new NonceBudget()
  #delay: number
  /** Retries since the last connection (the first `handshakeFastRetries` do not back off). */
  #retries = 0
  /** Refusals are reported only once a whole round of nonce requests was refused. */
  readonly #refusals = new RefusalRound()

  /** Draws, in this order, the challenge, the session field and the handshake's keys (unless fixed). */
  constructor(
    host: HandshakingHost,
    options: ClientEndpointOptions,
    timing: ClientTiming,
    multicast: boolean,
  ) {
    const { crypto, credentials, fixed } = options
    this.#host = host
    this.#destination = options.destination
    this.#multicast = multicast
    this.#timing = timing
    this.#delay = timing.handshakeRetryInitial
    this.#challenge = new Challenge(crypto, timing.challengeLifetime, fixed?.challenge)
    this.#sessionField = fixed?.sessionField ?? crypto.random(16)
    this.#handshake = clientHandshake(crypto, credentials, {
      clientNonce: fixed?.clientNonce,
      ckey: fixed?.ckey,
    })
  }

  /** The client's 16-byte ID as sent on the wire. */
  get clientId(): Uint8Array {
    return this.#handshake.clientId
  }

  /** Key of our packets (the handshake's client key). */
  get ckey(): SymmetricKey {
    return this.#handshake.ckey
  }

  /** A setup message from `from`. */
  onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    const host = this.#host
    const server = host.servers.get(key)
    if (server !== undefined) server.lastSeenAt = now
    switch (message.type) {
      case 'psk-nonce':
      case 'ecc-nonce':
        this.#onNonce(now, from, key, message)
        return
      case 'new-server-join':
        // A server announces itself three times in 28 ms: a session made during that burst is already new.
        if (server !== undefined && now - server.keyedAt < ANNOUNCE_BURST) return
        this.#onRehandshakeHint(now, from, server)
        return
      case 'unrecognized-client':
        this.#onRehandshakeHint(now, from, server)
        return
      case 'invalid-client-id':
        // Unauthenticated: counted only when it echoes the challenge we sent (reported after a round).
        if (host.crypto.equal(message.challenge, this.#challenge.value))
          this.#refusals.refused(from, 'invalid-client-id')
        else host.counters.unexpected++
        return
      case 'session-accepted':
        // The session ID is H(psk or public key, client key): only a server that opened our client
        // info knows it. It is the same for every handshake, so it counts once per key.
        if (
          server !== undefined &&
          host.crypto.equal(message.sessionId, this.#handshake.sessionId) &&
          server.life.accepted()
        ) {
          host.markFresh(now, server)
        } else host.counters.unexpected++
        return
      default:
        host.counters.unexpected++
    }
  }

  /** Sends a nonce request to the destination, unless one is already waiting for its retry. */
  sendHandshake(now: number): void {
    const timers = this.#host.timers
    if (timers.get('handshake', '') !== undefined) return
    this.#host.transmit(this.#destination, this.#nonceRequest(now))
    timers.set('handshake', '', now + this.#jittered(this.#delay))
  }

  /** A nonce request in answer to a hint (or to undecryptable packets), within the rate limit. */
  reactiveNonceRequest(now: number, to: PeerAddress, server: KnownServer | undefined): void {
    if (!this.#budget.spend(now, server)) {
      this.#host.counters.rateLimited++
      return
    }
    this.#host.transmitUnauthenticated(to, this.#nonceRequest(now))
  }

  /** A server connected: the retry back-off starts over and the pending retry is dropped. */
  connected(): void {
    this.#delay = this.#timing.handshakeRetryInitial
    this.#retries = 0
    this.#refusals.reset()
    this.#host.timers.clear('handshake', '')
  }

  /**
   * The retry timer fired while no server is connected. Our client info to a
   * server that answered but has not accepted us yet goes again as it was
   * (the server answers a repeated one with opcode 7 again), so a lost client
   * info or opcode 7 costs two datagrams in a row, not a new handshake of four;
   * the nonce request goes again too.
   */
  onTimer(now: number): void {
    const host = this.#host
    for (const server of host.servers.values()) {
      // Keyed a whole retry period ago and still not accepted: it does not know our key.
      if (now - server.keyedAt >= this.#delay && server.life.notAccepted())
        this.#refusals.refused(server.address, 'not-accepted')
      const state = server.life.state
      const reply = server.serverNonce && server.answered.get(hexOf(server.serverNonce))
      if ((state === 'keyed' || state === 'auth-failed') && reply !== undefined)
        host.transmitUnauthenticated(server.address, reply)
    }
    this.#report(this.#refusals.ended())
    this.#retries++
    const { handshakeFastRetries, handshakeRetryInitial, handshakeRetryMax } = this.#timing
    this.#delay =
      this.#retries < handshakeFastRetries
        ? handshakeRetryInitial
        : Math.min(this.#delay * 2, handshakeRetryMax)
    this.sendHandshake(now)
  }

  /**
   * `delay` ±25 %, so that clients started together (a power cut ending) do
   * not retry in lockstep. The jitter comes from the session field, drawn
   * from the injected randomness at construction: no further draws, so
   * recorded runs replay unchanged.
   */
  #jittered(delay: number): number {
    const byte = this.#sessionField[this.#retries % this.#sessionField.length] ?? 128
    return Math.round(delay * (0.75 + byte / 510))
  }

  #nonceRequest(now: number): Uint8Array {
    return this.#handshake.nonceRequest(this.#challenge.refresh(now), this.#sessionField)
  }

  /** A source may be a server we have not met when it is our unicast destination's host, or anyone in multicast mode. */
  #couldBeServer(from: PeerAddress): boolean {
    return this.#multicast || from.address === this.#destination.address
  }

  /** Opcodes 4 and 5 are unauthenticated: honoured (rate-limited) only from a server we know or could know. */
  #onRehandshakeHint(now: number, from: PeerAddress, server: KnownServer | undefined): void {
    if (server !== undefined || this.#couldBeServer(from)) this.reactiveNonceRequest(now, from, server)
    else this.#host.counters.unexpected++
  }

  /** A server's answer to our nonce request: verified, then answered with our client info (or dropped, counted). */
  #onNonce(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    const host = this.#host
    const handshake = this.#handshake
    const verified = handshake.verify(message, this.#challenge.value)
    if (isRefusal(verified)) {
      host.counters[verified.refused]++
      if (verified.refused === 'forged' && this.#couldBeServer(from))
        this.#refusals.refused(from, 'forged-answer')
      return
    }
    this.#refusals.answered()
    if (this.#answeredBefore(now, key, verified.serverNonce)) return
    const server = host.servers.admit(now, from, key, handshake.suite, handshake.serverPublicKey)
    if (server === undefined) {
      host.counters.overflow++
      return
    }
    // A spent PSK client cannot send anything after the handshake.
    if (handshake.suite === CipherSuiteId.Psk && host.counter() >= MAX_COUNTER) return
    const { reply, skey, spendsCounter } = handshake.reply(verified, host.counter())
    // PSK, like the reference: the counter sent is the current one, then it moves on (first packet: counter + 2).
    if (spendsCounter) host.nextCounter()
    this.#keyed(now, server, skey, verified.serverNonce, reply)
  }

  /**
   * A server nonce answered before gets the same reply again, to the same
   * address, and changes no key (PROTOCOL.md D4, the vectors' `race`); one
   * answered for another address is a replay and is dropped without creating
   * any record. Returns true when the nonce was handled here.
   */
  #answeredBefore(now: number, key: string, serverNonce: Uint8Array): boolean {
    const host = this.#host
    const nonceHex = hexOf(serverNonce)
    const server = host.servers.get(key)
    const previous = server?.answered.get(nonceHex)
    if (server !== undefined && previous !== undefined) {
      // A replayed answer must not make us a reflector: the same budget as reactive nonce requests.
      if (this.#budget.spend(now, server)) host.transmitUnauthenticated(server.address, previous)
      else host.counters.rateLimited++
      return true
    }
    if (this.#challenge.used(nonceHex)) {
      host.counters.stale++
      return true
    }
    return false
  }

  #keyed(
    now: number,
    server: KnownServer,
    skey: SymmetricKey,
    serverNonce: Uint8Array,
    reply: Uint8Array,
  ): void {
    const host = this.#host
    const nonceHex = hexOf(serverNonce)
    this.#challenge.markUsed(now, nonceHex)
    server.rememberAnswer(nonceHex, reply)
    host.transmitUnauthenticated(server.address, reply)
    // Everything sealed so far is at or below the counter this handshake announced.
    server.rekey(skey, serverNonce, now, PREVIOUS_KEY_GRACE, host.counter())
    if (server.previous !== undefined) host.timers.set('grace', server.key, server.previous.until)
    host.counters.handshakes++
    // Connected once the server proves it accepted us: opcode 7 with our session ID, or any authenticated packet.
    if (server.connected) host.rekeyed(server)
  }

  /**
   * A whole round of nonce requests was refused: the server at its address
   * does not accept our client ID or key. Reported once per round; after
   * opcode 6 the retries back off (PROTOCOL.md D9). Nothing else changes on the wire.
   */
  #report(refusal: Refusal | undefined): void {
    if (refusal === undefined) return
    const { address, reason } = refusal
    if (reason === 'invalid-client-id') {
      // Out of the fast retries: back off at once.
      this.#delay = this.#timing.handshakeRetryMax
      this.#retries = this.#timing.handshakeFastRetries
      this.#host.emit({ type: 'server:invalid-client-id', address })
    } else this.#host.emit({ type: 'server:auth-failed', address, reason })
  }
}

function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}
