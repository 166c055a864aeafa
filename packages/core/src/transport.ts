/**
 * The contract between the protocol engine and whatever moves datagrams.
 * `@pavillion/transport-node` implements it over `node:dgram`;
 * `@pavillion/core/testing` implements it in memory.
 */

/** A UDP endpoint address: an IPv4 or IPv6 literal and a port. */
export interface PeerAddress {
  /** IPv4 dotted quad or IPv6 literal (no brackets). */
  readonly address: string
  /** UDP port, 0–65535. */
  readonly port: number
}

/** Receives one datagram; `from` is its authenticated-nothing source address. */
export type DatagramHandler = (bytes: Uint8Array, from: PeerAddress) => void

/** Receives a transport-level problem that did not stop the transport (e.g. a send to an unreachable host). */
export type TransportErrorHandler = (error: Error) => void

/**
 * A datagram transport as the engine's driver uses it.
 *
 * Calling contract: `onDatagram` is set once before traffic flows; `send` never
 * throws for network conditions (they go to `onError`); the caller never
 * changes `bytes` after handing them to `send` (a transport may hold them
 * until the datagram leaves); after `close()` resolves no handler is called
 * again and every socket is released. `close()` is idempotent.
 */
export interface Transport {
  /** Sends one datagram. Throws only on misuse (after close, or an invalid address). */
  send(to: PeerAddress, bytes: Uint8Array): void
  /** Sets the receiver of every datagram from every socket the transport reads. */
  onDatagram(handler: DatagramHandler): void
  /** Sets the receiver of non-fatal transport errors. */
  onError(handler: TransportErrorHandler): void
  /** The address datagrams leave from (what peers see as our source). */
  localAddress(): PeerAddress
  /** True when `address` is one of this transport's own sockets (to ignore looped-back multicast, PROTOCOL.md D14). */
  isOwnAddress(address: PeerAddress): boolean
  /** Releases every socket. Idempotent. */
  close(): Promise<void>
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * The string key the engine uses to index peers by address: `1.2.3.4:5` or `[::1]:5`.
 * Built with `join`, which makes one flat string: a template literal makes a rope, which
 * the first Map lookup flattens into a second string while the rope stays (a server keeps
 * one key per session).
 */
export function addressKey(address: PeerAddress): string {
  return address.address.includes(':')
    ? ['[', address.address, ']:', address.port].join('')
    : [address.address, address.port].join(':')
}
