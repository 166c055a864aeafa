import { createSocket, type Socket } from 'node:dgram'
import type { SocketFamily } from './ip-address.ts'
import { literalLookup } from './literal-lookup.ts'

/** One socket to open. */
export interface SocketSpec {
  readonly family: SocketFamily
  readonly address: string
  readonly port: number
  readonly reuseAddress: boolean
  readonly receiveBufferSize: number | undefined
  readonly sendBufferSize: number | undefined
}

/**
 * Creates and binds a socket. Once bound, every 'error' event goes to
 * `onError`; if binding or sizing its buffers fails, the socket is closed and
 * the promise rejects.
 */
export function bindSocket(spec: SocketSpec, onError: (error: Error) => void): Promise<Socket> {
  const socket = createSocket({
    type: spec.family,
    reuseAddr: spec.reuseAddress,
    lookup: literalLookup(spec.family),
  })
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      socket.close()
      reject(error)
    }
    socket.once('error', fail)
    socket.bind({ address: spec.address, port: spec.port, exclusive: true }, () => {
      socket.off('error', fail)
      socket.on('error', onError)
      try {
        if (spec.receiveBufferSize !== undefined) socket.setRecvBufferSize(spec.receiveBufferSize)
        if (spec.sendBufferSize !== undefined) socket.setSendBufferSize(spec.sendBufferSize)
      } catch (error) {
        fail(error as Error)
        return
      }
      resolve(socket)
    })
  })
}

/** Closes a socket; resolves on its 'close' event. */
export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()))
}
