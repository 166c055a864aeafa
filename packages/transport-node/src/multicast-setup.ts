import type { Socket } from 'node:dgram'
import { OfflineRetry } from './offline-retry.ts'
import type { AnnounceOptions, MulticastOptions } from './udp-transport-options.ts'

/** The group-related state of a transport's sockets. */
export interface MulticastSetup {
  /** Whether group datagrams can leave: no interface configured, configured but absent so far, or set. */
  readonly sendInterface: 'none' | 'pending' | 'ready'
  /** Stops pending join retries. */
  cancel(): void
}

/** The sockets multicast settings apply to. */
export interface MulticastSockets {
  readonly listen: Socket
  readonly send: Socket
  readonly announce: Socket | undefined
}

/**
 * Applies the multicast and announce options: interface, TTL and loopback on
 * the sending socket, the group join on the listening socket, the announce
 * group join on the announce socket. Steps that need an absent interface are
 * retried (see `OfflineRetry`).
 *
 * @throws the first non-transient error (e.g. EINVAL).
 */
export function setUpMulticast(
  sockets: MulticastSockets,
  multicast: MulticastOptions | undefined,
  announce: AnnounceOptions | undefined,
  report: (error: Error) => void,
): MulticastSetup {
  const retries: OfflineRetry[] = []
  try {
    if (multicast !== undefined) {
      const { group, interface: via, ttl, loopback = true } = multicast
      sockets.send.setMulticastLoopback(loopback)
      if (ttl !== undefined) sockets.send.setMulticastTTL(ttl)
      retries.push(new OfflineRetry(() => sockets.send.setMulticastInterface(via), report))
      if (group !== undefined)
        retries.push(new OfflineRetry(() => sockets.listen.addMembership(group, via), report))
    }
    if (announce !== undefined && sockets.announce !== undefined) {
      const { announce: socket } = sockets
      retries.push(new OfflineRetry(() => socket.addMembership(announce.group, announce.interface), report))
    }
  } catch (error) {
    for (const retry of retries) retry.cancel()
    throw error
  }
  const interfaceRetry = multicast === undefined ? undefined : retries[0]
  return {
    get sendInterface() {
      if (interfaceRetry === undefined) return 'none'
      return interfaceRetry.done ? 'ready' : 'pending'
    },
    cancel() {
      for (const retry of retries) retry.cancel()
    },
  }
}
