import type { RemoteInfo, Socket } from 'node:dgram'
import type { DatagramHandler, PeerAddress, TransportErrorHandler } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { closeSocket } from './bind-socket.ts'
import type { ErrorSink } from './error-sink.ts'
import { isGroupAddress } from './ip-address.ts'
import type { MulticastSetup, MulticastSockets } from './multicast-setup.ts'
import { MulticastUnavailableError } from './multicast-unavailable-error.ts'
import { OwnAddress } from './own-address.ts'
import { TransportClosedError } from './transport-closed-error.ts'
import type { UdpTransport } from './udp-transport.ts'

/**
 * How often, per destination, a send is checked for errors, ms. Node reports a
 * send's error only to a completion callback, which costs a tick per
 * datagram; so the first datagram to each destination (the engine passes one
 * address object per peer) and then one a second carry a callback. A lasting
 * failure (no route, a datagram too large) is reported within a second; one
 * between checks is indistinguishable from loss, which the engine recovers.
 */
const ERROR_CHECK_INTERVAL = 1000

/** The open, bound sockets of one transport and what was set up on them. */
export interface UdpTransportParts {
  readonly sockets: MulticastSockets
  readonly multicast: MulticastSetup | undefined
  readonly errors: ErrorSink
}

/** The `UdpTransport` implementation. Construct it through `createUdpTransport()`. */
export class DgramTransport implements UdpTransport {
  readonly #send: Socket
  readonly #sockets: readonly Socket[]
  readonly #local: PeerAddress
  readonly #listen: PeerAddress
  readonly #own: OwnAddress
  readonly #multicast: MulticastSetup | undefined
  readonly #errors: ErrorSink
  #onDatagram: DatagramHandler | undefined
  #closing: Promise<void> | undefined

  /** When each destination's sends were last checked for errors (see `send`). */
  readonly #checkedAt = new WeakMap<PeerAddress, number>()

  readonly #receive = (bytes: Buffer, from: RemoteInfo): void => {
    if (this.#closing !== undefined || this.#onDatagram === undefined) return
    try {
      this.#onDatagram(bytes, from)
    } catch (error) {
      this.#errors.report(error instanceof Error ? error : new Error(String(error)))
    }
  }

  constructor({ sockets, multicast, errors }: UdpTransportParts) {
    this.#send = sockets.send
    this.#sockets = [...new Set([sockets.listen, sockets.send, sockets.announce])].filter(
      (s) => s !== undefined,
    )
    this.#local = addressOf(sockets.send)
    this.#listen = addressOf(sockets.listen)
    this.#own = new OwnAddress(this.#local)
    this.#multicast = multicast
    this.#errors = errors
    for (const socket of this.#sockets) socket.on('message', this.#receive)
  }

  send(to: PeerAddress, bytes: Uint8Array): void {
    if (this.#closing !== undefined) throw new TransportClosedError()
    // Checked here, not left to dgram, whose own RangeError is no PavillionError.
    if (!Number.isInteger(to.port) || to.port < 1 || to.port > 65535)
      throw new InvalidArgumentError(`send() needs a port between 1 and 65535 (got ${to.port})`)
    if (isGroupAddress(to.address) && this.#multicast?.sendInterface !== 'ready') {
      this.#refuseGroupSend(to)
      return
    }
    // When libuv has a backlog it queues the datagram by reference: the engine never changes sent bytes.
    const now = performance.now()
    const checkedAt = this.#checkedAt.get(to)
    if (checkedAt !== undefined && now - checkedAt < ERROR_CHECK_INTERVAL) {
      this.#send.send(bytes, to.port, to.address)
      return
    }
    this.#checkedAt.set(to, now)
    this.#send.send(bytes, to.port, to.address, (error) => {
      if (error === null) return
      this.#checkedAt.delete(to) // check the next one too
      this.#errors.report(error)
    })
  }

  onDatagram(handler: DatagramHandler): void {
    this.#onDatagram = handler
  }

  onError(handler: TransportErrorHandler): void {
    this.#errors.setHandler(handler)
  }

  localAddress(): PeerAddress {
    return this.#local
  }

  listenAddress(): PeerAddress {
    return this.#listen
  }

  isOwnAddress(address: PeerAddress): boolean {
    return this.#own.test(address)
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutDown()
    return this.#closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #shutDown(): Promise<void> {
    this.#multicast?.cancel()
    this.#errors.close()
    await Promise.all(this.#sockets.map(closeSocket))
  }

  #refuseGroupSend(to: PeerAddress): void {
    if (this.#multicast?.sendInterface !== 'pending') {
      throw new InvalidArgumentError(
        `cannot send to group ${to.address}: set the multicast.interface option so group datagrams leave through a chosen interface`,
      )
    }
    this.#errors.report(new MulticastUnavailableError(to))
  }
}

function addressOf(socket: Socket): PeerAddress {
  const { address, port } = socket.address()
  return Object.freeze({ address, port })
}
