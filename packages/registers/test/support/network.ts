import { createSocket, type Socket } from 'node:dgram'
import { setTimeout as sleep } from 'node:timers/promises'

/** The group multicast tests use. */
export const GROUP = '239.255.28.12'

/** A UDP port that was free on every IPv4 interface a moment ago. */
export async function freePort(): Promise<number> {
  const socket = createSocket('udp4')
  try {
    await bound(socket, '0.0.0.0', 0)
    return socket.address().port
  } finally {
    socket.close()
  }
}

/** Why group datagrams sent through the loopback interface do not arrive here, or undefined when they do. */
export async function loopbackMulticastProblem(): Promise<string | undefined> {
  const receiver = createSocket({ type: 'udp4', reuseAddr: true })
  const sender = createSocket('udp4')
  let received = false
  receiver.on('message', () => {
    received = true
  })
  try {
    await bound(receiver, '0.0.0.0', 0)
    await bound(sender, '127.0.0.1', 0)
    receiver.addMembership(GROUP, '127.0.0.1')
    sender.setMulticastInterface('127.0.0.1')
    sender.send(Uint8Array.of(1), receiver.address().port, GROUP)
    for (let waited = 0; !received && waited < 500; waited += 5) await sleep(5)
    return received ? undefined : 'a group datagram on the loopback interface did not arrive'
  } catch (error) {
    return `multicast on the loopback interface failed: ${(error as Error).message}`
  } finally {
    receiver.close()
    sender.close()
  }
}

function bound(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, address, () => {
      socket.off('error', reject)
      resolve()
    })
  })
}
