import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { addressKey, type PeerAddress } from '@pavillion/core'
import { createSeededRandom, type SeededRandom } from '@pavillion/core/testing'
import { type BurstState, decide } from './decide.ts'
import { flipRandomBit } from './flip-bit.ts'
import {
  checkProxyImpairment,
  type Direction,
  type ImpairmentProxyOptions,
  LOOPBACK,
  type ProxyImpairment,
  type ProxyLimits,
  resolveProxyOptions,
} from './proxy-options.ts'
import { type DirectionStats, emptyDirectionStats, type ProxyStats } from './proxy-stats.ts'
import { bindLoopback, closeSocket } from './sockets.ts'

type Timer = ReturnType<typeof setTimeout>

/** One direction's impairment and counters. */
interface Lane {
  impairment: ProxyImpairment
  readonly stats: DirectionStats
}

/** The generator and burst state one flow draws its fates from, in one direction. */
interface Draws {
  readonly random: SeededRandom
  readonly burst: BurstState
}

/** A datagram held back until `remaining` later datagrams of its flow went past it. */
interface HeldDatagram {
  readonly bytes: Uint8Array
  remaining: number
  timer: Timer | undefined
}

/** One client source and the upstream socket that speaks for it to the target. */
interface Flow {
  readonly client: PeerAddress
  readonly key: string
  readonly upstream: Socket
  port: number | undefined
  closed: boolean
  readonly held: Record<Direction, HeldDatagram[]>
  readonly draws: Record<Direction, Draws>
}

/** An upstream socket of the proxy: the client it speaks for and its local port. */
export interface Upstream {
  readonly client: PeerAddress
  readonly port: number
}

/**
 * A UDP proxy on 127.0.0.1 that impairs traffic between any number of
 * clients and one target: loss, Gilbert–Elliott burst loss, duplication,
 * reordering, delay with jitter, single-bit corruption and blackholes. Every
 * client source gets its own upstream socket, so the target sees one address
 * per client and its replies go back to the right one, and its own seeded
 * generator per direction: a client's fates depend on the seed and on its own
 * datagrams only, not on how its traffic interleaves with other clients'.
 * Start one with `startImpairmentProxy()`.
 */
export class ImpairmentProxy {
  readonly #listener: Socket
  readonly #address: PeerAddress
  readonly #target: PeerAddress
  readonly #limits: ProxyLimits
  readonly #lanes: Record<Direction, Lane>
  readonly #flows = new Map<string, Flow>()
  readonly #timers = new Set<Timer>()
  readonly #seed: number
  #flowsMade = 0
  #held = 0
  #evicted = 0
  #foreign = 0
  #errors = 0
  #closing: Promise<void> | undefined

  private constructor(listener: Socket, options: ReturnType<typeof resolveProxyOptions>) {
    this.#listener = listener
    this.#address = { address: LOOPBACK, port: listener.address().port }
    this.#target = options.target
    this.#limits = options.limits
    this.#seed = options.seed
    this.#lanes = {
      toTarget: { impairment: options.toTarget, stats: emptyDirectionStats() },
      fromTarget: { impairment: options.fromTarget, stats: emptyDirectionStats() },
    }
    listener.on('error', () => this.#errors++)
    listener.on('message', (bytes, from) => this.#fromClient(bytes, from))
  }

  /**
   * Binds the listening socket on 127.0.0.1 (OS-chosen port) and starts forwarding.
   * @throws InvalidArgumentError for bad options; Error (rejected) when the socket cannot bind
   */
  static async start(options: ImpairmentProxyOptions): Promise<ImpairmentProxy> {
    const resolved = resolveProxyOptions(options)
    return new ImpairmentProxy(await bindLoopback(), resolved)
  }

  /** Where clients send: the listening socket, on 127.0.0.1. */
  get address(): PeerAddress {
    return this.#address
  }

  /** A snapshot of the counters. */
  get stats(): ProxyStats {
    return {
      toTarget: { ...this.#lanes.toTarget.stats },
      fromTarget: { ...this.#lanes.fromTarget.stats },
      upstreams: this.#flows.size,
      evicted: this.#evicted,
      held: this.#held,
      foreign: this.#foreign,
      errors: this.#errors,
    }
  }

  /**
   * Replaces one direction's impairment from the next datagram on (e.g. to
   * switch a blackhole on or off); the burst state starts over in the good state.
   * Datagrams already delayed or held keep their fate.
   * @throws InvalidArgumentError for a bad rate or delay
   */
  setImpairment(direction: Direction, impairment: ProxyImpairment): void {
    checkProxyImpairment(impairment)
    this.#lanes[direction].impairment = impairment
    for (const flow of this.#flows.values()) flow.draws[direction].burst.bad = false
  }

  /** The upstream sockets bound so far, least recently used first. */
  upstreams(): Upstream[] {
    const out: Upstream[] = []
    for (const flow of this.#flows.values())
      if (flow.port !== undefined) out.push({ client: flow.client, port: flow.port })
    return out
  }

  /** Stops forwarding, drops every held datagram, clears every timer and closes every socket. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      this.#held = 0
      const sockets = [this.#listener]
      for (const flow of this.#flows.values()) {
        flow.closed = true
        flow.held.toTarget.length = 0
        flow.held.fromTarget.length = 0
        sockets.push(flow.upstream)
      }
      this.#flows.clear()
      await Promise.all(sockets.map(closeSocket))
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #fromClient(bytes: Uint8Array, from: RemoteInfo): void {
    if (this.#closing !== undefined) return
    if (from.address !== LOOPBACK) {
      this.#foreign++
      return
    }
    this.#process('toTarget', this.#flowFor({ address: from.address, port: from.port }), bytes)
  }

  #fromTarget(flow: Flow, bytes: Uint8Array, from: RemoteInfo): void {
    if (this.#closing !== undefined || flow.closed) return
    if (from.address !== LOOPBACK) {
      this.#foreign++
      return
    }
    this.#process('fromTarget', flow, bytes)
  }

  /** The flow of a client source, made (and the least recently used one closed, past the limit) if needed. */
  #flowFor(client: PeerAddress): Flow {
    const key = addressKey(client)
    const existing = this.#flows.get(key)
    if (existing !== undefined) {
      this.#flows.delete(key)
      this.#flows.set(key, existing)
      return existing
    }
    if (this.#flows.size >= this.#limits.maxUpstreams) {
      const oldest = this.#flows.values().next().value as Flow
      this.#closeFlow(oldest)
      this.#evicted++
    }
    const upstream = createSocket('udp4')
    // The n-th flow's seed: the proxy's own for the first (a single client sees what it always
    // saw), then spread by the golden-ratio constant so neighbouring flows share no pattern.
    const seed = (this.#seed + Math.imul(this.#flowsMade++, 0x9e3779b1)) >>> 0
    const flow: Flow = {
      client,
      key,
      upstream,
      port: undefined,
      closed: false,
      held: { toTarget: [], fromTarget: [] },
      draws: {
        toTarget: { random: createSeededRandom(seed), burst: { bad: false } },
        fromTarget: { random: createSeededRandom((seed ^ 0x5bd1e995) >>> 0), burst: { bad: false } },
      },
    }
    upstream.on('error', () => this.#errors++)
    upstream.on('message', (bytes, from) => this.#fromTarget(flow, bytes, from))
    upstream.once('listening', () => {
      flow.port = upstream.address().port
    })
    // Sends issued before the bind completes are queued by node:dgram.
    upstream.bind(0, LOOPBACK)
    this.#flows.set(key, flow)
    return flow
  }

  #closeFlow(flow: Flow): void {
    this.#flows.delete(flow.key)
    flow.closed = true
    for (const direction of ['toTarget', 'fromTarget'] as const) {
      for (const entry of flow.held[direction]) this.#unhold(entry)
      flow.held[direction].length = 0
    }
    void closeSocket(flow.upstream)
  }

  /** Applies one direction's impairment to a datagram (`bytes` may be a Buffer the socket reuses: copied). */
  #process(direction: Direction, flow: Flow, bytes: Uint8Array): void {
    const lane = this.#lanes[direction]
    lane.stats.received++
    const draws = flow.draws[direction]
    const fate = decide(lane.impairment, draws.random, draws.burst)
    if (fate.dropped) {
      lane.stats.dropped++
      return
    }
    if (fate.corrupted) lane.stats.corrupted++
    const first = fate.corrupted ? flipRandomBit(bytes, draws.random) : Uint8Array.from(bytes)
    this.#delayThenEmit(direction, flow, first, fate.holdback)
    if (fate.duplicated) {
      lane.stats.duplicated++
      this.#delayThenEmit(direction, flow, Uint8Array.from(bytes), 0)
    }
  }

  #delayThenEmit(direction: Direction, flow: Flow, bytes: Uint8Array, holdback: number): void {
    const lane = this.#lanes[direction]
    const { delay = 0, jitter = 0 } = lane.impairment
    const wait = delay + (jitter > 0 ? flow.draws[direction].random.next() * jitter : 0)
    if (wait <= 0) {
      this.#emit(direction, flow, bytes, holdback)
      return
    }
    if (this.#held >= this.#limits.maxHeld) {
      lane.stats.overflow++
      return
    }
    this.#held++
    lane.stats.delayed++
    this.#schedule(wait, () => {
      this.#held--
      this.#emit(direction, flow, bytes, holdback)
    })
  }

  /** Forwards a datagram, or holds it back for `holdback` later ones; releases those it overtakes. */
  #emit(direction: Direction, flow: Flow, bytes: Uint8Array, holdback: number): void {
    if (this.#closing !== undefined || flow.closed) return
    const queue = flow.held[direction]
    for (const entry of queue) entry.remaining--
    if (holdback > 0 && this.#held < this.#limits.maxHeld) {
      this.#lanes[direction].stats.reordered++
      this.#held++
      const entry: HeldDatagram = { bytes, remaining: holdback, timer: undefined }
      entry.timer = this.#schedule(this.#limits.maxHoldTime, () => this.#release(direction, flow, entry))
      queue.push(entry)
    } else this.#send(direction, flow, bytes) // past the hold limit a datagram simply keeps its place
    for (const entry of [...queue]) if (entry.remaining <= 0) this.#release(direction, flow, entry)
  }

  #release(direction: Direction, flow: Flow, entry: HeldDatagram): void {
    const queue = flow.held[direction]
    const index = queue.indexOf(entry)
    if (index < 0) return
    queue.splice(index, 1)
    this.#unhold(entry)
    this.#send(direction, flow, entry.bytes)
  }

  #unhold(entry: HeldDatagram): void {
    if (entry.timer !== undefined) {
      clearTimeout(entry.timer)
      this.#timers.delete(entry.timer)
      entry.timer = undefined
    }
    this.#held--
  }

  #send(direction: Direction, flow: Flow, bytes: Uint8Array): void {
    if (this.#closing !== undefined || flow.closed) return
    this.#lanes[direction].stats.forwarded++
    const done = (error: Error | null) => {
      if (error !== null) this.#errors++
    }
    if (direction === 'toTarget') flow.upstream.send(bytes, this.#target.port, LOOPBACK, done)
    else this.#listener.send(bytes, flow.client.port, LOOPBACK, done)
  }

  #schedule(ms: number, callback: () => void): Timer {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      callback()
    }, ms)
    timer.unref()
    this.#timers.add(timer)
    return timer
  }
}

/**
 * Starts an impairment proxy in front of `options.target` (see `ImpairmentProxy`).
 * @throws InvalidArgumentError for bad options; Error (rejected) when the socket cannot bind
 */
export function startImpairmentProxy(options: ImpairmentProxyOptions): Promise<ImpairmentProxy> {
  return ImpairmentProxy.start(options)
}
