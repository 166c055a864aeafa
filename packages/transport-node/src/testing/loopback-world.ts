import { Client, isMulticast, type PeerAddress, Server, type ServerOptions } from '@pavillion/core'
import { type TestClientOptions, TestKeys } from '@pavillion/core/testing'
import { createUdpTransport } from '../create-udp-transport.ts'
import { nodeRuntime } from '../node-runtime.ts'
import type { UdpTransport } from '../udp-transport.ts'

/**
 * A server's transport on loopback: on 127.0.0.1 at `port` (default 0, a
 * free one), or with `group` on every interface at `port`, address reuse on,
 * joined to the group through the loopback interface.
 */
export function loopbackServerTransport(
  listen: { group?: string; port?: number } = {},
): Promise<UdpTransport> {
  const { group, port = 0 } = listen
  return createUdpTransport(
    group === undefined
      ? { bind: { address: '127.0.0.1', port }, separateSendSocket: true }
      : {
          bind: { address: '0.0.0.0', port },
          reuseAddress: true,
          separateSendSocket: true,
          multicast: { group, interface: '127.0.0.1' },
        },
  )
}

/**
 * A client's transport on 127.0.0.1 sending to `destination`, a group
 * through the loopback interface; with `announcePort`, it also reads server
 * announcements to that group at that port.
 */
export function loopbackClientTransport(
  destination: PeerAddress,
  announcePort?: number,
): Promise<UdpTransport> {
  return createUdpTransport({
    bind: { address: '127.0.0.1' },
    ...(isMulticast(destination) ? { multicast: { interface: '127.0.0.1' } } : {}),
    ...(announcePort === undefined
      ? {}
      : { announce: { group: destination.address, port: announcePort, interface: '127.0.0.1' } }),
  })
}

/** Options of `LoopbackWorld.server`. */
export type LoopbackServerOptions = Partial<Omit<ServerOptions, 'transport' | 'runtime' | 'crypto'>> & {
  /** A multicast group (and port) to join through the loopback interface, instead of a free port on 127.0.0.1. */
  readonly group?: PeerAddress
}

/** Options of `LoopbackWorld.client`. */
export type LoopbackClientOptions = TestClientOptions & {
  /** Also listen for server announcements to `destination`'s group at this port (a group destination only). */
  readonly announcePort?: number
}

/**
 * `SimWorld`'s counterpart over real UDP: servers and clients on 127.0.0.1
 * (a group is joined and sent to through the loopback interface only), on the
 * Node runtime, sharing one `TestKeys`. Everything it made closes with
 * `close()`, newest first.
 *
 * @example
 * ```ts
 * const world = await LoopbackWorld.create()
 * const { server, port } = await world.server()
 * const client = await world.client({ address: '127.0.0.1', port })
 * await client.waitForServer()
 * await world.close()
 * ```
 */
export class LoopbackWorld {
  readonly keys: TestKeys
  readonly runtime = nodeRuntime()
  readonly #closables: { close(): unknown }[] = []

  private constructor(keys: TestKeys) {
    this.keys = keys
  }

  /** A world whose identities have the given 16-character client IDs (default one, `test-client-0001`). */
  static async create(clientIds?: readonly string[]): Promise<LoopbackWorld> {
    return new LoopbackWorld(await TestKeys.create(clientIds))
  }

  /** Closes `closable` with the world (last made, first closed). */
  track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** A server knowing every identity, on a free port of 127.0.0.1 or in `group`; `port` is where clients send. */
  async server(options: LoopbackServerOptions = {}): Promise<{ server: Server; port: number }> {
    const { group, ...rest } = options
    const transport = await loopbackServerTransport(
      group === undefined ? {} : { group: group.address, port: group.port },
    )
    const server = this.track(
      new Server({
        transport,
        runtime: this.runtime,
        crypto: this.keys.crypto,
        clients: this.keys.registry(),
        keyPair: this.keys.serverKeys,
        ...rest,
      }),
    )
    return { server, port: transport.listenAddress().port }
  }

  /** A client of identity `who` on 127.0.0.1 sending to `destination` (a group through the loopback interface). */
  async client(destination: PeerAddress, options: LoopbackClientOptions = {}): Promise<Client> {
    const { who = 0, ecc, announcePort, ...rest } = options
    const transport = await loopbackClientTransport(destination, announcePort)
    return this.track(
      new Client({
        transport,
        runtime: this.runtime,
        crypto: this.keys.crypto,
        destination,
        credentials: this.keys.credentials(who, ecc),
        ...rest,
      }),
    )
  }

  /** Closes everything this world made, newest first. */
  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
