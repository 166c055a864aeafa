import { decodeAppPayload } from '@pavillion/wire'
import type { ClientEndpoint } from '../../src/client/client-endpoint.ts'
import type { ClientEvent, ServerEvent } from '../../src/events.ts'
import type { ServerEndpoint } from '../../src/server/server-endpoint.ts'
import { addressKey, type PeerAddress } from '../../src/transport.ts'

/** Either endpoint. */
export type AnyEndpoint = ClientEndpoint | ServerEndpoint

/** A datagram as it crossed the simulated network. */
export interface Wire {
  readonly from: PeerAddress
  readonly to: PeerAddress
  readonly bytes: Uint8Array
}

/**
 * A loss-free, in-order datagram switch between sans-I/O endpoints at fixed
 * addresses, with a manual clock: `pump()` moves datagrams until everyone is
 * quiet and records every one of them; a `filter` may hold some back.
 */
export class SansIoNet {
  now = 0
  /** Every datagram an endpoint sent, in order (held-back ones included). */
  readonly log: Wire[] = []
  /** Datagrams the filter held back, in order. */
  readonly held: Wire[] = []
  /** Which datagrams to deliver; the rest are held. */
  filter: (wire: Wire) => boolean = () => true
  readonly #endpoints = new Map<string, { address: PeerAddress; endpoint: AnyEndpoint }>()
  readonly #events = new Map<AnyEndpoint, (ClientEvent | ServerEvent)[]>()

  /** Places `endpoint` at `address`. */
  attach<E extends AnyEndpoint>(address: PeerAddress, endpoint: E): E {
    this.#endpoints.set(addressKey(address), { address, endpoint })
    this.#events.set(endpoint, [])
    return endpoint
  }

  /** Removes whatever endpoint sits at `address` (a crash: nothing more is delivered to it). */
  detach(address: PeerAddress): void {
    this.#endpoints.delete(addressKey(address))
  }

  /** Every event `endpoint` emitted so far. */
  events(endpoint: ClientEndpoint): ClientEvent[]
  events(endpoint: ServerEndpoint): ServerEvent[]
  events(endpoint: AnyEndpoint): (ClientEvent | ServerEvent)[] {
    this.#collect()
    return this.#events.get(endpoint) ?? []
  }

  /** Names of the application messages `endpoint` received (reliable and unreliable). */
  messages(endpoint: AnyEndpoint): string[] {
    this.#collect()
    const out: string[] = []
    for (const event of this.#events.get(endpoint) ?? [])
      if (event.type === 'message') {
        const message = decodeAppPayload(event.opcode, event.payload)
        if ('name' in message) out.push(message.name)
      }
    return out
  }

  /** Hands `bytes` to the endpoint at `to` as if from `from` (an attacker's datagram); not logged. */
  inject(to: PeerAddress, from: PeerAddress, bytes: Uint8Array): void {
    const target = this.#endpoints.get(addressKey(to))
    target?.endpoint.handleDatagram(this.now, from, bytes)
  }

  /** Moves datagrams between the endpoints until none sends any more (bounded). */
  pump(maxRounds = 100): void {
    for (let round = 0; round < maxRounds; round++) {
      const batch: Wire[] = []
      for (const { address, endpoint } of this.#endpoints.values()) {
        for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit())
          batch.push({ from: address, to: t.to, bytes: t.bytes })
      }
      this.#collect()
      if (batch.length === 0) return
      for (const wire of batch) {
        this.log.push(wire)
        if (!this.filter(wire)) {
          this.held.push(wire)
          continue
        }
        this.#endpoints.get(addressKey(wire.to))?.endpoint.handleDatagram(this.now, wire.from, wire.bytes)
      }
    }
    throw new Error('the endpoints did not go quiet')
  }

  /** Moves the clock, fires every due timer, and pumps. */
  advance(ms: number, step = ms): void {
    for (let done = 0; done < ms; done += step) {
      this.now += Math.min(step, ms - done)
      for (const { endpoint } of this.#endpoints.values()) endpoint.handleTimeout(this.now)
      this.pump()
    }
  }

  /** Discards whatever the endpoints queued, without delivering or logging it. */
  discard(): void {
    for (const { endpoint } of this.#endpoints.values()) while (endpoint.pollTransmit() !== undefined);
    this.#collect()
  }

  #collect(): void {
    for (const { endpoint } of this.#endpoints.values()) {
      const events = this.#events.get(endpoint)!
      for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) events.push(e)
    }
  }
}
