import type { SymmetricKey } from '@pavillion/crypto'
import {
  type AppMessage,
  AppOpcode,
  CipherSuiteId,
  decodeApp,
  decodeStatus,
  encodeApp,
  type SetupMessage,
} from '@pavillion/wire'
import { isMulticast } from '../addressing.ts'
import {
  MAX_COUNTER,
  NONCE_REQUEST_WINDOW,
  NONCE_REQUESTS_PER_WINDOW,
  NONCE_REQUESTS_PER_WINDOW_KEYED,
} from '../constants.ts'
import type { DeliveryTarget, Resealed } from '../delivery-tracker.ts'
import { EndpointBase, type TrackRequest } from '../endpoint-base.ts'
import { BackpressureError, ClosedError, PavillionError } from '../errors.ts'
import type { ClientEvent, CloseReason, DeliveryReport, ServerInfo } from '../events.ts'
import { Challenge } from '../handshake/challenge.ts'
import { type ClientHandshake, clientHandshake } from '../handshake/client-handshake.ts'
import { isRefusal } from '../handshake/outcome.ts'
import { Queue } from '../queue.ts'
import { DEFAULT_RTT_OPTIONS, type RttOptions } from '../rtt-estimator.ts'
import type { TimerOwner, TimerSlot } from '../timer-table.ts'
import type { PeerAddress } from '../transport.ts'
import {
  type ClientEndpointOptions,
  type ClientLimits,
  type ClientTiming,
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_CLIENT_TIMING,
} from './client-options.ts'
import { KnownServer } from './known-server.ts'

/** What a client asks its endpoint to send. */
export interface ClientSendRequest {
  /** Opcode ‖ payload, as `encodeApp` makes it. */
  readonly plaintext: Uint8Array
  /** Track acknowledgements and retransmit until `expect` is met or `deadline` (absolute ms) passes. */
  readonly track?: TrackRequest & {
    /** Keys of the servers expected to acknowledge; default: every connected server. */
    readonly servers?: readonly string[] | undefined
  }
}

interface QueuedSend {
  readonly id: number | undefined
  readonly request: ClientSendRequest
  readonly internal: boolean
}

const KEEPALIVE = encodeApp({ type: 'reliable', target: '', name: '', body: new Uint8Array(0) })
const QUIT = encodeApp({ type: 'quit' })
const TIME_SYNC_REQUEST = encodeApp({ type: 'time-sync-request' })
/** The application opcodes a client decodes itself: the reliable envelope, acks, quit, client accept, time sync. */
const CLIENT_OPCODES = [
  AppOpcode.Reliable,
  AppOpcode.Ack,
  AppOpcode.Quit,
  AppOpcode.ClientAccept,
  AppOpcode.TimeSyncRequest,
  AppOpcode.TimeSyncResponse,
]
/** A client's one counter sequence, towards every server. */
const OWN_SEQUENCE = ''
/** Announcements from a server keyed this recently belong to its start-up burst (PROTOCOL.md §2.6: 0, 3, 28 ms). */
const ANNOUNCE_BURST = 1_000
/** How long packets under a server's previous key are still accepted after a re-key, ms. */
const PREVIOUS_KEY_GRACE = 10_000
/** Undecryptable packets in a row from a keyed server before the client re-handshakes with it. */
const FAILURES_BEFORE_REHANDSHAKE = 3

/**
 * The client role as a sans-I/O state machine: one configured destination
 * (a server, or a multicast group reaching several), and one session per
 * server that answers. See `EndpointBase` for the calling contract.
 */
export class ClientEndpoint extends EndpointBase<ClientEvent, ServerInfo> {
  readonly #handshake: ClientHandshake
  readonly #challenge: Challenge
  readonly #destination: PeerAddress
  readonly #multicast: boolean
  readonly #timing: ClientTiming
  readonly #limits: ClientLimits
  readonly #rttOptions: RttOptions
  readonly #wallClockOffset: number
  readonly #sessionField: Uint8Array
  /** Key of our packets (the handshake's client key). */
  readonly #ckey: SymmetricKey
  readonly #servers = new Map<string, KnownServer>()
  readonly #queue = new Queue<QueuedSend>()
  #counter: bigint
  #connectedCount = 0
  #nextId = 1
  #handshakeDelay: number
  #lastReliableAt = Number.NEGATIVE_INFINITY
  #unknownWindowStart = Number.NEGATIVE_INFINITY
  #unknownWindowCount = 0
  #timeSync: { counter: bigint; sentAt: number } | undefined
  #started = false
  /** A `server:auth-failed` was emitted since the last nonce request went out. */
  #authFailureReported = false

  constructor(options: ClientEndpointOptions) {
    super(options.crypto, CLIENT_OPCODES)
    const { crypto, credentials, fixed } = options
    this.#destination = options.destination
    this.#multicast = isMulticast(options.destination)
    this.#timing = { ...DEFAULT_CLIENT_TIMING, ...options.timing }
    this.#limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits }
    this.#rttOptions = { ...DEFAULT_RTT_OPTIONS, ...options.rtt }
    this.#wallClockOffset = options.wallClockOffset ?? 0
    this.#handshakeDelay = this.#timing.handshakeRetryInitial
    this.#counter = fixed?.initialCounter ?? crypto.randomBigInt(1024n, 1_000_000_000n)
    this.#challenge = new Challenge(crypto, this.#timing.challengeLifetime, fixed?.challenge)
    this.#sessionField = fixed?.sessionField ?? crypto.random(16)
    this.#handshake = clientHandshake(crypto, credentials, {
      clientNonce: fixed?.clientNonce,
      ckey: fixed?.ckey,
    })
    this.#ckey = this.#handshake.ckey
  }

  /** The client's 16-byte ID as sent on the wire. */
  get clientId(): Uint8Array {
    return this.#handshake.clientId
  }

  /** The last counter used (u64). */
  get counter(): bigint {
    return this.#counter
  }

  /** Servers currently connected. */
  servers(): ServerInfo[] {
    const out: ServerInfo[] = []
    for (const server of this.#servers.values()) if (server.connected) out.push(server.info)
    return out
  }

  /** Latest status bytes and clock offset of one server, when known. */
  serverState(
    key: string,
  ):
    | { status: KnownServer['status']; clockOffset: number | undefined; srtt: number | undefined }
    | undefined {
    const server = this.#servers.get(key)
    return server && { status: server.status, clockOffset: server.clockOffset, srtt: server.rtt.srtt }
  }

  /** Starts the eager handshake and the keepalive. Call once, before anything else. */
  start(now: number): void {
    if (this.#started || this.closed) return
    this.#started = true
    this.#sendHandshake(now)
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
    const kept = this.#queue.drain()
    for (const queued of kept) {
      if (queued.id === id) {
        this.timers.clear('queued', id)
        this.#reportQueued(queued, 'cancelled')
      } else this.#queue.push(queued)
    }
    super.cancel(now, id)
  }

  /** Ends every tracked send made with `owner`, in flight or still waiting for a server. */
  override cancelOwned(now: number, owner: object): void {
    for (const queued of this.#queue.drain()) {
      if (queued.id !== undefined && queued.request.track?.owner === owner) {
        this.timers.clear('queued', queued.id)
        this.#reportQueued(queued, 'cancelled')
      } else this.#queue.push(queued)
    }
    super.cancelOwned(now, owner)
  }

  /** Asks the server(s) for their monotonic clock (opcode 20); answers arrive as `time:sync` events. */
  requestTimeSync(now: number): void {
    this.#ensureOpen()
    const counter = this.#nextCounter()
    this.transmit(this.#destination, this.seal(counter, TIME_SYNC_REQUEST, this.#ckey))
    this.#timeSync = { counter, sentAt: now }
  }

  /** Sends quit (when a session exists), fails every pending send with `closed`, and stops all timers. Idempotent. */
  close(now: number): void {
    if (this.closed) return
    if (this.#connectedCount > 0) this.#sealAndSend(now, QUIT, this.#destination)
    this.closed = true
    this.tracker.closeAll(now)
    for (const queued of this.#queue.drain()) this.#reportQueued(queued, 'closed')
    for (const server of this.#servers.values()) if (server.connected) this.#disconnect(now, server, 'closed')
    this.timers.clearAll()
  }

  // ---- setup messages ------------------------------------------------------

  protected override onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    const server = this.#servers.get(key)
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
        // Unauthenticated: believe it only when it echoes the challenge we sent, then back off.
        if (this.crypto.equal(message.challenge, this.#challenge.value)) {
          this.#handshakeDelay = this.#timing.handshakeRetryMax
          this.emit({ type: 'server:invalid-client-id', address: from })
        } else this.counters.unexpected++
        return
      case 'session-accepted':
        // The session ID is H(psk or public key, client key): only a server that opened our client
        // info knows it. It is the same for every handshake, so it counts once per key.
        if (
          server !== undefined &&
          this.crypto.equal(message.sessionId, this.#handshake.sessionId) &&
          server.life.accepted()
        ) {
          this.#markFresh(now, server)
        } else this.counters.unexpected++
        return
      default:
        this.counters.unexpected++
    }
  }

  /** Opcodes 4 and 5 are unauthenticated: honoured (rate-limited) only from a server we know or could know. */
  #onRehandshakeHint(now: number, from: PeerAddress, server: KnownServer | undefined): void {
    if (server !== undefined || this.#couldBeServer(from)) this.#reactiveNonceRequest(now, from, server)
    else this.counters.unexpected++
  }

  /** A server's answer to our nonce request: verified, then answered with our client info (or dropped, counted). */
  #onNonce(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    const handshake = this.#handshake
    const verified = handshake.verify(message, this.#challenge.value)
    if (isRefusal(verified)) {
      this.counters[verified.refused]++
      if (verified.refused === 'forged' && this.#couldBeServer(from))
        this.#authFailed(now, from, 'forged-answer')
      return
    }
    if (this.#answeredBefore(now, key, verified.serverNonce)) return
    const server = this.#serverFor(now, from, key)
    if (server === undefined) return
    // A spent PSK client cannot send anything after the handshake.
    if (handshake.suite === CipherSuiteId.Psk && this.#counter >= MAX_COUNTER) return
    const { reply, skey, spendsCounter } = handshake.reply(verified, this.#counter)
    // PSK, like the reference: the counter sent is the current one, then it moves on (first packet: counter + 2).
    if (spendsCounter) this.#counter = this.#nextCounter()
    this.#keyed(now, server, skey, verified.serverNonce, reply)
  }

  /**
   * A server nonce answered before gets the same reply again, to the same
   * address, and changes no key (PROTOCOL.md D4, the vectors' `race`); one
   * answered for another address is a replay and is dropped without creating
   * any record. Returns true when the nonce was handled here.
   */
  #answeredBefore(now: number, key: string, serverNonce: Uint8Array): boolean {
    const nonceHex = hexOf(serverNonce)
    const server = this.#servers.get(key)
    const previous = server?.answered.get(nonceHex)
    if (server !== undefined && previous !== undefined) {
      // A replayed answer must not make us a reflector: the same budget as reactive nonce requests.
      if (this.#withinBudget(now, server)) this.transmitUnauthenticated(server.address, previous)
      else this.counters.rateLimited++
      return true
    }
    if (this.#challenge.used(nonceHex)) {
      this.counters.stale++
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
    const nonceHex = hexOf(serverNonce)
    this.#challenge.markUsed(now, nonceHex)
    server.rememberAnswer(nonceHex, reply)
    this.transmitUnauthenticated(server.address, reply)
    // Everything sealed so far is at or below the counter this handshake announced.
    server.rekey(skey, serverNonce, now, PREVIOUS_KEY_GRACE, this.#counter)
    this.counters.handshakes++
    // Connected once the server proves it accepted us: opcode 7 with our session ID, or any authenticated packet.
    if (server.connected) this.tracker.peerJoined(server.key, server.info, server.address)
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
    const server = this.#servers.get(key)
    if (server?.skey === undefined || !server.life.keyed) {
      // No session with this source: servers never send encrypted packets before a handshake.
      this.counters.unexpected++
      this.counters.bytesInUnauthenticated += size
      return
    }
    server.lastSeenAt = now
    let { skey, replay } = server
    let verdict = replay.check(counter)
    let plaintext = verdict === 'stale' ? undefined : this.open(box, counter, skey)
    const previous = server.previous
    if (plaintext === undefined && previous !== undefined && now < previous.until) {
      // Sealed before the server re-keyed (a spoofed opcode 4 must not make it undeliverable).
      skey = previous.skey
      replay = previous.replay
      verdict = replay.check(counter)
      plaintext = verdict === 'stale' ? undefined : this.open(box, counter, skey)
    }
    if (verdict === 'stale') {
      this.counters.stale++
      return
    }
    if (plaintext === undefined) {
      this.counters.forged++
      this.counters.bytesInUnauthenticated += size
      // Several in a row from a server that used to work: it may have lost our session (PROTOCOL.md D5).
      // One alone is more likely corruption or a forgery, and gets no answer.
      if (++server.failuresInARow >= FAILURES_BEFORE_REHANDSHAKE) {
        server.failuresInARow = 0
        this.#reactiveNonceRequest(now, server.address, server)
      }
      return
    }
    server.failuresInARow = 0
    const route = this.routeOf(plaintext)
    const message = route === 'core' ? this.decoded(decodeApp, plaintext) : undefined
    if (route === undefined || (route === 'core' && message === undefined)) {
      if (verdict === 'fresh') replay.commit(counter) // authentic but unusable: its counter is spent
      return
    }
    if (verdict === 'duplicate') {
      this.counters.duplicates++
      if (message?.type === 'reliable') this.#sendAck(now, server, counter)
      this.deliver(now, plaintext, counter, server.info, server.key, true)
      return
    }
    replay.commit(counter)
    this.#markFresh(now, server)
    if (message === undefined) this.deliver(now, plaintext, counter, server.info, server.key, false)
    else this.#dispatch(now, server, counter, plaintext, message)
  }

  /** A message of one of the engine's own opcodes (CLIENT_OPCODES). */
  #dispatch(
    now: number,
    server: KnownServer,
    counter: bigint,
    plaintext: Uint8Array,
    message: AppMessage,
  ): void {
    switch (message.type) {
      case 'ack':
        if (message.status !== undefined) this.#updateStatus(server, message.status)
        this.tracker.acknowledge(now, OWN_SEQUENCE, message.counter, AppOpcode.Ack, server.key, server.info)
        return
      case 'reliable':
        this.#sendAck(now, server, counter)
        if (message.target !== '' || message.name !== '' || message.body.length > 0)
          this.deliver(now, plaintext, counter, server.info, server.key, false)
        return
      case 'time-sync-request':
        this.#sealAndSend(
          now,
          encodeApp({
            type: 'time-sync-response',
            requestCounter: counter,
            monotonicUs: BigInt(Math.round(now * 1000)),
            wallUs: BigInt(Math.round((now + this.#wallClockOffset) * 1000)),
          }),
          server.address,
        )
        return
      case 'time-sync-response': {
        const sync = this.#timeSync
        if (sync === undefined || sync.counter !== message.requestCounter) return
        const remote = Number(message.monotonicUs) / 1000
        this.#setClockOffset(server, now - (now - sync.sentAt) / 2 - remote)
        return
      }
      case 'client-accept':
        this.#setClockOffset(server, now - Number(message.serverMonotonicUs) / 1000)
        return
      case 'quit':
        if (server.dropKey()) this.#disconnected(now, server, 'quit')
        return
    }
  }

  #sendAck(now: number, server: KnownServer, counter: bigint): void {
    // Bare 8-byte acks: the reference server drops longer ones (PROTOCOL.md §7.2).
    this.#sealAndSend(now, encodeApp({ type: 'ack', counter }), server.address)
  }

  #updateStatus(server: KnownServer, raw: Uint8Array): void {
    const previous = server.status?.raw
    if (previous !== undefined && previous[0] === raw[0] && previous[1] === raw[1] && previous[2] === raw[2])
      return
    server.status = decodeStatus(raw)
    this.emit({ type: 'server:status', server: server.info, status: server.status })
  }

  #setClockOffset(server: KnownServer, offset: number): void {
    server.clockOffset = offset
    this.emit({ type: 'time:sync', server: server.info, offset })
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
      if (id !== undefined && request.track) this.timers.set('queued', id, request.track.deadline)
      this.#sendHandshake(now)
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
    const targets: DeliveryTarget<ServerInfo>[] = []
    const wanted = track.servers ?? (track.expect === 'any' ? [] : [...this.#servers.keys()])
    for (const key of wanted) {
      const server = this.#servers.get(key)
      if (server?.connected) targets.push({ key, peer: server.info, to: server.address, bytes })
    }
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

  #flushQueue(now: number): void {
    for (let queued = this.#queue.shift(); queued !== undefined; queued = this.#queue.shift()) {
      if (queued.id !== undefined) this.timers.clear('queued', queued.id)
      this.#transmitNow(now, queued.request, queued.id, queued.internal)
    }
  }

  /** Reports a send that never left the queue. */
  #reportQueued(queued: QueuedSend, outcome: 'deadline' | 'closed' | 'cancelled'): void {
    if (queued.id === undefined) return
    this.onDelivery(
      {
        id: queued.id,
        counter: 0n,
        outcome,
        acked: [],
        missing: [],
        transmissions: 0,
        elapsed: 0,
        answers: [],
      },
      queued.internal,
      queued.request.track?.token,
    )
  }

  // ---- handshakes and liveness -----------------------------------------------

  #sendHandshake(now: number): void {
    if (this.timers.get('handshake', '') !== undefined) return
    this.transmit(this.#destination, this.#nonceRequest(now))
    this.#authFailureReported = false
    this.timers.set('handshake', '', now + this.#handshakeDelay)
  }

  #nonceRequest(now: number): Uint8Array {
    return this.#handshake.nonceRequest(this.#challenge.refresh(now), this.#sessionField)
  }

  /** A source may be a server we have not met when it is our unicast destination's host, or anyone in multicast mode. */
  #couldBeServer(from: PeerAddress): boolean {
    return this.#multicast || from.address === this.#destination.address
  }

  #reactiveNonceRequest(now: number, to: PeerAddress, server: KnownServer | undefined): void {
    if (!this.#withinBudget(now, server)) {
      this.counters.rateLimited++
      return
    }
    this.transmitUnauthenticated(to, this.#nonceRequest(now))
  }

  /** PROTOCOL.md §9.5: fixed 10 s windows, at most 9 requests (6 once the server was keyed); one shared budget for unknown sources. */
  #withinBudget(now: number, server: KnownServer | undefined): boolean {
    if (server === undefined) {
      if (now - this.#unknownWindowStart >= NONCE_REQUEST_WINDOW) {
        this.#unknownWindowStart = now
        this.#unknownWindowCount = 0
      }
      return ++this.#unknownWindowCount <= NONCE_REQUESTS_PER_WINDOW
    }
    if (now - server.rateWindowStart >= NONCE_REQUEST_WINDOW) {
      server.rateWindowStart = now
      server.rateWindowCount = 0
    }
    const budget = server.life.everKeyed ? NONCE_REQUESTS_PER_WINDOW_KEYED : NONCE_REQUESTS_PER_WINDOW
    return ++server.rateWindowCount <= budget
  }

  #serverFor(now: number, from: PeerAddress, key: string): KnownServer | undefined {
    const existing = this.#servers.get(key)
    if (existing !== undefined) return existing
    if (this.#servers.size >= this.#limits.maxServers && !this.#evictServer()) {
      this.counters.overflow++
      return undefined
    }
    const { suite, serverPublicKey } = this.#handshake
    const server = new KnownServer(from, suite, serverPublicKey, now, this.#rttOptions)
    this.#servers.set(key, server)
    return server
  }

  /** Forgets the longest-silent disconnected server; false when every server is connected. */
  #evictServer(): boolean {
    let victim: KnownServer | undefined
    for (const server of this.#servers.values()) {
      if (!server.connected && (victim === undefined || server.lastSeenAt < victim.lastSeenAt))
        victim = server
    }
    if (victim === undefined) return false
    this.#servers.delete(victim.key)
    this.timers.clear('disconnect', victim.key)
    return true
  }

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
      this.#handshakeDelay = this.#timing.handshakeRetryInitial
      this.timers.clear('handshake', '')
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
      this.#flushQueue(now)
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

  /**
   * The server at `address` answered but does not accept us (it does not know
   * our key): reported once per handshake attempt; nothing changes on the wire.
   */
  #authFailed(_now: number, address: PeerAddress, reason: 'forged-answer' | 'not-accepted'): void {
    if (this.#authFailureReported) return
    this.#authFailureReported = true
    this.emit({ type: 'server:auth-failed', address, reason })
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
        this.#onHandshakeTimer(now)
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
        for (const queued of this.#queue.drain()) {
          if (queued.id === owner) this.#reportQueued(queued, 'deadline')
          else this.#queue.push(queued)
        }
        return
    }
  }

  #onHandshakeTimer(now: number): void {
    if (this.#connectedCount > 0) return
    // Keyed a whole retry period ago and still not accepted: it does not know our key.
    for (const server of this.#servers.values())
      if (now - server.keyedAt >= this.#handshakeDelay && server.life.notAccepted())
        this.#authFailed(now, server.address, 'not-accepted')
    this.#handshakeDelay = Math.min(this.#handshakeDelay * 2, this.#timing.handshakeRetryMax)
    this.#sendHandshake(now)
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
    if (this.#connectedCount === 0) this.#sendHandshake(now)
  }

  protected override rto(key: string | undefined, attempt: number): number {
    const server = key === undefined ? undefined : this.#servers.get(key)
    if (server !== undefined) return server.rtt.backoff(attempt)
    let rto = 0
    for (const s of this.#servers.values()) if (s.connected) rto = Math.max(rto, s.rtt.backoff(attempt))
    return rto > 0 ? rto : Math.min(this.#rttOptions.maxRto, this.#rttOptions.initialRto * 2 ** attempt)
  }

  protected override sampleRtt(key: string, rtt: number): void {
    this.#servers.get(key)?.rtt.sample(rtt)
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

function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}
