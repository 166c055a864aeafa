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

/** A deterministic world: in-memory network, manual clock, real crypto. */
export class MemoryWorld {
  readonly net: MemoryNetwork
  readonly runtime = new ManualRuntime()
  readonly crypto: PavillionCrypto
  readonly psk: PresharedKey
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto, seed: number) {
    this.crypto = crypto
    this.net = new MemoryNetwork({ seed })
    this.psk = crypto.generatePsk()
  }

  static async create(seed = 1): Promise<MemoryWorld> {
    return new MemoryWorld(await loadCrypto(), seed)
  }

  /** A registry knowing every client ID given. */
  registry(...clientIds: Uint8Array[]): MemoryClientRegistry {
    const registry = new MemoryClientRegistry()
    for (const id of clientIds) registry.addPsk(id, this.psk)
    return registry
  }

  server(
    address: PeerAddress,
    options: Partial<Omit<ServerOptions, 'transport' | 'runtime' | 'crypto'>> = {},
  ): Server {
    const server = new Server({
      transport: this.net.createTransport(address),
      runtime: this.runtime,
      crypto: this.crypto,
      clients: this.registry(clientId(1)),
      ...options,
    })
    this.#closables.push(server)
    return server
  }

  client(
    destination: PeerAddress,
    options: { id?: Uint8Array } & Partial<
      Omit<ClientOptions, 'transport' | 'runtime' | 'crypto' | 'destination'>
    > = {},
  ): Client {
    const { id, ...rest } = options
    const client = new Client({
      transport: this.net.createTransport(),
      runtime: this.runtime,
      crypto: this.crypto,
      destination,
      credentials: { type: 'psk', clientId: id ?? clientId(1), psk: this.psk },
      ...rest,
    })
    this.#closables.push(client)
    return client
  }

  /** Lets `ms` of simulated time pass in `step` ms steps, delivering every datagram and settling promises at each. */
  async run(ms: number, step = 1): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await this.settle()
      this.runtime.advance(step)
      await this.settle()
    }
  }

  /** Delivers until quiet, letting handlers' promises run between rounds. */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      this.net.drain()
      await new Promise((resolve) => setImmediate(resolve))
      if (this.net.pending === 0) return
    }
  }

  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }
}

/** A 16-byte client ID `rpc-client-0000n`. */
export function clientId(n: number): Uint8Array {
  return new TextEncoder().encode(`rpc-client-${String(n).padStart(5, '0')}`)
}
