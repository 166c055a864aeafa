import type { PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import {
  allocateBytes,
  allocateSecureFrame,
  decodeFrame,
  decodeSetup,
  HEADER_SIZE,
  MAC_SIZE,
  MAX_PLAINTEXT_SIZE,
  readU64,
  type SetupMessage,
  WireDecodeError,
} from '@pavillion/wire'
import { DeliveryTracker, type Expectation } from './delivery-tracker.ts'
import type { DeliveryReport, MessageEvent, Transmit } from './events.ts'
import { Queue } from './queue.ts'
import { type EndpointStats, emptyStats } from './stats.ts'
import { type TimerOwner, type TimerSlot, TimerTable } from './timer-table.ts'
import { addressKey, type PeerAddress } from './transport.ts'

/** Route flags of one application opcode. */
const CORE = 1
const DUPLICATES = 2

/** How a send is tracked: until when, whose acknowledgements, and what answers it. */
export interface TrackRequest {
  /** Absolute give-up time, ms. */
  readonly deadline: number
  readonly expect: Expectation
  /**
   * The application opcode that answers the packet; default 2 (ack). A
   * layer's answer starts its payload with the u64 counter of the packet it
   * answers; the matched answers come back in the report.
   */
  readonly answeredBy?: number | undefined
  /** Handed back untouched with the delivery event. */
  readonly token?: unknown
  /** Sends with the same owner end together with `cancelOwned`. */
  readonly owner?: object | undefined
}

/** What a layer's handler could not use, counted by the engine. */
export type DroppedKind = 'malformed' | 'unknownOpcode'

/**
 * The sans-I/O plumbing both endpoints share: output queues, the timer
 * table, the reliability engine and the stats.
 *
 * Calling contract (the drain invariant): after every `handleDatagram`,
 * `handleTimeout` or command, call `pollTransmit()` and `pollEvent()` until
 * both return undefined, then read `pollTimeout()` and call
 * `handleTimeout(now)` no earlier than that. Spurious `handleTimeout` calls
 * are harmless.
 */
export abstract class EndpointBase<E extends { readonly type: string }, P> {
  protected readonly crypto: PavillionCrypto
  protected readonly timers = new TimerTable()
  protected readonly tracker: DeliveryTracker<P>
  protected readonly counters: EndpointStats = emptyStats()
  protected closed = false
  readonly #transmits = new Queue<Transmit>()
  /** The last source seen and its key: consecutive datagrams mostly come from the same peer. */
  #lastSource: PeerAddress | undefined
  #lastKey = ''
  readonly #events = new Queue<E>()
  /** Per application opcode: decoded by the engine (CORE), duplicates wanted by its layer (DUPLICATES). */
  readonly #routes = new Uint8Array(256)

  /** `coreOpcodes`: the application opcodes this role decodes itself; every other one goes to its layer. */
  constructor(crypto: PavillionCrypto, coreOpcodes: readonly number[]) {
    this.crypto = crypto
    for (const opcode of coreOpcodes) this.#routes[opcode] = CORE
    this.tracker = new DeliveryTracker<P>({
      transmit: (to, bytes) => this.transmit(to, bytes),
      rto: (key, attempt) => this.rto(key, attempt),
      sampleRtt: (key, rtt) => this.sampleRtt(key, rtt),
      report: (report, internal, token) => this.onDelivery(report, internal, token),
      setTimer: (id, at) => this.timers.set('retransmit', id, at),
      clearTimer: (id) => this.timers.clear('retransmit', id),
      countRetransmission: () => {
        this.counters.retransmissions++
      },
    })
  }

  /** The next datagram to send, or undefined. */
  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift()
  }

  /** The next event, or undefined. */
  pollEvent(): E | undefined {
    return this.#events.shift()
  }

  /** The earliest time `handleTimeout` has work to do (absolute ms), or undefined. */
  pollTimeout(): number | undefined {
    return this.timers.next()
  }

  /** Runs every timer due at `now`. */
  handleTimeout(now: number): void {
    this.timers.fireDue(now, (slot, owner) => {
      if (slot === 'retransmit') this.tracker.onTimer(now, owner as number)
      else this.onTimer(now, slot, owner)
    })
  }

  /** A snapshot of the counters. */
  stats(): EndpointStats {
    return { ...this.counters }
  }

  /** True after `close()`. */
  get isClosed(): boolean {
    return this.closed
  }

  /** Ends tracking of a send early; its report says `cancelled` (an aborted call). */
  cancel(now: number, id: number): void {
    this.tracker.cancel(now, id)
  }

  /** Ends every tracked send made with `owner`; their reports say `cancelled`. */
  cancelOwned(now: number, owner: object): void {
    this.tracker.cancelOwned(now, owner)
  }

  /** True for an application opcode the engine decodes itself (a layer cannot take it; opcode 1 aside). */
  isCoreOpcode(opcode: number): boolean {
    return (this.#routes[opcode]! & CORE) !== 0
  }

  /** Whether retransmissions of `opcode` are reported (as `duplicate: true` message events). */
  setDuplicates(opcode: number, wanted: boolean): void {
    this.#routes[opcode] = wanted ? this.#routes[opcode]! | DUPLICATES : this.#routes[opcode]! & ~DUPLICATES
  }

  /** Counts a message a layer could not use: its payload did not decode, or no layer takes its opcode. */
  countDropped(kind: DroppedKind): void {
    this.counters[kind]++
  }

  /**
   * Sorts an authentic plaintext: `'core'` for an opcode the role decodes,
   * `'layer'` for one it hands on, undefined (counted malformed) when it is
   * empty or longer than any message can be.
   */
  protected routeOf(plaintext: Uint8Array): 'core' | 'layer' | undefined {
    if (plaintext.length === 0 || plaintext.length > MAX_PLAINTEXT_SIZE) {
      this.counters.malformed++
      return undefined
    }
    return (this.#routes[plaintext[0]!]! & CORE) !== 0 ? 'core' : 'layer'
  }

  /**
   * Hands an authentic layer message on: a fresh one that answers a tracked
   * send made with `answeredBy` (its payload starts with the u64 counter it
   * answers) goes into that send's report; other fresh ones to the layer as
   * a message event, duplicates only when the layer asked for them.
   */
  protected deliver(
    now: number,
    plaintext: Uint8Array,
    counter: bigint,
    sender: P,
    senderKey: string,
    duplicate: boolean,
  ): void {
    const opcode = plaintext[0]!
    if (duplicate && (this.#routes[opcode]! & DUPLICATES) === 0) return
    const event: MessageEvent<P> = {
      type: 'message',
      opcode,
      payload: plaintext.subarray(1),
      counter,
      sender,
      duplicate,
    }
    if (!duplicate && plaintext.length >= 9 && this.tracker.awaits(opcode)) {
      const answered = readU64(plaintext, 1)
      if (
        this.tracker.acknowledge(now, this.ackSequence(senderKey), answered, opcode, senderKey, sender, event)
      )
        return
    }
    this.#events.push(event as unknown as E)
  }

  protected transmit(to: PeerAddress, bytes: Uint8Array): void {
    this.counters.datagramsOut++
    this.counters.bytesOut += bytes.length
    this.#transmits.push({ to, bytes })
  }

  /** Transmits a reply to a datagram that did not authenticate, counting it for the amplification bound. */
  protected transmitUnauthenticated(to: PeerAddress, bytes: Uint8Array): void {
    this.counters.bytesOutUnauthenticated += bytes.length
    this.transmit(to, bytes)
  }

  protected emit(event: E): void {
    this.#events.push(event)
  }

  /** Seals `plaintext` (opcode ‖ payload) under `key` with `counter` as nonce: a whole secure datagram. */
  protected seal(counter: bigint, plaintext: Uint8Array, key: SymmetricKey): Uint8Array {
    const datagram = allocateSecureFrame(counter, plaintext.length + MAC_SIZE)
    this.crypto.sealInto(datagram, HEADER_SIZE, plaintext, counter, key)
    return datagram
  }

  /** Opens a secure frame's box; the plaintext, or undefined when it does not authenticate. */
  protected open(box: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array | undefined {
    return this.crypto.openInto(box, counter, key, allocateBytes)
  }

  /**
   * Feeds one datagram from `from`: counted, dropped when too large or not a
   * Pavillion frame, then handed to the role as a decoded setup message or a
   * sealed secure frame. Never throws on hostile input; drops and counts instead.
   */
  handleDatagram(now: number, from: PeerAddress, bytes: Uint8Array): void {
    if (this.closed) return
    this.counters.datagramsIn++
    this.counters.bytesIn += bytes.length
    if (bytes.length > this.maxDatagram) {
      this.counters.oversized++
      return
    }
    const frame = this.decoded(decodeFrame, bytes)
    if (frame === undefined) return
    const key = this.#keyOf(from)
    if (frame.kind === 'secure') {
      this.onSecure(now, from, key, frame.counter, frame.box, bytes.length)
      return
    }
    this.counters.bytesInUnauthenticated += bytes.length
    const message = this.decoded((data) => decodeSetup(frame.opcode, data), frame.data)
    if (message !== undefined) this.onSetup(now, from, key, message)
  }

  /** `addressKey(from)`, without building and hashing a new string when the source is the last one. */
  #keyOf(from: PeerAddress): string {
    const last = this.#lastSource
    if (last !== undefined && last.port === from.port && last.address === from.address) return this.#lastKey
    this.#lastSource = { address: from.address, port: from.port }
    this.#lastKey = addressKey(from)
    return this.#lastKey
  }

  /**
   * Decodes hostile bytes with a wire decoder (`decode(bytes)`): the value, or
   * undefined — counted as malformed — when they do not decode.
   */
  protected decoded<T>(decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T | undefined {
    try {
      return decode(bytes)
    } catch (error) {
      if (!(error instanceof WireDecodeError)) throw error
      this.counters.malformed++
      return undefined
    }
  }

  /** Largest datagram this endpoint accepts. */
  protected abstract get maxDatagram(): number
  /** A well-formed setup message (cleartext, unauthenticated) from `from`. */
  protected abstract onSetup(now: number, from: PeerAddress, key: string, message: SetupMessage): void
  /** A secure frame from `from`, still sealed; `size` is the whole datagram's. */
  protected abstract onSecure(
    now: number,
    from: PeerAddress,
    key: string,
    counter: bigint,
    box: Uint8Array,
    size: number,
  ): void
  /** A timer of the role's own slots fired. */
  protected abstract onTimer(now: number, slot: TimerSlot, owner: TimerOwner): void
  protected abstract rto(key: string | undefined, attempt: number): number
  protected abstract sampleRtt(key: string, rtt: number): void
  protected abstract onDelivery(report: DeliveryReport<P>, internal: boolean, token: unknown): void
  /** The counter sequence of our packets to `peerKey` (see `AckRef.sequence`). */
  protected abstract ackSequence(peerKey: string): string
}
