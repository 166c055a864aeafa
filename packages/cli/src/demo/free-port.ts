import { createSocket } from 'node:dgram'

/** A UDP port that was free on every IPv4 interface a moment ago (for a group port several servers share). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '0.0.0.0', resolve)
    })
    return socket.address().port
  } finally {
    socket.close()
  }
}
