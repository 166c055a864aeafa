import type { DatagramHandler, PeerAddress, Transport, TransportErrorHandler } from '@pavillion/core'

/**
 * A transport that lets a client follow a server that moves: the engine keeps
 * talking to one fixed `logical` address, and this maps it to wherever the
 * server is now. Datagrams to the logical host go to the current host (to the
 * current port when they were for the logical port); datagrams from the
 * current host look, to the engine, as if they came from the logical host.
 * On `moveTo` the last datagram sent to the logical address (a handshake,
 * usually) is sent again at once to the new place, so the engine need not
 * wait for its next retry. A record only says where to try: the engine's
 * handshake still decides whether the server there is the right one.
 */
export class RedirectTransport implements Transport {
  readonly #inner: Transport
  readonly #logical: PeerAddress
  #target: PeerAddress
  #last: Uint8Array | undefined
  #heard = 0

  constructor(inner: Transport, logical: PeerAddress) {
    this.#inner = inner
    this.#logical = logical
    this.#target = logical
  }

  /** Where the server is believed to be now. */
  get target(): PeerAddress {
    return this.#target
  }

  /** Datagrams received from the current target's host since the last move. */
  get heard(): number {
    return this.#heard
  }

  /** Redirects to `target` and re-sends the last datagram for the logical address there. */
  moveTo(target: PeerAddress): void {
    this.#target = { address: target.address, port: target.port }
    this.#heard = 0
    if (this.#last !== undefined) this.#inner.send(this.#target, this.#last)
  }

  send(to: PeerAddress, bytes: Uint8Array): void {
    if (to.address !== this.#logical.address) {
      this.#inner.send(to, bytes)
      return
    }
    if (to.port === this.#logical.port) {
      this.#last = bytes.slice()
      this.#inner.send(this.#target, bytes)
    } else this.#inner.send({ address: this.#target.address, port: to.port }, bytes)
  }

  onDatagram(handler: DatagramHandler): void {
    this.#inner.onDatagram((bytes, from) => {
      if (from.address !== this.#target.address) {
        handler(bytes, from)
        return
      }
      this.#heard++
      handler(
        bytes,
        from.address === this.#logical.address ? from : { address: this.#logical.address, port: from.port },
      )
    })
  }

  onError(handler: TransportErrorHandler): void {
    this.#inner.onError(handler)
  }

  localAddress(): PeerAddress {
    return this.#inner.localAddress()
  }

  isOwnAddress(address: PeerAddress): boolean {
    return this.#inner.isOwnAddress(address)
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
