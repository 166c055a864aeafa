import {
  type AppMessage,
  AppOpcode,
  CipherSuiteId,
  decodeApp,
  type EccClientInfo,
  encodeApp,
  type NonceRequest,
  type PskClientInfo,
  type SetupMessage,
} from '@pavillion/wire'
import type { AckRef } from '../ack-index.ts'
import {
  ANNOUNCE_DELAYS,
  INVALID_CLIENT_QUIET,
  MAX_COUNTER,
  SERVER_COUNTER_RANGE,
  UNRECOGNIZED_QUIET,
  UNRECOGNIZED_QUIET_SKIP,
  UNRECOGNIZED_SUPPRESS,
} from '../constants.ts'
import type { DeliveryTarget } from '../delivery-tracker.ts'
import { EndpointBase, type TrackRequest } from '../endpoint-base.ts'
import { BackpressureError, ClosedError, PavillionError } from '../errors.ts'
import type { ClientInfo, CloseReason, DeliveryReport, ServerEvent } from '../events.ts'
import { EccServerHandshake } from '../handshake/ecc-server.ts'
import { ANNOUNCEMENT, invalidClientId, sessionAccepted, UNRECOGNIZED } from '../handshake/notices.ts'
import { isRefusal, type Refusal, type SessionKeys } from '../handshake/outcome.ts'
import { PskServerHandshake } from '../handshake/psk-server.ts'
import { DEFAULT_RTT_OPTIONS, type RttOptions } from '../rtt-estimator.ts'
import type { TimerOwner, TimerSlot } from '../timer-table.ts'
import type { PeerAddress } from '../transport.ts'
import type { ClientRegistry } from './client-registry.ts'
import { rejection } from './rejection.ts'
import {
  DEFAULT_SERVER_LIMITS,
  DEFAULT_SESSION_TIMEOUT,
  type ServerEndpointOptions,
  type ServerLimits,
} from './server-options.ts'
import { Session } from './session.ts'
import { SourceTable } from './source-table.ts'

/** What a server asks its endpoint to send. */
export interface ServerSendRequest {
  /** Opcode ‖ payload, as `encodeApp` makes it. */
  readonly plaintext: Uint8Array
  /** Keys of the sessions to send to; default: every live session. */
  readonly to?: readonly string[]
  /** Track acknowledgements and retransmit the same bytes until `expect` is met or `deadline` passes. */
  readonly track?: TrackRequest
}

/** What a server send did. */
export interface ServerSendResult {
  /** The tracking ticket, when tracked and sent to at least one client. */
  readonly id: number | undefined
  /** The clients it went to. */
  readonly recipients: readonly ClientInfo[]
}

const QUIT = encodeApp({ type: 'quit' })
/** The application opcodes a server decodes itself: the reliable envelope, acks, quit, time sync requests. */
const SERVER_OPCODES = [AppOpcode.Reliable, AppOpcode.Ack, AppOpcode.Quit, AppOpcode.TimeSyncRequest]

/**
 * The server role as a sans-I/O state machine: many clients, each keyed by
 * its source address. See `EndpointBase` for the calling contract.
 */
export class ServerEndpoint extends EndpointBase<ServerEvent, ClientInfo> {
  readonly #clients: ClientRegistry
  readonly #psk: PskServerHandshake
  readonly #ecc: EccServerHandshake | undefined
  readonly #allowGuests: boolean
  readonly #announce: PeerAddress | undefined
  readonly #status: (() => Uint8Array | undefined) | undefined
  readonly #sessionTimeout: number
  readonly #rejectLeakedKeys: boolean
  readonly #limits: ServerLimits
  readonly #rttOptions: RttOptions
  readonly #wallClockOffset: number
  readonly #sendCounterStart: () => bigint
  readonly #sessions = new Map<string, Session>()
  readonly #sources: SourceTable
  #nextId = 1
  #started = false

  constructor(options: ServerEndpointOptions) {
    super(options.crypto, SERVER_OPCODES)
    this.#clients = options.clients
    this.#psk = new PskServerHandshake(options.crypto)
    this.#ecc = options.keyPair && new EccServerHandshake(options.crypto, options.keyPair)
    this.#allowGuests = options.allowGuests ?? false
    this.#announce = options.announce
    this.#status = options.status
    this.#sessionTimeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT
    this.#rejectLeakedKeys = options.leakedKeyPolicy === 'reject'
    this.#limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits }
    this.#rttOptions = { ...DEFAULT_RTT_OPTIONS, ...options.rtt }
    this.#wallClockOffset = options.wallClockOffset ?? 0
    const [low, high] = SERVER_COUNTER_RANGE
    this.#sendCounterStart = options.sendCounterStart ?? (() => this.crypto.randomBigInt(low, high))
    this.#sources = new SourceTable(this.#limits.maxPending)
  }

  /** Every established session. */
  sessions(): ClientInfo[] {
    return [...this.#sessions.values()].map((session) => session.info)
  }

  /** Number of established sessions. */
  get sessionCount(): number {
    return this.#sessions.size
  }

  /** Number of per-address records without a session (bounded by `limits.maxPending`). */
  get pendingCount(): number {
    return this.#sources.size
  }

  /** Smoothed RTT towards one client, ms, once measured. */
  srtt(key: string): number | undefined {
    return this.#sessions.get(key)?.rtt.srtt
  }

  /** Announces the server (three times, PROTOCOL.md §2.6). Call once. */
  start(now: number): void {
    if (this.#started || this.closed) return
    this.#started = true
    if (this.#announce === undefined) return
    this.transmit(this.#announce, ANNOUNCEMENT)
    for (let i = 1; i < ANNOUNCE_DELAYS.length; i++)
      this.timers.set('announce', i, now + (ANNOUNCE_DELAYS[i] ?? 0))
  }

  /**
   * Seals `plaintext` separately for each chosen client (its own key and
   * counter) and sends it. Clients silent longer than the session timeout are
   * skipped.
   * @throws ClosedError after close; BackpressureError when too many tracked sends are in flight
   */
  send(now: number, request: ServerSendRequest): ServerSendResult {
    if (this.closed) throw new ClosedError('the server is closed; create a new one')
    const track = request.track
    if (track !== undefined && this.tracker.size >= this.#limits.maxInFlight) {
      throw new BackpressureError(
        `${this.#limits.maxInFlight} acknowledged sends are already in flight; wait for some to settle`,
      )
    }
    const sessions =
      request.to === undefined ? this.#sessions.values() : sessionsOf(this.#sessions, request.to)
    const recipients: ClientInfo[] = []
    const targets: DeliveryTarget<ClientInfo>[] = []
    const acks: AckRef[] = []
    let firstCounter = 0n
    for (const session of sessions) {
      if (now - session.lastValidAt > this.#sessionTimeout) continue
      const counter = this.#nextCounter(session)
      const bytes = this.seal(counter, request.plaintext, session.keys.skey)
      recipients.push(session.info)
      if (track === undefined) {
        this.transmit(session.address, bytes)
        continue
      }
      if (firstCounter === 0n) firstCounter = counter
      targets.push({ key: session.key, peer: session.info, to: session.address, bytes })
      acks.push({ sequence: session.key, counter })
    }
    if (track === undefined || targets.length === 0) return { id: undefined, recipients }
    const id = this.#nextId++
    this.tracker.track(
      now,
      {
        acks,
        answeredBy: track.answeredBy ?? AppOpcode.Ack,
        counter: firstCounter,
        expect: track.expect,
        deadline: track.deadline,
        targets,
        token: track.token,
        owner: track.owner,
      },
      id,
    )
    return { id, recipients }
  }

  /** Sends quit to every client, fails pending sends with `closed`, stops all timers. Idempotent. */
  close(now: number): void {
    if (this.closed) return
    for (const session of this.#sessions.values()) this.#reply(session, QUIT)
    this.closed = true
    this.tracker.closeAll(now)
    for (const session of [...this.#sessions.values()]) this.#closeSession(session, 'closed')
    this.timers.clearAll()
  }

  // ---- setup messages ------------------------------------------------------

  protected override onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    switch (message.type) {
      case 'nonce-request':
        this.#onNonceRequest(now, from, key, message)
        return
      case 'psk-client-info':
        this.#onPskClientInfo(now, from, key, message)
        return
      case 'ecc-client-info':
        this.#onEccClientInfo(now, from, key, message)
        return
      default:
        this.counters.unexpected++
    }
  }

  #onNonceRequest(now: number, from: PeerAddress, key: string, request: NonceRequest): void {
    const session = this.#sessions.get(key)
    if (session !== undefined && this.crypto.equal(request.sessionId, session.keys.sessionId)) {
      this.counters.unexpected++ // "already connected" (PROTOCOL.md §5.1 step 1)
      return
    }
    if (request.suite === CipherSuiteId.Psk) {
      const psk = this.#clients.psk(request.clientId)
      if (psk === undefined) {
        this.#invalidClientId(now, from, key, request)
        return
      }
      const source = this.#sources.touch(key)
      source.serverNonce ??= this.crypto.random(32)
      this.transmitUnauthenticated(from, this.#psk.answer(psk, source.serverNonce, request))
      return
    }
    const ecc = this.#ecc
    if (request.suite !== CipherSuiteId.Ecc || ecc === undefined) {
      this.counters.unexpected++
      return
    }
    const registered = this.#clients.publicKey(request.clientId)
    if (registered !== undefined && ecc.leaksSecretKey(request, registered)) {
      this.emit({
        type: 'security:leaked-secret-key',
        clientId: Uint8Array.from(request.clientId),
        address: from,
      })
      if (this.#rejectLeakedKeys) return
    }
    if (registered === undefined && !this.#allowGuests) {
      this.#invalidClientId(now, from, key, request)
      return
    }
    const source = this.#sources.touch(key)
    if (registered === undefined) {
      // Guest: the first key seen from an address is bound to it (PROTOCOL.md §6.3).
      if (source.guestKey !== undefined && !this.crypto.equal(source.guestKey, request.publicKey)) {
        this.counters.unexpected++
        return
      }
      source.guestKey ??= Uint8Array.from(request.publicKey)
    }
    source.serverNonce ??= this.crypto.random(32)
    const answer = ecc.answer(registered ?? source.guestKey!, source.serverNonce, request)
    if (isRefusal(answer)) this.counters[answer.refused]++
    else this.transmitUnauthenticated(from, answer)
  }

  #invalidClientId(now: number, from: PeerAddress, key: string, request: NonceRequest): void {
    this.emit(rejection(from, request.clientId, 'unknown-client'))
    const source = this.#sources.touch(key)
    if (now < source.invalidIdQuietUntil) {
      this.counters.rateLimited++
      return
    }
    // Unlike the reference, this quiet period withholds replies only; a live session keeps working.
    source.invalidIdQuietUntil = now + INVALID_CLIENT_QUIET
    this.transmitUnauthenticated(from, invalidClientId(request.challenge))
  }

  #onPskClientInfo(now: number, from: PeerAddress, key: string, info: PskClientInfo): void {
    const serverNonce = this.#sources.peek(key)?.serverNonce
    if (serverNonce === undefined) {
      this.counters.stale++
      return
    }
    const psk = this.#clients.psk(info.clientId)
    if (psk === undefined) {
      this.counters.unexpected++
      this.emit(rejection(from, info.clientId, 'unknown-client'))
      return
    }
    this.#accepted(now, from, key, this.#psk.accept(psk, serverNonce, info), info.clientId)
  }

  #onEccClientInfo(now: number, from: PeerAddress, key: string, info: EccClientInfo): void {
    const source = this.#sources.peek(key)
    if (source?.serverNonce === undefined || this.#ecc === undefined) {
      this.counters.stale++
      return
    }
    const registered = this.#clients.publicKey(info.clientId)
    const publicKey = registered ?? (this.#allowGuests ? source.guestKey : undefined)
    if (publicKey === undefined) {
      this.counters.unexpected++
      this.emit(rejection(from, info.clientId, 'unknown-client'))
      return
    }
    this.#accepted(
      now,
      from,
      key,
      this.#ecc.accept(publicKey, registered === undefined, source.serverNonce, info),
      info.clientId,
    )
  }

  #accepted(now: number, from: PeerAddress, key: string, keys: SessionKeys | Refusal, id: Uint8Array): void {
    if (!isRefusal(keys)) this.#establish(now, from, key, keys)
    else if (keys.refused !== 'forged') this.counters[keys.refused]++
    else {
      this.counters.forged++
      this.emit(rejection(from, id, 'wrong-key'))
    }
  }

  #establish(now: number, from: PeerAddress, key: string, keys: SessionKeys): void {
    this.#sources.delete(key) // a fresh server nonce next time; quiet periods end (PROTOCOL.md §5.4)
    this.counters.handshakes++
    let session = this.#sessions.get(key)
    if (session !== undefined && sameBytes(session.keys.identity, keys.identity)) {
      // Sends in flight to this client stay sealed under its previous key and will be reported
      // missing: sealing them again could deliver a message the client already had twice.
      session.rekey(keys, now)
    } else {
      if (session !== undefined) this.#closeSession(session, 'replaced')
      if (this.#sessions.size >= this.#limits.maxSessions) this.#evictOne(now)
      session = new Session(from, keys, this.#sendCounterStart(), now, this.#rttOptions)
      this.#sessions.set(key, session)
      this.timers.set('session', key, now + this.#sessionTimeout)
      this.emit({ type: 'session:opened', client: session.info })
    }
    this.transmit(from, sessionAccepted(keys.sessionId))
  }

  /** Makes room: the longest-idle session goes (idle past the timeout first, by construction). */
  #evictOne(now: number): void {
    let victim: Session | undefined
    for (const session of this.#sessions.values()) {
      if (victim === undefined || session.lastValidAt < victim.lastValidAt) victim = session
    }
    if (victim !== undefined)
      this.#closeSession(victim, now - victim.lastValidAt > this.#sessionTimeout ? 'timeout' : 'evicted')
  }

  #closeSession(session: Session, reason: CloseReason): void {
    this.#sessions.delete(session.key)
    this.timers.clear('session', session.key)
    this.tracker.forgetSequence(session.key)
    this.emit({ type: 'session:closed', client: session.info, reason })
  }

  // ---- encrypted messages --------------------------------------------------

  protected override onSecure(
    now: number,
    from: PeerAddress,
    key: string,
    counter: bigint,
    box: Uint8Array,
    size: number,
  ): void {
    const session = this.#sessions.get(key)
    if (session === undefined) {
      this.counters.unexpected++
      this.counters.bytesInUnauthenticated += size
      const source = this.#sources.touch(key)
      if (now < source.unrecognizedQuietUntil) {
        this.counters.rateLimited++
        return
      }
      source.unrecognizedQuietUntil = now + UNRECOGNIZED_QUIET
      this.transmitUnauthenticated(from, UNRECOGNIZED)
      return
    }
    const verdict = session.replay.check(counter)
    if (verdict === 'stale') {
      this.counters.stale++
      return
    }
    const plaintext = this.open(box, counter, session.keys.ckey)
    if (plaintext === undefined) {
      this.#onUndecryptable(now, session, size)
      return
    }
    const route = this.routeOf(plaintext)
    const message = route === 'core' ? this.decoded(decodeApp, plaintext) : undefined
    if (route === undefined || (route === 'core' && message === undefined)) {
      if (verdict === 'fresh') session.replay.commit(counter) // authentic but unusable: its counter is spent
      return
    }
    if (verdict === 'duplicate') {
      this.counters.duplicates++
      session.lastValidAt = now // authenticated: a retransmitting client is alive
      // PROTOCOL.md D6: re-acknowledge a retransmitted reliable message without delivering it again.
      if (message?.type === 'reliable') this.#sendAck(session, counter)
      this.deliver(now, plaintext, counter, session.info, session.key, true)
      return
    }
    session.replay.commit(counter)
    session.lastValidAt = now
    if (message === undefined) this.deliver(now, plaintext, counter, session.info, session.key, false)
    else this.#dispatch(now, session, counter, plaintext, message)
  }

  /** PROTOCOL.md §8.5: tell the client to re-handshake, unless it was valid a moment ago; then stay quiet a while. */
  #onUndecryptable(now: number, session: Session, size: number): void {
    this.counters.forged++
    this.counters.bytesInUnauthenticated += size
    if (now - session.lastValidAt < UNRECOGNIZED_SUPPRESS || now < session.quietUntil) {
      this.counters.rateLimited++
      return
    }
    // PROTOCOL.md §8.5: 5 s of quiet for a client idle 100 s; otherwise at most one per second.
    session.quietUntil =
      now +
      (now - session.lastValidAt >= UNRECOGNIZED_QUIET_SKIP ? UNRECOGNIZED_QUIET : UNRECOGNIZED_SUPPRESS)
    this.transmitUnauthenticated(session.address, UNRECOGNIZED)
  }

  /** A message of one of the engine's own opcodes (SERVER_OPCODES). */
  #dispatch(
    now: number,
    session: Session,
    counter: bigint,
    plaintext: Uint8Array,
    message: AppMessage,
  ): void {
    switch (message.type) {
      case 'reliable':
        if (message.target !== '' || message.name !== '' || message.body.length > 0)
          this.deliver(now, plaintext, counter, session.info, session.key, false)
        this.#sendAck(session, counter)
        return
      case 'ack':
        this.tracker.acknowledge(now, session.key, message.counter, AppOpcode.Ack, session.key, session.info)
        return
      case 'quit':
        this.#closeSession(session, 'quit')
        return
      case 'time-sync-request':
        this.#reply(
          session,
          encodeApp({
            type: 'time-sync-response',
            requestCounter: counter,
            monotonicUs: BigInt(Math.round(now * 1000)),
            wallUs: BigInt(Math.round((now + this.#wallClockOffset) * 1000)),
          }),
        )
        return
    }
  }

  #sendAck(session: Session, counter: bigint): void {
    const status = this.#status?.()
    this.#reply(
      session,
      encodeApp(status === undefined ? { type: 'ack', counter } : { type: 'ack', counter, status }),
    )
  }

  /** Sends a packet the engine itself owes (ack, time sync, quit); skipped once the counter is spent. */
  #reply(session: Session, plaintext: Uint8Array): void {
    if (session.sendCounter >= MAX_COUNTER) {
      this.counters.overflow++
      return
    }
    this.transmit(session.address, this.seal(this.#nextCounter(session), plaintext, session.keys.skey))
  }

  #nextCounter(session: Session): bigint {
    if (session.sendCounter >= MAX_COUNTER) {
      throw new PavillionError(
        'ERR_COUNTER_EXHAUSTED',
        `the send counter towards ${session.key} reached 2^64 - 1`,
      )
    }
    session.sendCounter += 1n
    return session.sendCounter
  }

  // ---- timers and reliability hooks --------------------------------------------

  protected override get maxDatagram(): number {
    return this.#limits.maxDatagram
  }

  protected override onTimer(now: number, slot: TimerSlot, owner: TimerOwner): void {
    if (slot === 'announce') {
      if (this.#announce !== undefined) this.transmit(this.#announce, ANNOUNCEMENT)
    } else if (slot === 'session') {
      const session = this.#sessions.get(owner as string)
      if (session === undefined) return
      const due = session.lastValidAt + this.#sessionTimeout
      if (now < due) this.timers.set('session', session.key, due)
      else this.#closeSession(session, 'timeout')
    }
  }

  protected override rto(key: string | undefined, attempt: number): number {
    const session = key === undefined ? undefined : this.#sessions.get(key)
    if (session !== undefined) return session.rtt.backoff(attempt)
    return Math.min(this.#rttOptions.maxRto, this.#rttOptions.initialRto * 2 ** attempt)
  }

  protected override sampleRtt(key: string, rtt: number): void {
    this.#sessions.get(key)?.rtt.sample(rtt)
  }

  protected override ackSequence(peerKey: string): string {
    return peerKey // each session has its own counters
  }

  protected override onDelivery(
    report: DeliveryReport<ClientInfo>,
    _internal: boolean,
    token: unknown,
  ): void {
    this.emit({ type: 'delivery', report, token })
  }
}

/** The sessions of `keys` that exist (an array: cheaper than a generator on the per-reply path). */
function sessionsOf(sessions: Map<string, Session>, keys: readonly string[]): Session[] {
  const found: Session[] = []
  for (const key of keys) {
    const session = sessions.get(key)
    if (session !== undefined) found.push(session)
  }
  return found
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
