import { setTimeout as sleep } from 'node:timers/promises'
import type { Client, PeerAddress, Server, ServerOptions } from '@pavillion/core'
import type { PresharedKey } from '@pavillion/crypto'
import { freePort, GROUP, LoopbackWorld, waitUntil } from '@pavillion/transport-node/testing'

export { freePort, GROUP, waitUntil }

/**
 * Waits until no endpoint completed a handshake for `ms` (at most `limit` ms).
 * A server announces itself three times in its first 28 ms and every
 * connected client answers each announcement with a re-handshake; a reliable
 * server publish in flight across such a re-handshake cannot be delivered (a
 * core gap, see the README), so the scenarios start publishing once the
 * handshakes have settled.
 */
export async function handshakesSettled(
  endpoints: readonly { stats(): { handshakes: number } }[],
  ms = 100,
  limit = 5000,
): Promise<void> {
  const count = () => endpoints.reduce((sum, endpoint) => sum + endpoint.stats().handshakes, 0)
  const deadline = performance.now() + limit
  let last = count()
  let since = performance.now()
  while (performance.now() - since < ms && performance.now() < deadline) {
    await sleep(5)
    const now = count()
    if (now !== last) {
      last = now
      since = performance.now()
    }
  }
}

/** Real UDP endpoints on loopback (the shared `LoopbackWorld`), as pub/sub's tests use them. */
export type UdpWorld = LoopbackWorld

/** The loopback world with two client identities, A (0) and B (1). */
export function createUdpWorld(): Promise<UdpWorld> {
  return LoopbackWorld.create(['udp-pubsub-cli-A', 'udp-pubsub-cli-B'])
}

/** A unicast server on 127.0.0.1; returns it and the address clients send to. */
export async function unicastServer(
  world: UdpWorld,
  options: Partial<Pick<ServerOptions, 'status'>> = {},
): Promise<{ server: Server; address: PeerAddress }> {
  const { server, port } = await world.server(options)
  return { server, address: { address: '127.0.0.1', port } }
}

/** A server that listens to `GROUP:port` and announces itself to `GROUP:announcePort`. */
export async function groupServer(world: UdpWorld, port: number, announcePort: number): Promise<Server> {
  const { server } = await world.server({
    group: { address: GROUP, port },
    announce: { address: GROUP, port: announcePort },
  })
  return server
}

/** A PSK client of identity `who` sending to `destination` (a group when `announcePort` is given); `psk` overrides its key. */
export function pskClient(
  world: UdpWorld,
  destination: PeerAddress,
  who = 0,
  options: { psk?: PresharedKey; announcePort?: number } = {},
): Promise<Client> {
  const { clientId, psk } = world.keys.identities[who]!
  return world.client(destination, {
    credentials: { type: 'psk', clientId, psk: options.psk ?? psk },
    ...(options.announcePort === undefined ? {} : { announcePort: options.announcePort }),
  })
}
