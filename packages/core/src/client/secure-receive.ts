import type { SymmetricKey } from '@pavillion/crypto'
import { type AppMessage, AppOpcode, decodeStatus, encodeApp } from '@pavillion/wire'
import { QUIT_EVICTED } from '../constants.ts'
import type { DeliveryTracker } from '../delivery-tracker.ts'
import type { ClientEvent, CloseReason, ServerInfo } from '../events.ts'
import type { EndpointStats } from '../stats.ts'
import { type ClockSync, timeSyncResponse } from '../time-sync.ts'
import type { PeerAddress } from '../transport.ts'
import type { KnownServer } from './known-server.ts'
import type { ServerTable } from './server-table.ts'

/** A client's one counter sequence, towards every server. */
export const OWN_SEQUENCE = ''
/** Undecryptable packets in a row from a keyed server before the client re-handshakes with it. */
const FAILURES_BEFORE_REHANDSHAKE = 3

/** What the client's receive path needs from its endpoint. */
export interface ReceiveHost {
  readonly counters: EndpointStats
  readonly servers: ServerTable
  readonly tracker: DeliveryTracker<ServerInfo>
  readonly clock: ClockSync
  readonly wallClockOffset: number
  /** The destination is one server (not a group). */
  readonly unicast: boolean
  /** Opens a box; undefined when it does not authenticate. */
  open(box: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array | undefined
  /** `'core'`, `'layer'`, or undefined (counted malformed): see `EndpointBase.routeOf`. */
  routeOf(plaintext: Uint8Array): 'core' | 'layer' | undefined
  /** One of core's own messages, or undefined (counted malformed). */
  decodeApp(plaintext: Uint8Array): AppMessage | undefined
  /** Hands a layer's message on: see `EndpointBase.deliver`. */
  deliver(
    now: number,
    plaintext: Uint8Array,
    counter: bigint,
    sender: ServerInfo,
    senderKey: string,
    duplicate: boolean,
  ): void
  /** Seals and sends a packet the engine owes. */
  sealAndSend(now: number, plaintext: Uint8Array, to: PeerAddress): void
  /** A rate-limited nonce request to a server that may have lost our session. */
  reactiveNonceRequest(now: number, to: PeerAddress, server: KnownServer): void
  /** A fresh authenticated packet came from `server`. */
  markFresh(now: number, server: KnownServer): void
  /** `server` quit while connected. */
  disconnected(now: number, server: KnownServer, reason: CloseReason): void
  emit(event: ClientEvent): void
}

/**
 * The client's secure-datagram receive path: picks the server's key (or its
 * previous one, for a short while after a re-key), checks the replay window,
 * opens the box, then acts on core's own opcodes and hands the others on.
 */
export class ClientReceive {
  readonly #host: ReceiveHost

  constructor(host: ReceiveHost) {
    this.#host = host
  }

  /** A secure frame from the source `key`, still sealed; `size` is the whole datagram's. */
  onSecure(now: number, key: string, counter: bigint, box: Uint8Array, size: number): void {
    const host = this.#host
    const counters = host.counters
    const server = host.servers.get(key)
    if (server?.skey === undefined || !server.life.keyed) {
      // No session with this source: servers never send encrypted packets before a handshake.
      counters.unexpected++
      counters.bytesInUnauthenticated += size
      return
    }
    server.lastSeenAt = now
    let { skey, replay } = server
    let verdict = replay.check(counter)
    let plaintext = verdict === 'stale' ? undefined : host.open(box, counter, skey)
    const previous = server.previous
    if (plaintext === undefined && previous !== undefined && now < previous.until) {
      // Sealed before the server re-keyed (a spoofed opcode 4 must not make it undeliverable).
      skey = previous.skey
      replay = previous.replay
      verdict = replay.check(counter)
      plaintext = verdict === 'stale' ? undefined : host.open(box, counter, skey)
    }
    if (verdict === 'stale') {
      counters.stale++
      return
    }
    if (plaintext === undefined) {
      counters.forged++
      counters.bytesInUnauthenticated += size
      // Several in a row from a server that used to work: it may have lost our session (PROTOCOL.md D5).
      // One alone is more likely corruption or a forgery, and gets no answer.
      if (++server.failuresInARow >= FAILURES_BEFORE_REHANDSHAKE) {
        server.failuresInARow = 0
        host.reactiveNonceRequest(now, server.address, server)
      }
      return
    }
    server.failuresInARow = 0
    const route = host.routeOf(plaintext)
    const message = route === 'core' ? host.decodeApp(plaintext) : undefined
    if (route === undefined || (route === 'core' && message === undefined)) {
      if (verdict === 'fresh') replay.commit(counter) // authentic but unusable: its counter is spent
      return
    }
    if (verdict === 'duplicate') {
      counters.duplicates++
      if (message?.type === 'reliable') this.#sendAck(now, server, counter)
      host.deliver(now, plaintext, counter, server.info, server.key, true)
      return
    }
    replay.commit(counter)
    host.markFresh(now, server)
    if (message === undefined) host.deliver(now, plaintext, counter, server.info, server.key, false)
    else this.#dispatch(now, server, counter, plaintext, message)
  }

  /** A message of one of the engine's own opcodes (the endpoint's CLIENT_OPCODES). */
  #dispatch(
    now: number,
    server: KnownServer,
    counter: bigint,
    plaintext: Uint8Array,
    message: AppMessage,
  ): void {
    const host = this.#host
    switch (message.type) {
      case 'ack':
        if (message.status !== undefined) this.#updateStatus(server, message.status)
        host.tracker.acknowledge(now, OWN_SEQUENCE, message.counter, AppOpcode.Ack, server.key, server.info)
        return
      case 'reliable':
        this.#sendAck(now, server, counter)
        if (message.target !== '' || message.name !== '' || message.body.length > 0)
          host.deliver(now, plaintext, counter, server.info, server.key, false)
        return
      case 'time-sync-request':
        host.sealAndSend(now, timeSyncResponse(now, counter, host.wallClockOffset), server.address)
        return
      case 'time-sync-response': {
        const offset = host.clock.offsetOf(now, message.requestCounter, message.monotonicUs)
        if (offset !== undefined) this.#setClockOffset(server, offset)
        return
      }
      case 'client-accept':
        this.#setClockOffset(server, now - Number(message.serverMonotonicUs) / 1000)
        return
      case 'quit': {
        // A server that evicted us says so: what we have in flight to it can never be acknowledged.
        const evicted = message.reason === QUIT_EVICTED
        if (evicted) host.tracker.peerLost(now, server.key, 'evicted', host.unicast)
        if (server.dropKey()) host.disconnected(now, server, evicted ? 'evicted' : 'quit')
        return
      }
    }
  }

  #sendAck(now: number, server: KnownServer, counter: bigint): void {
    // Bare 8-byte acks: the reference server drops longer ones (PROTOCOL.md §7.2).
    this.#host.sealAndSend(now, encodeApp({ type: 'ack', counter }), server.address)
  }

  #updateStatus(server: KnownServer, raw: Uint8Array): void {
    const previous = server.status?.raw
    if (previous !== undefined && previous[0] === raw[0] && previous[1] === raw[1] && previous[2] === raw[2])
      return
    server.status = decodeStatus(raw)
    this.#host.emit({ type: 'server:status', server: server.info, status: server.status })
  }

  #setClockOffset(server: KnownServer, offset: number): void {
    server.clockOffset = offset
    this.#host.emit({ type: 'time:sync', server: server.info, offset })
  }
}
