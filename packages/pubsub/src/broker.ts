import type { ClientInfo } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import type { ServerFacade } from './facades.ts'
import type { InFlightLimiter } from './in-flight.ts'
import type { Message } from './message.ts'

/** Counters of broker mode. */
export interface BrokerStats {
  /** Messages re-published to at least one other client. */
  brokered: number
  /** Copies not re-published: the client had `maxInFlightPerPeer` reliable publishes in flight, or the send failed. */
  brokerDropped: number
}

/**
 * Broker mode (PROTOCOL.md §10.4, done right — D11): every message a client
 * publishes is re-published to every other client in session, with the same
 * target, name, body and reliability; the sender never gets its own message
 * back. Reliable copies are tracked like any server publish (each client its
 * own sealed bytes, retransmitted until acknowledged or the engine's default
 * timeout) and count against the per-client cap; a client at the cap is
 * skipped for that message (counted in `brokerDropped`) so one slow client
 * cannot hold up the others.
 */
export class Broker {
  readonly #server: ServerFacade
  readonly #limiter: InFlightLimiter
  readonly #stats: BrokerStats
  readonly #wants: (key: string, target: string) => boolean

  /** `wants` says whether a client is to be sent a target (subscription filtering). */
  constructor(
    server: ServerFacade,
    limiter: InFlightLimiter,
    stats: BrokerStats,
    wants: (key: string, target: string) => boolean,
  ) {
    this.#server = server
    this.#limiter = limiter
    this.#stats = stats
    this.#wants = wants
  }

  /** Re-publishes `message` to every client but its sender (and those not listening to its target). Never throws. */
  forward(message: Message<ClientInfo>): void {
    const others = this.#server
      .sessions()
      .filter((client) => client.key !== message.sender.key)
      .map((client) => client.key)
      .filter((key) => this.#wants(key, message.target))
    if (others.length === 0) return
    // Re-encoding what was just decoded gives the received bytes back: it cannot fail.
    const plaintext = encodeApp({
      type: message.reliable ? 'reliable' : 'unreliable',
      target: message.target,
      name: message.name,
      body: message.payload,
    })
    if (message.reliable) {
      this.#forwardReliable(plaintext, others)
      return
    }
    try {
      if (this.#server.send(plaintext, { to: others }).length > 0) this.#stats.brokered++
    } catch {
      // The server is closing (ClosedError).
      this.#stats.brokerDropped += others.length
    }
  }

  #forwardReliable(plaintext: Uint8Array, others: readonly string[]): void {
    const eligible = others.filter((key) => this.#limiter.count(key) < this.#limiter.max)
    this.#stats.brokerDropped += others.length - eligible.length
    if (eligible.length === 0) return
    this.#limiter.tryAcquire(eligible)
    let tracked: ReturnType<ServerFacade['sendTracked']>['tracked']
    try {
      tracked = this.#server.sendTracked(plaintext, { to: eligible, expect: 'all' }).tracked
    } catch {
      // The server is closing (ClosedError) or the engine's global cap was hit (BackpressureError).
      this.#limiter.release(eligible)
      this.#stats.brokerDropped += eligible.length
      return
    }
    const release = () => this.#limiter.release(eligible)
    if (tracked === undefined) {
      release()
      return
    }
    this.#stats.brokered++
    tracked.done.then(release, release)
  }
}
