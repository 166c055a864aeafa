import { createSocket, type Socket } from 'node:dgram'
import { LOOPBACK } from './proxy-options.ts'

/**
 * Binds a new IPv4 socket to `address` (a loopback address, default 127.0.0.1) at `port`
 * (0: chosen by the OS).
 * @throws Error (as a rejected promise) when the bind fails
 */
export function bindLoopback(address = LOOPBACK, port = 0): Promise<Socket> {
  const socket = createSocket('udp4')
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      socket.close()
      reject(error)
    }
    socket.once('error', fail)
    socket.bind(port, address, () => {
      socket.off('error', fail)
      resolve(socket)
    })
  })
}

/**
 * The `n`-th address of the loopback block 127.`block`.0.0/16, host bytes 1–250 only (so never a
 * .0 or .255): a test that needs thousands of distinct source addresses binds one socket to each.
 */
export function loopbackAddress(block: number, n: number): string {
  return `127.${block}.${Math.floor(n / 250)}.${(n % 250) + 1}`
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
