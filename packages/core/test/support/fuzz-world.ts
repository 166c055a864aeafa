import type { KeyPair, PavillionCrypto, PresharedKey } from '@pavillion/crypto'
import {
  decodeAppPayload,
  encodeApp,
  encodeSetup,
  type ReliableMessage,
  type UnreliableMessage,
} from '@pavillion/wire'
import { ClientEndpoint } from '../../src/client/client-endpoint.ts'
import { MAX_COUNTER } from '../../src/constants.ts'
import { BackpressureError, ClosedError, PavillionError } from '../../src/errors.ts'
import type { ClientEvent, ServerEvent } from '../../src/events.ts'
import { MemoryClientRegistry } from '../../src/server/client-registry.ts'
import { ServerEndpoint } from '../../src/server/server-endpoint.ts'
import type { EndpointStats } from '../../src/stats.ts'
import { addressKey, type PeerAddress } from '../../src/transport.ts'

/** Which credentials the fuzzed pair uses. */
export type Variant = 'psk' | 'ecc' | 'ecc-guest'

/** What can happen to a datagram on its way, besides arriving intact. */
export type Mutation =
  | { readonly type: 'flip'; readonly bit: number }
  | { readonly type: 'truncate'; readonly length: number }
  | { readonly type: 'extend'; readonly bytes: Uint8Array }
  | { readonly type: 'oversize'; readonly extra: number }
  | { readonly type: 'random-body'; readonly bytes: Uint8Array }

/** One step of a fuzzed run. `pick` indexes the datagrams in flight (modulo their number). */
export type Step =
  | { readonly kind: 'deliver'; readonly pick: number }
  /** Delivers everything in flight, oldest first, replies included (a few rounds at most). */
  | { readonly kind: 'flush' }
  | { readonly kind: 'drop'; readonly pick: number }
  | { readonly kind: 'duplicate'; readonly pick: number }
  | { readonly kind: 'mutate'; readonly pick: number; readonly mutation: Mutation }
  | { readonly kind: 'inject'; readonly to: Role; readonly source: number; readonly bytes: Uint8Array }
  | { readonly kind: 'vector'; readonly to: Role; readonly source: number; readonly pick: number }
  | {
      readonly kind: 'nonce-request'
      readonly source: number
      readonly known: boolean
      readonly ecc: boolean
    }
  | { readonly kind: 'client-send'; readonly reliable: boolean; readonly timeout: number | undefined }
  | { readonly kind: 'server-send'; readonly reliable: boolean; readonly timeout: number | undefined }
  | { readonly kind: 'time-sync' }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'close'; readonly who: Role }

/** The messages the fuzzer sends: reliable or not, each with a unique name. */
type AppText = ReliableMessage | UnreliableMessage

/** One side of the pair. */
export type Role = 'client' | 'server'

interface InFlight {
  readonly from: PeerAddress
  readonly to: Role
  readonly bytes: Uint8Array
}

const SERVER: PeerAddress = { address: '127.0.0.1', port: 1783 }
const CLIENT: PeerAddress = { address: '127.0.0.2', port: 40002 }
/** Sources an attacker may use: the two real ones (spoofed), the server's host on another port, and strangers. */
const SOURCES: readonly PeerAddress[] = [
  CLIENT,
  SERVER,
  { address: '127.0.0.1', port: 1784 },
  ...Array.from({ length: 13 }, (_, i) => ({ address: `10.0.${i >> 2}.${i}`, port: 2000 + i })),
]
/** Small limits, so that the fuzzer reaches them. */
const LIMITS = { maxSessions: 2, maxPending: 6 }
/** Datagrams kept in flight at most; the oldest is lost past this (the network is bounded too). */
const MAX_IN_FLIGHT = 64

/** A recorded failure of an invariant. */
class InvariantError extends Error {
  override name = 'InvariantError'
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message)
}

/**
 * A client endpoint and a server endpoint wired through a tiny scheduler
 * under the fuzzer's control: every datagram either endpoint sends waits in
 * flight until a step delivers, drops, duplicates or mutates it. Checks the
 * engine's invariants after every step.
 */
export class FuzzWorld {
  readonly client: ClientEndpoint
  readonly server: ServerEndpoint
  now = 0
  readonly #crypto: PavillionCrypto
  readonly #clientId: Uint8Array
  readonly #psk: PresharedKey
  readonly #clientKeys: KeyPair
  readonly #vectors: readonly Uint8Array[]
  readonly #inFlight: InFlight[] = []
  readonly #sent = { client: new Map<string, AppText>(), server: new Map<string, AppText>() }
  readonly #delivered = { client: new Map<string, number>(), server: new Map<string, number>() }
  readonly #tracked = { client: new Set<number>(), server: new Set<number>() }
  readonly #reports = { client: new Map<number, number>(), server: new Map<number, number>() }
  readonly #stats = {
    client: undefined as EndpointStats | undefined,
    server: undefined as EndpointStats | undefined,
  }
  #lastDeadline = 0
  #serial = 0

  /**
   * @param headroom when given, that side's send counter starts this far below 2^64 - 1 (the u64
   *   limit), to exercise counter exhaustion
   */
  constructor(
    crypto: PavillionCrypto,
    variant: Variant,
    vectors: readonly Uint8Array[],
    headroom: { readonly client?: bigint; readonly server?: bigint } = {},
  ) {
    this.#crypto = crypto
    this.#vectors = vectors
    this.#clientId = new TextEncoder().encode('fuzzed-client-01')
    this.#psk = crypto.generatePsk()
    this.#clientKeys = crypto.generateKeyPair()
    const serverKeys = crypto.generateKeyPair()
    const registry = new MemoryClientRegistry().addPsk(this.#clientId, this.#psk)
    if (variant === 'ecc') registry.addPublicKey(this.#clientId, this.#clientKeys.publicKey)
    this.server = new ServerEndpoint({
      crypto,
      clients: registry,
      keyPair: serverKeys,
      allowGuests: variant === 'ecc-guest',
      limits: LIMITS,
      ...(headroom.server === undefined ? {} : { sendCounterStart: () => MAX_COUNTER - headroom.server! }),
    })
    this.client = new ClientEndpoint({
      crypto,
      destination: SERVER,
      credentials:
        variant === 'psk'
          ? { type: 'psk', clientId: this.#clientId, psk: this.#psk }
          : {
              type: 'ecc',
              ...(variant === 'ecc' ? { clientId: this.#clientId } : {}),
              keyPair: this.#clientKeys,
              serverPublicKey: serverKeys.publicKey,
            },
      ...(headroom.client === undefined ? {} : { fixed: { initialCounter: MAX_COUNTER - headroom.client } }),
    })
    this.client.start(0)
    this.server.start(0)
    this.#settle()
  }

  /** Runs one step, then checks every invariant. */
  step(step: Step): void {
    switch (step.kind) {
      case 'deliver': {
        const datagram = this.#take(step.pick)
        if (datagram !== undefined) this.#deliver(datagram.to, datagram.from, datagram.bytes)
        break
      }
      case 'flush':
        for (let round = 0; round < 6 && this.#inFlight.length > 0; round++) {
          for (const datagram of this.#inFlight.splice(0))
            this.#deliver(datagram.to, datagram.from, datagram.bytes)
          this.#drainTransmits()
        }
        break
      case 'drop':
        this.#take(step.pick)
        break
      case 'duplicate': {
        const datagram = this.#peek(step.pick)
        if (datagram !== undefined) this.#enqueue(datagram)
        break
      }
      case 'mutate': {
        const datagram = this.#peek(step.pick)
        if (datagram !== undefined)
          this.#deliver(datagram.to, datagram.from, mutate(datagram.bytes, step.mutation))
        break
      }
      case 'inject':
        this.#deliver(step.to, source(step.source), step.bytes)
        break
      case 'vector':
        this.#deliver(step.to, source(step.source), this.#vectors[step.pick % this.#vectors.length]!)
        break
      case 'nonce-request':
        this.#deliver('server', source(step.source), this.#nonceRequest(step.known, step.ecc))
        break
      case 'client-send':
        this.#command(() => {
          const message = this.#message('client', step.reliable)
          const track =
            step.timeout === undefined
              ? undefined
              : { deadline: this.now + step.timeout, expect: 'all' as const }
          const id = this.client.send(this.now, {
            plaintext: encodeApp(message),
            ...(track ? { track } : {}),
          })
          if (track !== undefined) this.#issued('client', id, track.deadline)
        })
        break
      case 'server-send':
        this.#command(() => {
          const message = this.#message('server', step.reliable)
          const track =
            step.timeout === undefined
              ? undefined
              : { deadline: this.now + step.timeout, expect: 'all' as const }
          const { id } = this.server.send(this.now, {
            plaintext: encodeApp(message),
            ...(track ? { track } : {}),
          })
          if (id !== undefined) this.#issued('server', id, track!.deadline)
        })
        break
      case 'time-sync':
        this.#command(() => this.client.requestTimeSync(this.now))
        break
      case 'advance':
        this.#advance(step.ms)
        break
      case 'close':
        if (step.who === 'client') this.client.close(this.now)
        else this.server.close(this.now)
        break
    }
    this.#settle()
  }

  /** Lets time pass beyond every deadline ever set; then every tracked send must have been reported exactly once. */
  finish(): void {
    this.#advance(Math.max(0, this.#lastDeadline - this.now) + 1)
    this.#settle()
    for (const role of ['client', 'server'] as const) {
      for (const id of this.#tracked[role])
        check(
          this.#reports[role].get(id) === 1,
          `${role} tracked send ${id} was reported ${this.#reports[role].get(id) ?? 0} times`,
        )
    }
  }

  /** Messages each side's application received. */
  get deliveries(): { client: number; server: number } {
    return { client: this.#delivered.client.size, server: this.#delivered.server.size }
  }

  #advance(ms: number): void {
    this.now += ms
    this.#guard('client.handleTimeout', () => this.client.handleTimeout(this.now))
    this.#guard('server.handleTimeout', () => this.server.handleTimeout(this.now))
  }

  #issued(role: Role, id: number | undefined, deadline: number): void {
    check(id !== undefined, `${role} tracked send returned no ticket`)
    check(!this.#tracked[role].has(id), `${role} ticket ${id} issued twice`)
    this.#tracked[role].add(id)
    this.#lastDeadline = Math.max(this.#lastDeadline, deadline)
  }

  #message(role: Role, reliable: boolean): AppText {
    const name = `${role[0]}${this.#serial++}`
    const message: AppText = {
      type: reliable ? 'reliable' : 'unreliable',
      target: 'fuzz',
      name,
      body: this.#crypto.random(this.#serial % 24),
    }
    this.#sent[role].set(name, message)
    return message
  }

  #nonceRequest(known: boolean, ecc: boolean): Uint8Array {
    return encodeSetup({
      type: 'nonce-request',
      suite: ecc ? 2 : 1,
      clientId: known ? this.#clientId : this.#crypto.random(16),
      challenge: this.#crypto.random(16),
      sessionId: this.#crypto.random(16),
      publicKey: ecc ? this.#crypto.generateKeyPair().publicKey : new Uint8Array(32),
    })
  }

  /** Commands may fail only with the documented typed errors (and a refusal past the u64 counter limit). */
  #command(run: () => void): void {
    try {
      run()
    } catch (error) {
      if (error instanceof ClosedError || error instanceof BackpressureError) return
      if (error instanceof PavillionError && error.code === 'ERR_COUNTER_EXHAUSTED') return
      throw new InvariantError(`a command threw an undocumented error: ${String(error)}`, { cause: error })
    }
  }

  #guard(what: string, run: () => void): void {
    try {
      run()
    } catch (error) {
      throw new InvariantError(`${what} threw: ${String(error)}`, { cause: error })
    }
  }

  #deliver(to: Role, from: PeerAddress, bytes: Uint8Array): void {
    const endpoint = to === 'client' ? this.client : this.server
    this.#guard(`${to}.handleDatagram`, () => endpoint.handleDatagram(this.now, from, bytes))
  }

  #peek(pick: number): InFlight | undefined {
    return this.#inFlight.length === 0 ? undefined : this.#inFlight[pick % this.#inFlight.length]
  }

  #take(pick: number): InFlight | undefined {
    if (this.#inFlight.length === 0) return undefined
    return this.#inFlight.splice(pick % this.#inFlight.length, 1)[0]
  }

  #enqueue(datagram: InFlight): void {
    this.#inFlight.push(datagram)
    if (this.#inFlight.length > MAX_IN_FLIGHT) this.#inFlight.shift()
  }

  /** Drains both endpoints (transmits into flight, events into the checks) and checks the invariants. */
  #settle(): void {
    this.#drainTransmits()
    for (let e = this.client.pollEvent(); e !== undefined; e = this.client.pollEvent())
      this.#onEvent('client', e)
    for (let e = this.server.pollEvent(); e !== undefined; e = this.server.pollEvent())
      this.#onEvent('server', e)
    this.#checkStats('client', this.client.stats())
    this.#checkStats('server', this.server.stats())
    check(this.server.sessionCount <= LIMITS.maxSessions, `${this.server.sessionCount} sessions`)
    // Addresses with a recent session keep their records apart, bounded by the session table.
    check(
      this.server.pendingCount <= LIMITS.maxPending + LIMITS.maxSessions,
      `${this.server.pendingCount} pending records`,
    )
    for (const endpoint of [this.client, this.server]) {
      const timeout = endpoint.pollTimeout()
      check(timeout === undefined || Number.isFinite(timeout), `pollTimeout() returned ${timeout}`)
    }
  }

  /** Moves every datagram the endpoints queued into flight. */
  #drainTransmits(): void {
    for (let t = this.client.pollTransmit(); t !== undefined; t = this.client.pollTransmit()) {
      // The client talks to its destination (the server); replies to strangers go nowhere.
      if (addressKey(t.to) === addressKey(SERVER))
        this.#enqueue({ from: CLIENT, to: 'server', bytes: t.bytes })
    }
    for (let t = this.server.pollTransmit(); t !== undefined; t = this.server.pollTransmit()) {
      if (addressKey(t.to) === addressKey(CLIENT))
        this.#enqueue({ from: SERVER, to: 'client', bytes: t.bytes })
    }
  }

  #onEvent(role: Role, event: ClientEvent | ServerEvent): void {
    if (event.type === 'delivery') {
      const { id } = event.report
      check(this.#tracked[role].has(id), `${role} reported ticket ${id}, never issued`)
      const count = (this.#reports[role].get(id) ?? 0) + 1
      check(count === 1, `${role} ticket ${id} reported twice`)
      this.#reports[role].set(id, count)
      return
    }
    if (event.type !== 'message') return
    // What the client receives, the server sent, and the other way round.
    const sender: Role = role === 'client' ? 'server' : 'client'
    const message = decodeAppPayload(event.opcode, event.payload)
    check(message.type === 'reliable' || message.type === 'unreliable', `${role} got a ${message.type}`)
    const sent = this.#sent[sender].get(message.name)
    check(sent !== undefined, `${role} received ${message.name}, which ${sender} never sent`)
    check(
      sent.type === message.type && sent.target === message.target && sameBytes(sent.body, message.body),
      `${role} received an altered ${message.name}`,
    )
    check(!event.duplicate, `${role} was handed a duplicate ${message.type} message`)
    const times = (this.#delivered[role].get(message.name) ?? 0) + 1
    check(times === 1, `${role} received ${message.name} ${times} times`)
    this.#delivered[role].set(message.name, times)
  }

  #checkStats(role: Role, now: EndpointStats): void {
    const before = this.#stats[role]
    if (before !== undefined) {
      for (const key of Object.keys(now) as (keyof EndpointStats)[])
        check(now[key] >= before[key], `${role} stats.${key} went down from ${before[key]} to ${now[key]}`)
    }
    this.#stats[role] = now
  }
}

function source(index: number): PeerAddress {
  return SOURCES[index % SOURCES.length]!
}

function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.type) {
    case 'flip': {
      const copy = bytes.slice()
      const bit = mutation.bit % (copy.length * 8)
      copy[bit >> 3]! ^= 1 << (bit & 7)
      return copy
    }
    case 'truncate':
      return bytes.slice(0, mutation.length % bytes.length)
    case 'extend':
      return concat(bytes, mutation.bytes)
    case 'oversize':
      return concat(bytes, new Uint8Array(Math.max(0, 4097 - bytes.length) + mutation.extra))
    case 'random-body':
      // A valid magic and counter (those of the original) in front of anything.
      return concat(bytes.slice(0, 19), mutation.bytes)
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
