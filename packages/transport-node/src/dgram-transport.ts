import type { RemoteInfo, Socket } from 'node:dgram'
import type { DatagramHandler, PeerAddress, TransportErrorHandler } from '@pavillion/core'
import { closeSocket } from './bind-socket.ts'
import type { ErrorSink } from './error-sink.ts'
import { isGroupAddress } from './ip-address.ts'
import type { MulticastSetup, MulticastSockets } from './multicast-setup.ts'
import { OwnAddress } from './own-address.ts'
import { TransportClosedError } from './transport-closed-error.ts'
import type { UdpTransport } from './udp-transport.ts'

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

  readonly #afterSend = (error: Error | null): void => {
    if (error !== null) this.#errors.report(error)
  }

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
    if (isGroupAddress(to.address) && this.#multicast?.sendInterface !== 'ready') {
      this.#refuseGroupSend(to)
      return
    }
    const socket = this.#send
    // The literal lookup makes dgram hand the datagram to the kernel right
    // here, which copies it. Only when libuv already has a backlog does it
    // queue the datagram by reference: then it gets a copy.
    socket.send(
      socket.getSendQueueCount() === 0 ? bytes : bytes.slice(),
      to.port,
      to.address,
      this.#afterSend,
    )
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
      throw new TypeError(
        `cannot send to group ${to.address}: set the multicast.interface option so group datagrams leave through a chosen interface`,
      )
    }
    this.#errors.report(
      new Error(
        `datagram to group ${to.address}:${to.port} dropped: the multicast interface is not available yet`,
      ),
    )
  }
}

function addressOf(socket: Socket): PeerAddress {
  const { address, port } = socket.address()
  return Object.freeze({ address, port })
}
