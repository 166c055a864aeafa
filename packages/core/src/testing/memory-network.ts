import { InvalidArgumentError, PavillionError, type PavillionErrorCode } from '../errors.ts'
import { addressKey, type DatagramHandler, type PeerAddress } from '../transport.ts'
import { DatagramQueue } from './datagram-queue.ts'
import { isGroupAddress } from './group-address.ts'
import { type Fate, type Impairment, ImpairmentRule, type LinkSelector } from './impairment.ts'
import { type MemoryLink, MemoryTransport, type MemoryTransportOptions } from './memory-transport.ts'
import { createSeededRandom, type SeededRandom } from './seeded-random.ts'

/** Options of a `MemoryNetwork`. */
export interface MemoryNetworkOptions {
  /** Seed of the generator behind every impairment decision. Default 1. */
  readonly seed?: number
}

/** One `send()` as the network saw it. */
export interface SentDatagram {
  readonly from: PeerAddress
  /** The destination as given to `send()` (a group address for multicast). */
  readonly to: PeerAddress
  /** A copy of the bytes as sent, before any corruption. */
  readonly bytes: Uint8Array
  /** True when no copy was queued: no receiver, or every link dropped it. */
  readonly dropped: boolean
}

/** Counters of a `MemoryNetwork`; a multicast send counts once in `sent` and per receiver in the others. */
export interface NetworkStats {
  /** Calls to `send()`. */
  readonly sent: number
  /** Datagrams handed to a receiver's handler. */
  readonly delivered: number
  /** Datagrams lost: no receiver, an impairment, or a receiver closed (or without handler) at delivery. */
  readonly dropped: number
  /** Extra copies queued by `duplicate`. */
  readonly duplicated: number
  /** Datagrams held back by `reorder`. */
  readonly reordered: number
  /** Datagrams with a flipped bit. */
  readonly corrupted: number
}

interface Endpoint {
  readonly transport: MemoryTransport
  readonly handler: () => DatagramHandler | undefined
}

interface InFlight {
  readonly to: Endpoint
  readonly from: PeerAddress
  readonly bytes: Uint8Array
  holdback: number
}

const FIRST_PORT = 40000

/**
 * A deterministic in-memory datagram network for tests. Datagrams are queued
 * by `send()` and delivered only when the test calls `deliverNext()`,
 * `deliverAll()` or `drain()`; no timers are involved. Impairments (loss,
 * duplication, reordering, corruption, burst loss, blackholes) are decided
 * at send time from a seeded generator, so a run is reproducible.
 *
 * @example
 * ```ts
 * const net = new MemoryNetwork({ seed: 7 })
 * const a = net.createTransport()
 * const b = net.createTransport()
 * b.onDatagram((bytes, from) => b.send(from, bytes)) // echo
 * net.impair({ from: a.localAddress() }, { loss: 0.1 })
 * a.send(b.localAddress(), new Uint8Array([1, 2, 3]))
 * net.drain()
 * ```
 */
export class MemoryNetwork {
  readonly #random: SeededRandom
  readonly #endpoints = new Map<string, Endpoint>()
  readonly #rules: ImpairmentRule[] = []
  readonly #queue = new DatagramQueue<InFlight>()
  readonly #log: SentDatagram[] = []
  readonly #stats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, reordered: 0, corrupted: 0 }
  readonly #link: MemoryLink
  #autoAssigned = 0

  constructor(options: MemoryNetworkOptions = {}) {
    this.#random = createSeededRandom(options.seed ?? 1)
    this.#link = {
      attach: (transport, handler) => {
        this.#endpoints.set(addressKey(transport.localAddress()), { transport, handler })
      },
      transmit: (from, to, bytes) => this.#transmit(from, to, bytes),
      detach: (transport) => {
        this.#endpoints.delete(addressKey(transport.localAddress()))
      },
    }
  }

  /** Every `send()` so far, oldest first. */
  get sent(): readonly SentDatagram[] {
    return this.#log
  }

  /** A snapshot of the counters. */
  get stats(): NetworkStats {
    return { ...this.#stats }
  }

  /** Datagrams queued and not yet delivered. */
  get pending(): number {
    return this.#queue.length
  }

  /**
   * Opens a transport. Without `address` it gets the next free fake loopback
   * address (`127.0.0.1:40000`, `127.0.0.2:40001`, …); with port 0 it gets the
   * next free port from 40000 at that address.
   *
   * @throws InvalidArgumentError when the port is out of range; Error when the address is taken.
   */
  createTransport(address?: PeerAddress, options?: MemoryTransportOptions): MemoryTransport {
    const local = address === undefined ? this.#nextFreeAddress() : this.#claim(address)
    return new MemoryTransport(this.#link, local, options)
  }

  /**
   * Impairs every link matching `link` (both ends optional) until the returned
   * function is called. Several matching rules all apply, in the order given.
   *
   * @throws InvalidArgumentError when a rate is not a probability.
   */
  impair(link: LinkSelector, impairment: Impairment): () => void {
    const rule = new ImpairmentRule(link, impairment)
    this.#rules.push(rule)
    return () => {
      const index = this.#rules.indexOf(rule)
      if (index >= 0) this.#rules.splice(index, 1)
    }
  }

  /** Removes every impairment. */
  clearImpairments(): void {
    this.#rules.length = 0
  }

  /** Delivers (or drops, if its receiver closed) the next queued datagram; false when none was queued. */
  deliverNext(): boolean {
    const datagram = this.#queue.shift()
    if (datagram === undefined) return false
    const handler = datagram.to.handler()
    if (handler === undefined) {
      this.#stats.dropped++
    } else {
      this.#stats.delivered++
      handler(datagram.bytes, datagram.from)
    }
    return true
  }

  /** Delivers the datagrams queued now (not those their handlers send); returns how many. */
  deliverAll(): number {
    const count = this.#queue.length
    let done = 0
    while (done < count && this.deliverNext()) done++
    return done
  }

  /**
   * Delivers until nothing is queued, including replies sent by handlers;
   * returns how many were delivered.
   *
   * @throws PavillionError `ERR_TIMEOUT` after `limit` deliveries, which means the endpoints never go quiet.
   */
  drain(limit = 1_000_000): number {
    let done = 0
    while (this.deliverNext()) {
      if (++done >= limit && this.#queue.length > 0) {
        throw new PavillionError<PavillionErrorCode>(
          'ERR_TIMEOUT',
          `MemoryNetwork.drain(): still busy after ${limit} deliveries; do the endpoints ping-pong forever?`,
        )
      }
    }
    return done
  }

  #transmit(sender: MemoryTransport, to: PeerAddress, bytes: Uint8Array): void {
    const copy = bytes.slice()
    const destination = Object.freeze({ address: to.address, port: to.port })
    let receivers = 0
    let queued = 0
    for (const endpoint of this.#receivers(sender, destination)) {
      receivers++
      queued += this.#route(sender, destination, endpoint, copy)
    }
    this.#stats.sent++
    if (receivers === 0) this.#stats.dropped++
    this.#log.push({ from: sender.localAddress(), to: destination, bytes: copy, dropped: queued === 0 })
  }

  *#receivers(sender: MemoryTransport, to: PeerAddress): Generator<Endpoint> {
    if (!isGroupAddress(to.address)) {
      const endpoint = this.#endpoints.get(addressKey(to))
      if (endpoint !== undefined) yield endpoint
      return
    }
    for (const endpoint of this.#endpoints.values()) {
      const { transport } = endpoint
      if (transport.localAddress().port !== to.port || !transport.hasJoined(to.address)) continue
      if (transport !== sender || sender.multicastLoop) yield endpoint
    }
  }

  /** Applies the matching impairments to one receiver's copy and queues what survives; returns the number queued. */
  #route(sender: MemoryTransport, to: PeerAddress, endpoint: Endpoint, bytes: Uint8Array): number {
    const from = sender.localAddress()
    const fromKey = addressKey(from)
    const toKey = addressKey(to)
    const receiverKey = addressKey(endpoint.transport.localAddress())
    const fate: Fate = { dropped: false, duplicated: false, corrupted: false, holdback: 0 }
    for (const rule of this.#rules)
      if (rule.matches(fromKey, toKey, receiverKey)) rule.apply(fate, this.#random)
    if (fate.dropped) {
      this.#stats.dropped++
      return 0
    }
    const first = bytes.slice()
    if (fate.corrupted && first.length > 0) {
      const bit = Math.floor(this.#random.next() * first.length * 8)
      first[bit >> 3]! ^= 1 << (bit & 7)
      this.#stats.corrupted++
    }
    if (fate.holdback > 0) this.#stats.reordered++
    this.#queue.push({ to: endpoint, from, bytes: first, holdback: fate.holdback })
    if (!fate.duplicated) return 1
    this.#queue.push({ to: endpoint, from, bytes: bytes.slice(), holdback: 0 })
    this.#stats.duplicated++
    return 2
  }

  #nextFreeAddress(): PeerAddress {
    for (;;) {
      const n = this.#autoAssigned++
      const host = (n % 65534) + 1
      const candidate = {
        address: `127.0.${host >> 8}.${host & 255}`,
        port: FIRST_PORT + (n % (65536 - FIRST_PORT)),
      }
      if (!this.#endpoints.has(addressKey(candidate))) return candidate
    }
  }

  #claim(address: PeerAddress): PeerAddress {
    if (typeof address.address !== 'string' || address.address.length === 0) {
      throw new InvalidArgumentError(
        `createTransport() needs an address string (got ${String(address.address)})`,
      )
    }
    if (!Number.isInteger(address.port) || address.port < 0 || address.port > 65535) {
      throw new InvalidArgumentError(
        `createTransport() needs a port between 0 and 65535 (got ${address.port})`,
      )
    }
    if (address.port === 0) {
      for (let port = FIRST_PORT; port <= 65535; port++) {
        const candidate = { address: address.address, port }
        if (!this.#endpoints.has(addressKey(candidate))) return candidate
      }
      throw new PavillionError<PavillionErrorCode>(
        'ERR_ADDRESS_IN_USE',
        `createTransport(): no free port left at ${address.address}`,
      )
    }
    if (this.#endpoints.has(addressKey(address))) {
      throw new PavillionError<PavillionErrorCode>(
        'ERR_ADDRESS_IN_USE',
        `createTransport(): ${addressKey(address)} is already in use on this MemoryNetwork`,
      )
    }
    return address
  }
}
