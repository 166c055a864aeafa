import { createSocket, type Socket } from 'node:dgram'
import { LOOPBACK } from './proxy-options.ts'

/**
 * Binds a new IPv4 socket to 127.0.0.1 at `port` (0: chosen by the OS).
 * @throws Error (as a rejected promise) when the bind fails
 */
export function bindLoopback(port = 0): Promise<Socket> {
  const socket = createSocket('udp4')
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      socket.close()
      reject(error)
    }
    socket.once('error', fail)
    socket.bind(port, LOOPBACK, () => {
      socket.off('error', fail)
      resolve(socket)
    })
  })
}

/** Closes a socket; resolves once it is closed (at once if it already was). Never rejects. */
export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // already closed
    }
  })
}
