import { createSocket, type Socket } from 'node:dgram'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEFAULT_MULTICAST_GROUP } from '@pavillion/core'

/** The group the multicast tests use (PROTOCOL.md §2.2); joined and sent to through 127.0.0.1 only. */
export const GROUP = DEFAULT_MULTICAST_GROUP

/**
 * Resolves with the first value `check` returns (not undefined), polling every
 * `every` ms (default 20); throws after `ms` (a generous default), naming `what`.
 */
export async function eventually<T>(
  check: () => T | undefined,
  ms = 10_000,
  what = 'condition',
  every = 20,
): Promise<T> {
  const until = performance.now() + ms
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (performance.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(every)
  }
}

/** Resolves once `done()` holds, checking every 2 ms for at most `ms` (a generous default); returns whether it held. */
export async function waitUntil(done: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = performance.now() + ms
  while (!done() && performance.now() < deadline) await sleep(2)
  return done()
}

/** True when a UDP socket can be bound to `address`. */
export async function canBind(address: string): Promise<boolean> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4')
  try {
    await bound(socket, address, 0)
    return true
  } catch {
    return false
  } finally {
    socket.close()
  }
}

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

/**
 * Whether group datagrams sent through the loopback interface reach a member
 * on this host: one datagram to `group` (default GROUP) from 127.0.0.1,
 * waited for at most 2 s (a busy machine is slow, not broken). Returns the
 * reason when they do not (tests skip with it).
 */
export async function loopbackMulticastProblem(group: string = GROUP): Promise<string | undefined> {
  const receiver = createSocket({ type: 'udp4', reuseAddr: true })
  const sender = createSocket('udp4')
  let received = false
  receiver.on('message', () => {
    received = true
  })
  try {
    await bound(receiver, '0.0.0.0', 0)
    await bound(sender, '127.0.0.1', 0)
    receiver.addMembership(group, '127.0.0.1')
    sender.setMulticastInterface('127.0.0.1')
    sender.send(Uint8Array.of(1), receiver.address().port, group)
    return (await waitUntil(() => received, 2000))
      ? undefined
      : 'a group datagram sent on the loopback interface did not arrive (no multicast route on lo?)'
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
      socket.on('error', () => {})
      resolve()
    })
  })
}
