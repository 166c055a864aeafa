import { createSocket, type Socket } from 'node:dgram'
import type { PeerAddress } from '@pavillion/core'

export { waitUntil } from '../../src/index.ts'

/** A datagram a test socket received. */
interface Received {
  readonly bytes: Uint8Array
  readonly from: PeerAddress
  readonly at: number
}

/** A UDP socket on 127.0.0.1 that records what it receives and can echo it back. */
export interface TestSocket {
  readonly address: PeerAddress
  readonly received: Received[]
  send(to: PeerAddress, bytes: Uint8Array): void
  close(): Promise<void>
}

/** Opens a recording socket on `address` (default 127.0.0.1, OS-chosen port); `echo` sends every datagram back. */
export async function openSocket(
  options: { echo?: boolean; address?: string; port?: number } = {},
): Promise<TestSocket> {
  const socket: Socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(options.port ?? 0, options.address ?? '127.0.0.1', () => {
      socket.off('error', reject)
      resolve()
    })
  })
  socket.on('error', () => {})
  const received: Received[] = []
  socket.on('message', (bytes, from) => {
    received.push({
      bytes: new Uint8Array(bytes),
      from: { address: from.address, port: from.port },
      at: performance.now(),
    })
    if (options.echo === true) socket.send(bytes, from.port, from.address)
  })
  let closed: Promise<void> | undefined
  return {
    address: { address: socket.address().address, port: socket.address().port },
    received,
    send: (to, bytes) => socket.send(bytes, to.port, to.address),
    close: () => {
      closed ??= new Promise((resolve) => socket.close(() => resolve()))
      return closed
    },
  }
}

/** Datagram `i` of a numbered stream: a 4-byte big-endian index followed by `padding` bytes of filler. */
export function numbered(i: number, padding = 28): Uint8Array {
  const bytes = new Uint8Array(4 + padding).fill(0xa5)
  new DataView(bytes.buffer).setUint32(0, i)
  return bytes
}

/** The index of a numbered datagram. */
export function indexOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0)
}

/** Number of bits in which two equally long arrays differ. */
export function bitDistance(a: Uint8Array, b: Uint8Array): number {
  let bits = 0
  for (let i = 0; i < a.length; i++) {
    let x = (a[i]! ^ b[i]!) & 0xff
    for (; x !== 0; x &= x - 1) bits++
  }
  return bits
}
