import type { DatagramHandler, PeerAddress, Transport, TransportErrorHandler } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { createSeededRandom } from '@pavillion/core/testing'

/** Options of {@link lossyTransport}. */
export interface LossyTransportOptions {
  /** Probability in [0, 1] that a datagram, in either direction, is dropped. */
  readonly loss: number
  /** Seed of the xorshift32 generator deciding the drops (one draw per datagram). */
  readonly seed: number
}

/** What a lossy transport let through and dropped, per direction. */
export interface LossyTransportStats {
  received: number
  droppedIn: number
  sent: number
  droppedOut: number
}

/** A `Transport` that loses datagrams on purpose; see {@link lossyTransport}. */
export interface LossyTransport extends Transport {
  /** Counters, updated in place. */
  readonly stats: LossyTransportStats
  /** While true every datagram is dropped both ways (a crashed or unplugged peer); counted as drops. */
  blackhole: boolean
}

/**
 * Wraps a transport so that each datagram it receives or sends is dropped
 * with probability `loss`, decided by a seeded generator: loss on one
 * endpoint's side, for paths a proxy cannot sit on (a multicast group).
 * Everything else (addresses, errors, close) is the inner transport's.
 */
export function lossyTransport(inner: Transport, options: LossyTransportOptions): LossyTransport {
  if (!(options.loss >= 0 && options.loss <= 1))
    throw new InvalidArgumentError('loss must be a probability in [0, 1]')
  const random = createSeededRandom(options.seed)
  const stats: LossyTransportStats = { received: 0, droppedIn: 0, sent: 0, droppedOut: 0 }
  const lost = (): boolean => random.next() < options.loss
  const wrapper: LossyTransport = {
    stats,
    blackhole: false,
    send(to: PeerAddress, bytes: Uint8Array): void {
      if (wrapper.blackhole || lost()) {
        stats.droppedOut++
        return
      }
      stats.sent++
      inner.send(to, bytes)
    },
    onDatagram(handler: DatagramHandler): void {
      inner.onDatagram((bytes, from) => {
        if (wrapper.blackhole || lost()) {
          stats.droppedIn++
          return
        }
        stats.received++
        handler(bytes, from)
      })
    },
    onError: (handler: TransportErrorHandler) => inner.onError(handler),
    localAddress: () => inner.localAddress(),
    isOwnAddress: (address: PeerAddress) => inner.isOwnAddress(address),
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  }
  return wrapper
}
