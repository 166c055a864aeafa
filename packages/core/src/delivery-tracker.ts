import { AckIndex, type AckRef } from './ack-index.ts'
import type { DeliveryReport, OpcodeEvent } from './events.ts'
import { SequenceMap } from './sequence-map.ts'
import type { PeerAddress } from './transport.ts'

/**
 * Whose acknowledgement completes a tracked send: the one `expect`
 * vocabulary of every layer (pub/sub adds `subscribers`, a narrowing of `all`).
 */
export type Expectation =
  /** The first acknowledgement from anyone. */
  | 'any'
  /** One from every peer it was sent to (a client naming no servers awaits every connected one, those connecting meanwhile too). */
  | 'all'
  /** Keep collecting until the deadline (e.g. an RPC call to every server of a group). */
  | 'until-deadline'

/** Every `Expectation`, for checking what a JavaScript caller passed. */
export const EXPECTATIONS: readonly Expectation[] = ['any', 'all', 'until-deadline']

/** One peer a tracked packet is meant for, and the exact bytes it gets on retransmission. */
export interface DeliveryTarget<P> {
  readonly key: string
  readonly peer: P
  readonly to: PeerAddress
  readonly bytes: Uint8Array
}

/** What the tracker needs from its endpoint. */
export interface TrackerHost<P> {
  transmit(to: PeerAddress, bytes: Uint8Array): void
  /** Retransmission timeout for one peer (undefined: a destination with no known peer) at this attempt. */
  rto(key: string | undefined, attempt: number): number
  /** A round-trip sample for one peer (Karn's rule already applied). */
  sampleRtt(key: string, rtt: number): void
  report(report: DeliveryReport<P>, internal: boolean, token: unknown): void
  setTimer(id: number, at: number): void
  clearTimer(id: number): void
  countRetransmission(): void
}

/** Parameters of one tracked send. */
export interface TrackParams<P> {
  /** Where acknowledgements are matched (see `DeliveryTracker.acknowledge`): one per distinct counter. */
  readonly acks: readonly AckRef[]
  /**
   * The application opcode that answers the packet: 2 (ack) for a reliable
   * message, or a layer's reply opcode. Only an answer of this opcode counts.
   */
  readonly answeredBy: number
  /** The plaintext, when the packet may have to be sealed again for a peer met later (client sends). */
  readonly plaintext?: Uint8Array
  readonly counter: bigint
  readonly expect: Expectation
  /** Absolute give-up time, ms. */
  readonly deadline: number
  /** The peers expected to acknowledge, with their retransmission bytes. */
  readonly targets: readonly DeliveryTarget<P>[]
  /** Where to (re)send while no target is known or none has acknowledged an 'any' send: a group or unicast destination. */
  readonly fallback?: { readonly to: PeerAddress; readonly bytes: Uint8Array }
  /** Internal sends (keepalives) report to the endpoint but not to the application. */
  readonly internal?: boolean
  /** The targets are "every connected peer": peers keyed later join, peers that leave stop being awaited. */
  readonly autoTargets?: boolean
  /** Handed back with the report, untouched (the facade's promise of it). */
  readonly token?: unknown
  /** Sends with the same owner end together with `cancelOwned` (a layer closing). */
  readonly owner?: object | undefined
}

interface TargetState<P> {
  readonly target: DeliveryTarget<P>
  acked: boolean
  /** The peer left (quit, timeout): still reported missing, no longer awaited. */
  gone: boolean
}

/** A packet sealed again for one peer: its bytes, and the key its acknowledgement will match. */
export interface Resealed {
  readonly bytes: Uint8Array
  readonly ack: AckRef
}

interface Tracked<P> {
  readonly id: number
  readonly params: TrackParams<P>
  /** Where the copies sealed again for peers met later are acknowledged, besides `params.acks`. */
  resealed: AckRef[] | undefined
  /** The awaited peers by key; undefined while there are none (a send to whoever answers first). */
  targets: Map<string, TargetState<P>> | undefined
  readonly acked: P[]
  /** A layer's answers, in arrival order (acks are not kept). */
  answers: OpcodeEvent<P>[] | undefined
  firstSentAt: number
  transmissions: number
  /** Why an awaited peer's session ended, when one did: an `all` send then ends with it. */
  lost: 'evicted' | 'replaced' | undefined
}

/**
 * The reliability engine shared by every acknowledged packet (reliable
 * messages, RPC calls, S→C messages): retransmits the same bytes with
 * per-peer RTO and exponential backoff until the expectation is met or the
 * deadline passes, then reports exactly who acknowledged.
 */
export class DeliveryTracker<P> {
  readonly #host: TrackerHost<P>
  readonly #sends = new SequenceMap<number, Tracked<P>>()
  readonly #tickets = new AckIndex()
  /** Sends in flight per answering opcode: an opcode no send awaits needs no lookup. */
  readonly #awaiting = new Uint32Array(256)

  constructor(host: TrackerHost<P>) {
    this.#host = host
  }

  /** Number of sends in flight. */
  get size(): number {
    return this.#sends.size
  }

  /** Whether some send in flight is answered by `opcode`. */
  awaits(opcode: number): boolean {
    return this.#awaiting[opcode] !== 0
  }

  /** Transmits and starts tracking under the caller's ticket `id` (unique per endpoint). */
  track(now: number, params: TrackParams<P>, id: number): void {
    let targets: Map<string, TargetState<P>> | undefined
    for (const target of params.targets) {
      targets ??= new Map()
      targets.set(target.key, { target, acked: false, gone: false })
    }
    const send: Tracked<P> = {
      id,
      params,
      resealed: undefined,
      targets,
      acked: [],
      answers: undefined,
      firstSentAt: now,
      transmissions: 0,
      lost: undefined,
    }
    this.#sends.set(id, send)
    this.#awaiting[params.answeredBy & 0xff]!++
    for (const ack of params.acks) this.#tickets.set(ack, id)
    this.#transmit(now, send, true)
  }

  /**
   * A peer was keyed while sends were in flight; each goes to it at once, and
   * a send addressed to "every connected peer" now awaits it too. `reseal`
   * (for a peer met for the first time) may seal a send again for that peer
   * alone, under a new counter its acknowledgement will carry; otherwise the
   * peer gets the same bytes (its replay window recognises them if it saw them).
   */
  peerJoined(
    key: string,
    peer: P,
    to: PeerAddress,
    reseal?: (plaintext: Uint8Array, counter: bigint) => Resealed | undefined,
  ): void {
    for (const send of this.#sends.values()) {
      const { autoTargets, fallback, expect, plaintext } = send.params
      if (fallback === undefined || send.targets?.get(key)?.acked === true) continue
      if (expect === 'any' && send.acked.length > 0) continue
      const resealed =
        reseal !== undefined && plaintext !== undefined ? reseal(plaintext, send.params.counter) : undefined
      const bytes = resealed?.bytes ?? fallback.bytes
      if (resealed !== undefined) {
        send.resealed ??= []
        send.resealed.push(resealed.ack)
        this.#tickets.set(resealed.ack, send.id)
      }
      if (autoTargets === true || resealed !== undefined) {
        send.targets ??= new Map()
        send.targets.set(key, { target: { key, peer, to, bytes }, acked: false, gone: false })
      }
      this.#host.transmit(to, bytes)
    }
  }

  /** A peer left: sends stop awaiting it (it still shows as missing unless it acknowledged). */
  peerLeft(now: number, key: string): void {
    for (const send of [...this.#sends.values()]) {
      const state = send.targets?.get(key)
      if (state === undefined || state.acked || send.params.autoTargets !== true) continue
      state.gone = true
      if (this.#satisfied(send)) this.#finish(now, send, this.#metOutcome(send))
    }
  }

  /**
   * The session of the peer at `key` ended (`reason`): sends awaiting it stop
   * retransmitting to it, and one that then awaits nobody else finishes at once
   * — `acknowledged` when an `any` or `until-deadline` send already has an
   * acknowledgement, otherwise with `reason`. `sole`: that peer was the only
   * one reachable (a unicast client's server), so sends awaiting anyone end too.
   */
  peerLost(now: number, key: string, reason: 'evicted' | 'replaced', sole = false): void {
    for (const send of [...this.#sends.values()]) {
      const state = send.targets?.get(key)
      if (state === undefined) {
        // A send to whoever answers first, when that peer was the only one it could reach.
        if (sole && send.targets === undefined && send.acked.length === 0) this.#finish(now, send, reason)
        continue
      }
      if (state.acked || state.gone) continue
      state.gone = true
      send.lost = reason
      let awaiting = false
      for (const other of send.targets!.values()) if (!other.acked && !other.gone) awaiting = true
      if (awaiting) continue
      const complete = send.params.expect !== 'all' && send.acked.length > 0
      this.#finish(now, send, complete ? 'acknowledged' : reason)
    }
  }

  /**
   * Records that `peer` (at `peerKey`) answered our packet `counter` of `sequence`
   * with a packet of opcode `opcode`, which must be the send's `answeredBy`.
   * `answer`, a layer's reply, goes into the report. Returns true when it
   * counted; false when nothing was waiting for it (late, duplicate, of
   * another kind, or from a peer nobody expected).
   */
  acknowledge(
    now: number,
    sequence: string,
    counter: bigint,
    opcode: number,
    peerKey: string,
    peer: P,
    answer?: OpcodeEvent<P>,
  ): boolean {
    const id = this.#tickets.get(sequence, counter)
    const send = id === undefined ? undefined : this.#sends.get(id)
    if (send === undefined || send.params.answeredBy !== opcode) return false
    const state = send.targets?.get(peerKey)
    if (state?.acked === true) return false
    if (state !== undefined) state.acked = true
    else if (send.params.expect === 'all' || send.acked.some((p) => p === peer)) return false
    send.acked.push(peer)
    if (answer !== undefined) {
      send.answers ??= []
      send.answers.push(answer)
    }
    if (send.transmissions === 1) this.#host.sampleRtt(peerKey, now - send.firstSentAt)
    if (this.#satisfied(send)) this.#finish(now, send, this.#metOutcome(send))
    return true
  }

  /** Fires the retransmission or deadline of send `id`. */
  onTimer(now: number, id: number): void {
    const send = this.#sends.get(id)
    if (send === undefined) return
    if (now >= send.params.deadline) {
      const complete = send.params.expect === 'until-deadline' && send.acked.length > 0
      this.#finish(now, send, complete ? 'acknowledged' : 'deadline')
      return
    }
    this.#transmit(now, send, false)
  }

  /** Ends one send early with the given outcome. */
  cancel(now: number, id: number, outcome: 'cancelled' | 'closed' = 'cancelled'): void {
    const send = this.#sends.get(id)
    if (send !== undefined) this.#finish(now, send, outcome)
  }

  /** Ends every send of `owner` early: its reports say `cancelled`. */
  cancelOwned(now: number, owner: object): void {
    for (const send of [...this.#sends.values()])
      if (send.params.owner === owner) this.#finish(now, send, 'cancelled')
  }

  /** Forgets the acknowledgement index of a counter sequence whose session ended. */
  forgetSequence(sequence: string): void {
    this.#tickets.forget(sequence)
  }

  /** Ends every send (endpoint closing). */
  closeAll(now: number): void {
    for (const send of [...this.#sends.values()]) this.#finish(now, send, 'closed')
  }

  /** A satisfied send's outcome: an `all` send one of whose peers was lost reports why. */
  #metOutcome(send: Tracked<P>): DeliveryReport<P>['outcome'] {
    return send.params.expect === 'all' && send.lost !== undefined ? send.lost : 'acknowledged'
  }

  #satisfied(send: Tracked<P>): boolean {
    switch (send.params.expect) {
      case 'any':
        return send.acked.length > 0
      case 'until-deadline':
        return false
      case 'all':
        if (send.targets !== undefined)
          for (const state of send.targets.values()) if (!state.acked && !state.gone) return false
        return send.acked.length > 0
    }
  }

  #transmit(now: number, send: Tracked<P>, first: boolean): void {
    const { fallback } = send.params
    const missing: TargetState<P>[] = []
    if (send.targets !== undefined)
      for (const state of send.targets.values()) if (!state.acked && !state.gone) missing.push(state)
    let rto: number
    const attempt = send.transmissions
    if (
      fallback !== undefined &&
      (first || missing.length === 0 || (send.params.expect === 'any' && send.acked.length === 0))
    ) {
      // First transmission, or nobody to address directly: the destination (group) again,
      // plus every peer its copy was sealed again for (they refuse the destination's copy).
      this.#host.transmit(fallback.to, fallback.bytes)
      rto = this.#host.rto(undefined, attempt)
      for (const state of missing) {
        if (state.target.bytes !== fallback.bytes) this.#host.transmit(state.target.to, state.target.bytes)
        rto = Math.max(rto, this.#host.rto(state.target.key, attempt))
      }
    } else {
      rto = 0
      for (const state of missing) {
        this.#host.transmit(state.target.to, state.target.bytes)
        rto = Math.max(rto, this.#host.rto(state.target.key, attempt))
      }
      if (missing.length === 0) rto = this.#host.rto(undefined, attempt)
    }
    if (!first) this.#host.countRetransmission()
    send.transmissions++
    this.#host.setTimer(send.id, Math.min(now + rto, send.params.deadline))
  }

  #finish(now: number, send: Tracked<P>, outcome: DeliveryReport<P>['outcome']): void {
    this.#sends.delete(send.id)
    this.#awaiting[send.params.answeredBy & 0xff]!--
    for (const ack of send.params.acks) this.#tickets.delete(ack, send.id)
    if (send.resealed !== undefined) for (const ack of send.resealed) this.#tickets.delete(ack, send.id)
    this.#host.clearTimer(send.id)
    const missing: P[] = []
    if (send.targets !== undefined)
      for (const state of send.targets.values()) if (!state.acked) missing.push(state.target.peer)
    this.#host.report(
      {
        id: send.id,
        counter: send.params.counter,
        outcome,
        acked: send.acked,
        missing,
        transmissions: send.transmissions,
        elapsed: now - send.firstSentAt,
        answers: send.answers ?? NO_ANSWERS,
      },
      send.params.internal === true,
      send.params.token,
    )
  }
}

const NO_ANSWERS: readonly never[] = Object.freeze([])
