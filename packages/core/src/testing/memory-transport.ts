import { InvalidArgumentError } from '../errors.ts'
import type { DatagramHandler, PeerAddress, Transport, TransportErrorHandler } from '../transport.ts'
import { isGroupAddress } from './group-address.ts'
import { MemoryTransportClosedError } from './memory-transport-closed-error.ts'

/** Options of one in-memory transport. */
export interface MemoryTransportOptions {
  /** Receive this transport's own datagrams sent to a group it joined, like `IP_MULTICAST_LOOP`. Default true. */
  readonly multicastLoop?: boolean
}

/** What a `MemoryTransport` needs from its network. */
export interface MemoryLink {
  /** Registers the transport; `handler()` returns its datagram handler, or undefined when it cannot receive. */
  attach(transport: MemoryTransport, handler: () => DatagramHandler | undefined): void
  /** Queues a datagram (the network copies `bytes`). */
  transmit(from: MemoryTransport, to: PeerAddress, bytes: Uint8Array): void
  /** Frees the transport's address. */
  detach(transport: MemoryTransport): void
}

/** A `Transport` on a `MemoryNetwork`. Create it with `MemoryNetwork.createTransport()`. */
export class MemoryTransport implements Transport {
  /** Whether this transport receives its own group datagrams. */
  readonly multicastLoop: boolean
  readonly #link: MemoryLink
  readonly #address: PeerAddress
  readonly #groups = new Set<string>()
  #onDatagram: DatagramHandler | undefined
  #onError: TransportErrorHandler | undefined
  #closed = false

  constructor(link: MemoryLink, address: PeerAddress, options: MemoryTransportOptions = {}) {
    this.#link = link
    this.#address = Object.freeze({ address: address.address, port: address.port })
    this.multicastLoop = options.multicastLoop ?? true
    link.attach(this, () => (this.#closed ? undefined : this.#onDatagram))
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed
  }

  send(to: PeerAddress, bytes: Uint8Array): void {
    if (this.#closed) throw new MemoryTransportClosedError()
    if (typeof to.address !== 'string' || to.address.length === 0) {
      throw new InvalidArgumentError(`send() needs an address string (got ${String(to.address)})`)
    }
    if (!Number.isInteger(to.port) || to.port < 1 || to.port > 65535) {
      throw new InvalidArgumentError(`send() needs a port between 1 and 65535 (got ${to.port})`)
    }
    this.#link.transmit(this, to, bytes)
  }

  onDatagram(handler: DatagramHandler): void {
    this.#onDatagram = handler
  }

  onError(handler: TransportErrorHandler): void {
    this.#onError = handler
  }

  localAddress(): PeerAddress {
    return this.#address
  }

  isOwnAddress(address: PeerAddress): boolean {
    return address.port === this.#address.port && address.address === this.#address.address
  }

  /** Receives datagrams sent to `group` (IPv4 224.0.0.0/4 or IPv6 ff00::/8) at this transport's port. */
  joinGroup(group: string): void {
    if (this.#closed) throw new MemoryTransportClosedError()
    if (!isGroupAddress(group))
      throw new InvalidArgumentError(`joinGroup() needs a multicast group address (got '${group}')`)
    this.#groups.add(group)
  }

  /** Stops receiving datagrams sent to `group`. */
  leaveGroup(group: string): void {
    this.#groups.delete(group)
  }

  /** True when this transport has joined `group`. */
  hasJoined(group: string): boolean {
    return this.#groups.has(group)
  }

  /** Reports `error` through the `onError` handler, as a real transport reports a failed send. */
  emitError(error: Error): void {
    if (!this.#closed) this.#onError?.(error)
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true
      this.#groups.clear()
      this.#link.detach(this)
    }
    return Promise.resolve()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
