import {
  Client,
  type ClientOptions,
  MemoryClientRegistry,
  type PeerAddress,
  Server,
  type ServerOptions,
} from '@pavillion/core'
import { ManualRuntime, MemoryNetwork } from '@pavillion/core/testing'
import { loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'

/** Where the in-memory servers listen, and the group they join. */
export const PORT = 1783
export const SERVER = { address: '127.0.0.1', port: PORT }
export const GROUP = { address: '239.255.28.12', port: PORT }

/** A client identity the registry of every server of a world knows. */
export interface Identity {
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
}

/** A deterministic world: an in-memory network, a manual clock, real crypto, clients A–D known to every server. */
export class World {
  readonly net: MemoryNetwork
  readonly runtime = new ManualRuntime()
  readonly crypto: PavillionCrypto
  readonly identities: readonly Identity[]
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto, seed: number) {
    this.crypto = crypto
    this.net = new MemoryNetwork({ seed })
    this.identities = ['A', 'B', 'C', 'D'].map((letter) => ({
      clientId: text(`pubsub-client-${letter}0`),
      psk: crypto.generatePsk(),
    }))
  }

  static async create(seed = 1): Promise<World> {
    return new World(await loadCrypto(), seed)
  }

  registry(): MemoryClientRegistry {
    const registry = new MemoryClientRegistry()
    for (const { clientId, psk } of this.identities) registry.addPsk(clientId, psk)
    return registry
  }

  /** A server at `address`; with `group`, it also joins that multicast group. */
  server(
    address: PeerAddress = SERVER,
    options: Partial<Omit<ServerOptions, 'transport' | 'runtime' | 'crypto'>> & { group?: string } = {},
  ): Server {
    const { group, ...rest } = options
    const transport = this.net.createTransport(address)
    if (group !== undefined) transport.joinGroup(group)
    const server = new Server({
      transport,
      runtime: this.runtime,
      crypto: this.crypto,
      clients: this.registry(),
      ...rest,
    })
    this.track(server)
    return server
  }

  /** A client of identity `who` (0 = A) sending to `destination`. */
  client(
    destination: PeerAddress = SERVER,
    who = 0,
    options: Partial<Omit<ClientOptions, 'transport' | 'runtime' | 'crypto' | 'destination'>> = {},
  ): Client {
    const identity = this.identities[who]!
    const client = new Client({
      transport: this.net.createTransport(),
      runtime: this.runtime,
      crypto: this.crypto,
      destination,
      credentials: { type: 'psk', clientId: identity.clientId, psk: identity.psk },
      ...options,
    })
    this.track(client)
    return client
  }

  /** Closes `closable` with the world. */
  track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** Lets `ms` of simulated time pass in `step` ms steps, delivering every datagram and settling promises at each. */
  async run(ms: number, step = 1): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await this.settle()
      this.runtime.advance(step)
      await this.settle()
    }
  }

  /** Delivers every queued datagram and lets promise callbacks run. */
  async settle(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      this.net.drain()
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (this.net.pending === 0) return
    }
  }

  /** Closes everything this world made (pub/sub objects first). */
  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }
}

/** UTF-8 bytes of `value`. */
export const text = (value: string): Uint8Array => new TextEncoder().encode(value)

/** `bytes` as UTF-8 text. */
export const str = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
