import type { DatagramHandler, PeerAddress, Transport, TransportErrorHandler } from '@pavillion/core'
import { decodeFrame } from '@pavillion/wire'

/** At most this many datagrams are held (originals and their retransmissions); later ones are dropped, counted. */
const MAX_HELD = 256

/** A transport that can hold back chosen outgoing datagrams, by counter, until released. */
export interface HoldBackTransport extends Transport {
  /** Holds the next `count` secure datagrams sent, and every later datagram with one of their counters. */
  arm(count: number): void
  /** Sends every held datagram, in the order they were sent, and stops holding. Returns how many. */
  release(): number
  /** The counters being (or that were) held. */
  readonly counters: ReadonlySet<bigint>
  /**
   * Datagrams held so far (originals and retransmissions), those dropped beyond {@link MAX_HELD}, and
   * those with a held counter sent after the release (the engine's later retransmissions).
   */
  readonly stats: { held: number; overflow: number; afterRelease: number }
}

/** The counter of a secure `PavillionS0` datagram, or undefined for anything else. */
function secureCounter(bytes: Uint8Array): bigint | undefined {
  try {
    const frame = decodeFrame(bytes)
    return frame.kind === 'secure' ? frame.counter : undefined
  } catch {
    return undefined
  }
}

/**
 * Wraps a client transport so that a few datagrams can be held back for as
 * long as a test likes, unlike the proxy's reordering (at most 50 ms): the
 * engine's retransmissions carry the same counter, so they are held too.
 */
export function holdBackTransport(inner: Transport): HoldBackTransport {
  const counters = new Set<bigint>()
  const held: { to: PeerAddress; bytes: Uint8Array }[] = []
  const stats = { held: 0, overflow: 0, afterRelease: 0 }
  let toArm = 0
  let holding = false
  return {
    counters,
    stats,
    arm(count: number): void {
      toArm = count
      holding = true
    },
    release(): number {
      holding = false
      toArm = 0
      for (const { to, bytes } of held) inner.send(to, bytes)
      return held.splice(0).length
    },
    send(to: PeerAddress, bytes: Uint8Array): void {
      if (holding) {
        const counter = secureCounter(bytes)
        if (counter !== undefined && toArm > 0 && !counters.has(counter)) {
          toArm--
          counters.add(counter)
        }
        if (counter !== undefined && counters.has(counter)) {
          if (held.length >= MAX_HELD) stats.overflow++
          else {
            stats.held++
            held.push({ to, bytes: bytes.slice() }) // the transport contract: no reference kept to `bytes`
          }
          return
        }
      } else if (counters.size > 0) {
        const counter = secureCounter(bytes)
        if (counter !== undefined && counters.has(counter)) stats.afterRelease++
      }
      inner.send(to, bytes)
    },
    onDatagram: (handler: DatagramHandler) => inner.onDatagram(handler),
    onError: (handler: TransportErrorHandler) => inner.onError(handler),
    localAddress: () => inner.localAddress(),
    isOwnAddress: (address: PeerAddress) => inner.isOwnAddress(address),
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  }
}
