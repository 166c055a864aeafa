import type { SymmetricKey } from '@pavillion/crypto'
import { AppOpcode, decodeApp, type SetupMessage } from '@pavillion/wire'
import { isMulticast } from '../addressing.ts'
import { MAX_COUNTER } from '../constants.ts'
import type { Resealed } from '../delivery-tracker.ts'
import { EndpointBase } from '../endpoint-base.ts'
import { BackpressureError, ClosedError, PavillionError } from '../errors.ts'
import type { ClientEvent, CloseReason, DeliveryReport, ServerInfo } from '../events.ts'
import { registerKeyProbe } from '../key-probe.ts'
import { DEFAULT_RTT_OPTIONS } from '../rtt-estimator.ts'
import { ClockSync } from '../time-sync.ts'
import type { TimerOwner, TimerSlot } from '../timer-table.ts'
import type { PeerAddress } from '../transport.ts'
import { ClientHandshaking } from './client-handshaking.ts'
import { CLIENT_OPCODES, KEEPALIVE, QUIT, TIME_SYNC_REQUEST } from './client-messages.ts'
import {
  type ClientEndpointOptions,
  type ClientLimits,
  type ClientTiming,
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_CLIENT_TIMING,
} from './client-options.ts'
import type { KnownServer } from './known-server.ts'
import { ClientReceive, OWN_SEQUENCE } from './secure-receive.ts'
import { type ClientSendRequest, SendQueue } from './send-queue.ts'
import { type ServerConnection, type ServerState, ServerTable } from './server-table.ts'

export type { ClientSendRequest } from './send-queue.ts'
export type { ServerConnection, ServerState } from './server-table.ts'

/**
 * The client role as a sans-I/O state machine: one configured destination
 * (a server, or a multicast group reaching several), and one session per
 * server that answers. See `EndpointBase` for the calling contract.
 */
export class ClientEndpoint extends EndpointBase<ClientEvent, ServerInfo> {
  readonly #handshaking: ClientHandshaking
  readonly #receive: ClientReceive
  readonly #destination: PeerAddress
  readonly #multicast: boolean
  readonly #timing: ClientTiming
  readonly #limits: ClientLimits
  /** Key of our packets (the handshake's client key). */
  readonly #ckey: SymmetricKey
  readonly #servers: ServerTable
  readonly #queue: SendQueue
  readonly #clock = new ClockSync()
  #counter: bigint
  #connectedCount = 0
  #nextId = 1
  #lastReliableAt = Number.NEGATIVE_INFINITY
  #started = false

  constructor(options: ClientEndpointOptions) {
    super(options.crypto, CLIENT_OPCODES)
    this.#destination = options.destination
    this.#multicast = isMulticast(options.destination)
    this.#timing = { ...DEFAULT_CLIENT_TIMING, ...options.timing }
    this.#limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits }
    const rtt = { ...DEFAULT_RTT_OPTIONS, ...options.rtt }
    this.#servers = new ServerTable(this.#limits.maxServers, rtt, (key) =>
      this.timers.clear('disconnect', key),
    )
    this.#queue = new SendQueue(this.timers, (report, internal, token) =>
      this.onDelivery(report, internal, token),
    )
    // Drawn first: then the handshake's challenge, session field and keys.
    this.#counter = options.fixed?.initialCounter ?? options.crypto.randomBigInt(1024n, 1_000_000_000n)
    const host = {
      crypto: this.crypto,
      counters: this.counters,
      timers: this.timers,
      servers: this.#servers,
      transmit: (to: PeerAddress, bytes: Uint8Array) => this.transmit(to, bytes),
      transmitUnauthenticated: (to: PeerAddress, bytes: Uint8Array) =>
        this.transmitUnauthenticated(to, bytes),
      emit: (event: ClientEvent) => this.emit(event),
      counter: () => this.#counter,
      nextCounter: () => this.#nextCounter(),
      markFresh: (now: number, server: KnownServer) => this.#markFresh(now, server),
      rekeyed: (server: KnownServer) => this.tracker.peerJoined(server.key, server.info, server.address),
    }
    this.#handshaking = new ClientHandshaking(host, options, this.#timing, this.#multicast)
    this.#receive = new ClientReceive({
      ...host,
      tracker: this.tracker,
      clock: this.#clock,
      wallClockOffset: options.wallClockOffset ?? 0,
      unicast: !this.#multicast,
      open: (box, counter, key) => this.open(box, counter, key),
      routeOf: (plaintext) => this.routeOf(plaintext),
      decodeApp: (plaintext) => this.decoded(decodeApp, plaintext),
      deliver: (now, plaintext, counter, sender, senderKey, duplicate) =>
        this.deliver(now, plaintext, counter, sender, senderKey, duplicate),
      sealAndSend: (now, plaintext, to) => this.#sealAndSend(now, plaintext, to),
      reactiveNonceRequest: (now, to, server) => this.#handshaking.reactiveNonceRequest(now, to, server),
      disconnected: (now, server, reason) => this.#disconnected(now, server, reason),
    })
    this.#ckey = this.#handshaking.ckey
    registerKeyProbe(this, () => [this.#ckey, ...this.#servers.ownedKeys()])
  }

  /** The client's 16-byte ID as sent on the wire. */
  get clientId(): Uint8Array {
    return this.#handshaking.clientId
  }

  /** The last counter used (u64). */
  get counter(): bigint {
    return this.#counter
  }

  /** Servers currently connected. */
  servers(): ServerInfo[] {
    return this.#servers.connected()
  }

  /** Every server this client knows (connected or not), with its state. */
  connections(): ServerConnection[] {
    return this.#servers.connections()
  }

  /** Latest status bytes and clock offset of one server, when known. */
  serverState(key: string): ServerState | undefined {
    return this.#servers.stateOf(key)
  }

  /** Starts the eager handshake and the keepalive. Call once, before anything else. */
  start(now: number): void {
    if (this.#started || this.closed) return
    this.#started = true
    this.#handshaking.sendHandshake(now)
    this.#armKeepalive(now)
  }

  /**
   * Sends one application packet (sealed with the client key) to the
   * destination. While no server is connected the packet waits (bounded) and
   * a handshake starts. Returns the tracking ticket for tracked sends.
   * @throws ClosedError after close; BackpressureError when a bound is reached
   */
  send(now: number, request: ClientSendRequest): number | undefined {
    return this.#send(now, request, false)
  }

  /** Ends a tracked send early, whether it is in flight or still waiting for a server; its report says `cancelled`. */
  override cancel(now: number, id: number): void {
    this.#queue.cancel(id)
    super.cancel(now, id)
  }

  /** Ends every tracked send made with `owner`, in flight or still waiting for a server. */
  override cancelOwned(now: number, owner: object): void {
    this.#queue.cancelOwned(owner)
    super.cancelOwned(now, owner)
  }

  /** Asks the server(s) for their monotonic clock (opcode 20); answers arrive as `time:sync` events. */
  requestTimeSync(now: number): void {
    this.#ensureOpen()
    const counter = this.#nextCounter()
    this.transmit(this.#destination, this.seal(counter, TIME_SYNC_REQUEST, this.#ckey))
    this.#clock.requested(counter, now)
  }

  /** Sends quit (when a session exists), fails every pending send with `closed`, and stops all timers. Idempotent. */
  close(now: number): void {
    if (this.closed) return
    if (this.#connectedCount > 0) this.#sealAndSend(now, QUIT, this.#destination)
    this.closed = true
    this.tracker.closeAll(now)
    this.#queue.closeAll()
    for (const server of this.#servers.values()) if (server.connected) this.#disconnect(now, server, 'closed')
    this.timers.clearAll()
    // Nothing is sealed or opened after close: every key this client owns is wiped.
    for (const server of this.#servers.values()) server.wipeKeys()
    this.#ckey.wipe()
  }

  // ---- setup messages ------------------------------------------------------

  protected override onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    this.#handshaking.onSetup(now, from, key, message)
  }

  // ---- encrypted messages --------------------------------------------------

  protected override onSecure(
    now: number,
    _from: PeerAddress,
    key: string,
    counter: bigint,
    box: Uint8Array,
    size: number,
  ): void {
    this.#receive.onSecure(now, key, counter, box, size)
  }

  // ---- sending -------------------------------------------------------------

  #send(now: number, request: ClientSendRequest, internal: boolean): number | undefined {
    this.#ensureOpen()
    const tracked = request.track !== undefined
    if (tracked && this.tracker.size + this.#queue.length >= this.#limits.maxInFlight) {
      throw new BackpressureError(
        `${this.#limits.maxInFlight} acknowledged sends are already in flight; wait for some to settle`,
      )
    }
    const id = tracked ? this.#nextId++ : undefined
    if (this.#connectedCount === 0) {
      if (this.#queue.length >= this.#limits.maxQueued) {
        throw new BackpressureError(
          `${this.#limits.maxQueued} packets already wait for a server to connect; wait or raise limits.maxQueued`,
        )
      }
      this.#queue.push({ id, request, internal })
      this.#handshaking.sendHandshake(now)
      return id
    }
    this.#transmitNow(now, request, id, internal)
    return id
  }

  #transmitNow(now: number, request: ClientSendRequest, id: number | undefined, internal: boolean): void {
    const counter = this.#nextCounter()
    const bytes = this.seal(counter, request.plaintext, this.#ckey)
    if (request.plaintext[0] === 1) this.#lastReliableAt = now
    const track = request.track
    if (track === undefined || id === undefined) {
      this.transmit(this.#destination, bytes)
      return
    }
    const wanted = track.servers ?? (track.expect === 'any' ? [] : [...this.#servers.keys()])
    const targets = this.#servers.targets(wanted, bytes)
    this.tracker.track(
      now,
      {
        acks: [{ sequence: OWN_SEQUENCE, counter }],
        answeredBy: track.answeredBy ?? AppOpcode.Ack,
        plaintext: request.plaintext,
        counter,
        expect: track.expect,
        deadline: track.deadline,
        targets,
        fallback: { to: this.#destination, bytes },
        internal,
        autoTargets: track.servers === undefined && track.expect !== 'any',
        token: track.token,
        owner: track.owner,
      },
      id,
    )
  }

  /**
   * Seals a packet in flight again, under a new counter, for a server met for
   * the first time — only when its counter is at or below the one that
   * server's handshake announced (it would refuse it); undefined otherwise
   * (it accepts the original, and its replay window recognises a second copy)
   * and once our counter is spent.
   */
  #resealFor(server: KnownServer, plaintext: Uint8Array, original: bigint): Resealed | undefined {
    if (original > server.announcedFloor || this.#counter >= MAX_COUNTER) return undefined
    const counter = this.#nextCounter()
    return { bytes: this.seal(counter, plaintext, this.#ckey), ack: { sequence: OWN_SEQUENCE, counter } }
  }

  /** Seals and sends a packet the engine itself owes (ack, time sync, quit); skipped once the counter is spent. */
  #sealAndSend(now: number, plaintext: Uint8Array, to: PeerAddress): void {
    if (this.#counter >= MAX_COUNTER) {
      this.counters.overflow++
      return
    }
    const counter = this.#nextCounter()
    if (plaintext[0] === 1) this.#lastReliableAt = now
    this.transmit(to, this.seal(counter, plaintext, this.#ckey))
  }

  #nextCounter(): bigint {
    if (this.#counter >= MAX_COUNTER) {
      throw new PavillionError(
        'ERR_COUNTER_EXHAUSTED',
        'the client counter reached 2^64 - 1; create a new client',
      )
    }
    this.#counter += 1n
    return this.#counter
  }

  // ---- handshakes and liveness -----------------------------------------------

  #markFresh(now: number, server: KnownServer): void {
    server.lastFreshAt = now
    if (!server.connected) {
      // A unicast destination is one server: a new source there is that server restarted (PROTOCOL.md D13, D15).
      if (!this.#multicast) {
        for (const other of this.#servers.values())
          if (other.connected) this.#disconnect(now, other, 'replaced')
      }
      const first = server.life.connect() === 'first'
      this.#connectedCount++
      this.#handshaking.connected()
      this.emit({ type: 'server:connected', server: server.info })
      // A server met for the first time refuses counters at or below its handshake's: packets in
      // flight from before are sealed again for it alone (a restarted server at a new port, a late
      // group member); later ones it has already accepted.
      this.tracker.peerJoined(
        server.key,
        server.info,
        server.address,
        first ? (plaintext, counter) => this.#resealFor(server, plaintext, counter) : undefined,
      )
      this.#queue.flush((queued) => this.#transmitNow(now, queued.request, queued.id, queued.internal))
    }
    if (this.timers.get('disconnect', server.key) === undefined) {
      this.timers.set('disconnect', server.key, now + this.#timing.disconnectAfter)
    }
  }

  /** A connected server stops being connected (it keeps its key: a fresh packet connects it again). */
  #disconnect(now: number, server: KnownServer, reason: CloseReason): void {
    if (server.life.disconnect(false)) this.#disconnected(now, server, reason)
  }

  #disconnected(now: number, server: KnownServer, reason: CloseReason): void {
    this.#connectedCount--
    this.timers.clear('disconnect', server.key)
    if (!this.closed) this.tracker.peerLeft(now, server.key)
    this.emit({ type: 'server:disconnected', server: server.info, reason })
  }

  #armKeepalive(now: number): void {
    const interval = this.#timing.keepaliveInterval
    if (interval > 0) this.timers.set('keepalive', '', Math.max(now, this.#lastReliableAt) + interval)
  }

  protected override get maxDatagram(): number {
    return this.#limits.maxDatagram
  }

  protected override onTimer(now: number, slot: TimerSlot, owner: TimerOwner): void {
    switch (slot) {
      case 'handshake':
        if (this.#connectedCount === 0) this.#handshaking.onTimer(now)
        return
      case 'keepalive':
        if (now - this.#lastReliableAt >= this.#timing.keepaliveInterval && this.#counter < MAX_COUNTER) {
          const deadline = now + Math.min(this.#timing.keepaliveInterval, 10_000)
          this.#send(now, { plaintext: KEEPALIVE, track: { deadline, expect: 'all' } }, true)
        }
        this.#armKeepalive(now)
        return
      case 'disconnect':
        this.#onDisconnectTimer(now, owner as string)
        return
      case 'queued':
        this.#queue.expire(owner as number)
        return
      case 'grace':
        this.#servers.get(owner as string)?.endGrace(now)
        return
    }
  }

  #onDisconnectTimer(now: number, key: string): void {
    const server = this.#servers.get(key)
    if (server === undefined || !server.connected) return
    const due = server.lastFreshAt + this.#timing.disconnectAfter
    if (now < due) {
      this.timers.set('disconnect', key, due)
      return
    }
    this.#disconnect(now, server, 'timeout')
    if (this.#connectedCount === 0) this.#handshaking.sendHandshake(now)
  }

  protected override rto(key: string | undefined, attempt: number): number {
    return this.#servers.rto(key, attempt)
  }

  protected override sampleRtt(key: string, rtt: number): void {
    this.#servers.sampleRtt(key, rtt)
  }

  protected override ackSequence(): string {
    return OWN_SEQUENCE
  }

  protected override onDelivery(report: DeliveryReport<ServerInfo>, internal: boolean, token: unknown): void {
    if (!internal) this.emit({ type: 'delivery', report, token })
  }

  #ensureOpen(): void {
    if (this.closed) throw new ClosedError('the client is closed; create a new one')
  }
}
