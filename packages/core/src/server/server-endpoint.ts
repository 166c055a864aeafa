import { type AppMessage, AppOpcode, decodeApp, encodeApp, type SetupMessage } from '@pavillion/wire'
import type { AckRef } from '../ack-index.ts'
import { ANNOUNCE_DELAYS, MAX_COUNTER, SERVER_COUNTER_RANGE } from '../constants.ts'
import type { DeliveryTarget } from '../delivery-tracker.ts'
import { EndpointBase } from '../endpoint-base.ts'
import { BackpressureError, ClosedError, PavillionError } from '../errors.ts'
import type { ClientInfo, CloseReason, DeliveryReport, ServerEvent } from '../events.ts'
import { ANNOUNCEMENT, sessionAccepted } from '../handshake/notices.ts'
import type { SessionKeys } from '../handshake/outcome.ts'
import { registerKeyProbe } from '../key-probe.ts'
import { DEFAULT_RTT_OPTIONS, RttEstimator, type RttOptions } from '../rtt-estimator.ts'
import { timeSyncResponse } from '../time-sync.ts'
import type { TimerOwner, TimerSlot } from '../timer-table.ts'
import type { PeerAddress } from '../transport.ts'
import { AcceptRepeat } from './accept-repeat.ts'
import { Admission } from './admission.ts'
import {
  QUIT,
  QUIT_BECAUSE_EVICTED,
  SERVER_OPCODES,
  type ServerSendRequest,
  type ServerSendResult,
} from './server-messages.ts'
import {
  DEFAULT_SESSION_TIMEOUT,
  type ServerEndpointOptions,
  type ServerLimits,
  serverLimitsOf,
} from './server-options.ts'
import { Session, sameBytes, sessionsOf, wipeKeys } from './session.ts'

export type { ServerSendRequest, ServerSendResult } from './server-messages.ts'

/**
 * The server role as a sans-I/O state machine: many clients, each keyed by
 * its source address. See `EndpointBase` for the calling contract.
 */
export class ServerEndpoint extends EndpointBase<ServerEvent, ClientInfo> {
  readonly #admission: Admission
  readonly #announce: PeerAddress | undefined
  readonly #status: (() => Uint8Array | undefined) | undefined
  readonly #sessionTimeout: number
  readonly #limits: ServerLimits
  readonly #rttOptions: RttOptions
  /** The estimator of every session without an RTT sample yet (never sampled itself). */
  readonly #unsampledRtt: RttEstimator
  readonly #wallClockOffset: number
  readonly #sendCounterStart: () => bigint
  readonly #sessions = new Map<string, Session>()
  #guests = 0
  #nextId = 1
  #started = false

  constructor(options: ServerEndpointOptions) {
    super(options.crypto, SERVER_OPCODES)
    this.#announce = options.announce
    this.#status = options.status
    this.#sessionTimeout = options.sessionTimeout ?? DEFAULT_SESSION_TIMEOUT
    this.#limits = serverLimitsOf(options.limits)
    this.#rttOptions = { ...DEFAULT_RTT_OPTIONS, ...options.rtt }
    this.#unsampledRtt = new RttEstimator(this.#rttOptions)
    this.#wallClockOffset = options.wallClockOffset ?? 0
    const [low, high] = SERVER_COUNTER_RANGE
    this.#sendCounterStart = options.sendCounterStart ?? (() => this.crypto.randomBigInt(low, high))
    const host = {
      crypto: this.crypto,
      counters: this.counters,
      transmitUnauthenticated: (to: PeerAddress, bytes: Uint8Array) =>
        this.transmitUnauthenticated(to, bytes),
      emit: (event: ServerEvent) => this.emit(event),
    }
    this.#admission = new Admission(host, {
      clients: options.clients,
      keyPair: options.keyPair,
      allowGuests: options.allowGuests ?? false,
      rejectLeakedKeys: options.leakedKeyPolicy === 'reject',
      maxPending: this.#limits.maxPending,
      maxKnown: this.#limits.maxSessions,
      limits: this.#limits,
    })
    registerKeyProbe(this, () => [...this.#sessions.values()].flatMap((s) => [s.ckey, s.skey]))
  }

  /** Every established session. */
  sessions(): ClientInfo[] {
    return [...this.#sessions.values()].map((session) => session.info)
  }

  /** Number of established sessions. */
  get sessionCount(): number {
    return this.#sessions.size
  }

  /**
   * Number of per-address records without a session: at most `limits.maxPending` for addresses
   * without a recent session, plus at most `limits.maxSessions` for those with one.
   */
  get pendingCount(): number {
    return this.#admission.pendingCount
  }

  /** Smoothed RTT towards one client, ms, once measured. */
  srtt(key: string): number | undefined {
    return this.#sessions.get(key)?.rtt?.srtt
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
      const bytes = this.seal(counter, request.plaintext, session.skey)
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
    for (const session of [...this.#sessions.values()]) this.#closeSession(now, session, 'closed')
    this.timers.clearAll()
  }

  // ---- setup messages ------------------------------------------------------

  protected override onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void {
    const current = this.#sessions.get(key)
    if (current?.accepted?.repeat(message)) {
      this.counters.duplicates++
      this.transmitUnauthenticated(from, sessionAccepted(current.sessionId))
      return
    }
    const keys = this.#admission.onSetup(now, from, key, message, current)
    if (keys !== undefined) this.#establish(now, from, key, keys, message)
  }

  #establish(now: number, from: PeerAddress, key: string, keys: SessionKeys, info: SetupMessage): void {
    let session = this.#sessions.get(key)
    if (session !== undefined && sameBytes(session.info.identity, keys.identity)) {
      // Sends in flight stay sealed under the previous key: the same client instance still opens
      // them (it keeps that key for its grace period). A new instance (another client key) cannot,
      // and sealing them again could deliver a message the old one had twice: they fail at once.
      if (!keys.ckey.equals(session.ckey)) this.tracker.peerLost(now, key, 'replaced')
      session.rekey(keys, now)
    } else {
      if (session !== undefined) this.#closeSession(now, session, 'replaced')
      if (!this.#makeRoom(now, keys.guest)) {
        this.counters.refusedGuests++ // the client retries; a registered client may leave room
        wipeKeys(keys)
        return
      }
      session = new Session(key, from, keys, this.#sendCounterStart(), now)
      this.#sessions.set(key, session)
      if (keys.guest) this.#guests++
      this.timers.set('session', key, now + this.#sessionTimeout)
      this.emit({ type: 'session:opened', client: session.info })
    }
    this.#admission.forget(key)
    this.counters.handshakes++
    session.accepted = new AcceptRepeat(info)
    this.transmit(from, sessionAccepted(keys.sessionId))
  }

  /**
   * Makes room for one more session, false when a guest cannot have it. A guest past its quota
   * evicts the longest-idle guest; a full table first loses a session idle past the timeout,
   * then the longest-idle guest, and only for a registered client the longest-idle registered one.
   */
  #makeRoom(now: number, guest: boolean): boolean {
    const guestsFull = guest && this.#guests >= this.#limits.maxGuestSessions
    if (!guestsFull && this.#sessions.size < this.#limits.maxSessions) return true
    let oldest: Session | undefined
    let oldestGuest: Session | undefined
    for (const session of this.#sessions.values()) {
      if (oldest === undefined || session.lastValidAt < oldest.lastValidAt) oldest = session
      if (session.info.guest && (oldestGuest === undefined || session.lastValidAt < oldestGuest.lastValidAt))
        oldestGuest = session
    }
    const timedOut = oldest !== undefined && now - oldest.lastValidAt > this.#sessionTimeout
    const victim = timedOut && !guestsFull ? oldest : (oldestGuest ?? (guest ? undefined : oldest))
    if (victim === undefined) return false
    this.#closeSession(now, victim, now - victim.lastValidAt > this.#sessionTimeout ? 'timeout' : 'evicted')
    return true
  }

  /**
   * Ends a session. An evicted client is told so (a quit with reason `QUIT_EVICTED`, under the
   * session's key), and sends awaiting an evicted or replaced session fail at once with that reason.
   */
  #closeSession(now: number, session: Session, reason: CloseReason): void {
    if (reason === 'evicted') this.#reply(session, QUIT_BECAUSE_EVICTED)
    if (reason === 'evicted' || reason === 'replaced') this.tracker.peerLost(now, session.key, reason)
    if (session.info.guest) this.#guests--
    this.#sessions.delete(session.key)
    session.close()
    this.#admission.sessionEnded(session.lastValidAt, session.key)
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
      this.#admission.onUnknownSource(now, from, key, size)
      return
    }
    const verdict = session.replay.check(counter)
    if (verdict === 'stale') {
      this.counters.stale++
      return
    }
    const plaintext = this.open(box, counter, session.ckey)
    if (plaintext === undefined) {
      this.#admission.onUndecryptable(now, session, size)
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
        this.#closeSession(now, session, 'quit')
        return
      case 'time-sync-request':
        this.#reply(session, timeSyncResponse(now, counter, this.#wallClockOffset))
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
    this.transmit(session.address, this.seal(this.#nextCounter(session), plaintext, session.skey))
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
      else this.#closeSession(now, session, 'timeout')
    }
  }

  protected override rto(key: string | undefined, attempt: number): number {
    const session = key === undefined ? undefined : this.#sessions.get(key)
    if (session !== undefined) return (session.rtt ?? this.#unsampledRtt).backoff(attempt)
    return Math.min(this.#rttOptions.maxRto, this.#rttOptions.initialRto * 2 ** attempt)
  }

  protected override sampleRtt(key: string, rtt: number): void {
    const session = this.#sessions.get(key)
    if (session === undefined) return
    session.rtt ??= new RttEstimator(this.#rttOptions)
    session.rtt.sample(rtt)
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
