import type { PeerAddress, Transport } from '@pavillion/core'
import { decodeFrame, SetupOpcode } from '@pavillion/wire'

/**
 * One datagram as a debug trace sees it: direction, peer, size and what its
 * clear header says. Nothing secret is in it — the body of a secure datagram
 * is ciphertext and is not decoded.
 */
export interface PacketTrace {
  /** `in`: received; `out`: handed to the socket. */
  readonly direction: 'in' | 'out'
  /** The source (`in`) or destination (`out`). */
  readonly peer: PeerAddress
  /** Datagram size in bytes. */
  readonly size: number
  /** `secure`: an encrypted message; `setup`: a handshake message (counter 0); `malformed`: not a Pavillion datagram. */
  readonly kind: 'secure' | 'setup' | 'malformed'
  /** The packet counter of a secure datagram. */
  readonly counter?: bigint
  /** The setup message, by its PROTOCOL.md §5 name in kebab case (`nonce-request`, `session-accepted`, …). */
  readonly setup?: string
}

/** Receives a {@link PacketTrace} for every datagram in and out. It must not throw (errors are ignored). */
export type PacketTracer = (packet: PacketTrace) => void

const SETUP_NAMES = new Map<number, string>(
  Object.entries(SetupOpcode).map(([name, opcode]) => [
    opcode,
    name.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? '' : '-'}${c.toLowerCase()}`),
  ]),
)

/** What the clear header of a datagram says. */
export function describeDatagram(bytes: Uint8Array): Pick<PacketTrace, 'kind' | 'counter' | 'setup'> {
  try {
    const frame = decodeFrame(bytes)
    if (frame.kind === 'secure') return { kind: 'secure', counter: frame.counter }
    return { kind: 'setup', setup: SETUP_NAMES.get(frame.opcode) ?? `opcode-${frame.opcode}` }
  } catch {
    return { kind: 'malformed' }
  }
}

/**
 * Wraps a transport so that `tracer` sees every datagram it sends and
 * receives (the driver still ignores our own looped-back multicast; the
 * trace shows it). The wrapper adds no buffering and copies nothing.
 */
export function tracedTransport(inner: Transport, tracer: PacketTracer): Transport {
  const trace = (direction: 'in' | 'out', peer: PeerAddress, bytes: Uint8Array) => {
    try {
      tracer({ direction, peer, size: bytes.length, ...describeDatagram(bytes) })
    } catch {
      // A tracer must not break the datagram path.
    }
  }
  return {
    send(to, bytes) {
      trace('out', to, bytes)
      inner.send(to, bytes)
    },
    onDatagram(handler) {
      inner.onDatagram((bytes, from) => {
        trace('in', from, bytes)
        handler(bytes, from)
      })
    },
    onError: (handler) => inner.onError(handler),
    localAddress: () => inner.localAddress(),
    isOwnAddress: (address) => inner.isOwnAddress(address),
    close: () => inner.close(),
    [Symbol.asyncDispose]: () => inner.close(),
  }
}
