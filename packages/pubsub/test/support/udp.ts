import { setTimeout as sleep } from 'node:timers/promises'
import { Client, MemoryClientRegistry, type PeerAddress, Server, type ServerOptions } from '@pavillion/core'
import { loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { freePort, GROUP, waitUntil } from '@pavillion/transport-node/testing'

export { freePort, waitUntil }

/** Every datagram stays on the loopback interface; the group is joined and sent to through it. */
export const LOOPBACK = '127.0.0.1'

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

/** Real UDP endpoints on 127.0.0.1 sharing one crypto and two registered client identities; closes them all. */
export class UdpWorld {
  readonly crypto: PavillionCrypto
  readonly identities: readonly { clientId: Uint8Array; psk: PresharedKey }[]
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto) {
    this.crypto = crypto
    this.identities = ['A', 'B'].map((letter) => ({
      clientId: new TextEncoder().encode(`udp-pubsub-cli-${letter}`),
      psk: crypto.generatePsk(),
    }))
  }

  static async create(): Promise<UdpWorld> {
    return new UdpWorld(await loadCrypto())
  }

  #track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** A unicast server on 127.0.0.1; returns it and the address clients send to. */
  async server(
    options: Partial<Pick<ServerOptions, 'status'>> = {},
  ): Promise<{ server: Server; address: PeerAddress }> {
    const transport = await createUdpTransport({
      bind: { address: LOOPBACK, port: 0 },
      separateSendSocket: true,
    })
    const server = this.#track(new Server({ ...this.#serverBase(), transport, ...options }))
    return { server, address: transport.listenAddress() }
  }

  /** A server that listens to `GROUP:port` and announces itself to `GROUP:announcePort`. */
  async groupServer(port: number, announcePort: number): Promise<Server> {
    const transport = await createUdpTransport({
      bind: { address: '0.0.0.0', port },
      reuseAddress: true,
      multicast: { group: GROUP, interface: LOOPBACK },
      separateSendSocket: true,
    })
    return this.#track(
      new Server({ ...this.#serverBase(), transport, announce: { address: GROUP, port: announcePort } }),
    )
  }

  /** A client of identity `who` sending to `destination` (a group when `announcePort` is given). */
  async client(
    destination: PeerAddress,
    who = 0,
    options: { psk?: PresharedKey; announcePort?: number } = {},
  ): Promise<Client> {
    const identity = this.identities[who]!
    const transport = await createUdpTransport({
      bind: { address: LOOPBACK },
      ...(options.announcePort === undefined
        ? {}
        : {
            multicast: { interface: LOOPBACK },
            announce: { group: GROUP, port: options.announcePort, interface: LOOPBACK },
          }),
    })
    return this.#track(
      new Client({
        crypto: this.crypto,
        runtime: nodeRuntime(),
        transport,
        destination,
        credentials: { type: 'psk', clientId: identity.clientId, psk: options.psk ?? identity.psk },
      }),
    )
  }

  async close(): Promise<void> {
    await Promise.all(this.#closables.splice(0).map((closable) => closable.close()))
  }

  #serverBase() {
    const clients = new MemoryClientRegistry()
    for (const { clientId, psk } of this.identities) clients.addPsk(clientId, psk)
    return { crypto: this.crypto, runtime: nodeRuntime(), clients }
  }
}
