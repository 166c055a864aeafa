import { Client, MemoryClientRegistry, type PeerAddress, Server } from '@pavillion/core'
import { ManualRuntime, MemoryNetwork } from '@pavillion/core/testing'
import { loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import {
  RegistersClient,
  type RegistersClientOptions,
  RegistersServer,
  type RegistersServerOptions,
} from '../../src/index.ts'

/** A deterministic world: in-memory network, manual clock, real crypto. */
export class MemoryWorld {
  readonly net: MemoryNetwork
  readonly runtime = new ManualRuntime()
  readonly crypto: PavillionCrypto
  readonly psk: PresharedKey
  readonly clientId = new TextEncoder().encode('registers-test-1')
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto, seed: number) {
    this.crypto = crypto
    this.net = new MemoryNetwork({ seed })
    this.psk = crypto.generatePsk()
  }

  static async create(seed = 1): Promise<MemoryWorld> {
    return new MemoryWorld(await loadCrypto(), seed)
  }

  /** A core server at `address` with a registers layer. */
  server(
    address: PeerAddress,
    options: Partial<RegistersServerOptions> = {},
  ): { core: Server; registers: RegistersServer } {
    const core = new Server({
      transport: this.net.createTransport(address),
      runtime: this.runtime,
      crypto: this.crypto,
      clients: new MemoryClientRegistry().addPsk(this.clientId, this.psk),
    })
    this.#closables.push(core)
    return { core, registers: new RegistersServer(core, { runtime: this.runtime, ...options }) }
  }

  /** A core client towards `destination` with a registers layer. */
  client(
    destination: PeerAddress,
    options: Partial<RegistersClientOptions> = {},
  ): { core: Client; registers: RegistersClient } {
    const core = new Client({
      transport: this.net.createTransport(),
      runtime: this.runtime,
      crypto: this.crypto,
      destination,
      credentials: { type: 'psk', clientId: this.clientId, psk: this.psk },
    })
    this.#closables.push(core)
    return { core, registers: new RegistersClient(core, { runtime: this.runtime, ...options }) }
  }

  /** Lets `ms` of simulated time pass in `step` ms steps, delivering every datagram and settling promises. */
  async run(ms: number, step = 1): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await this.settle()
      this.runtime.advance(step)
      await this.settle()
    }
  }

  /** Delivers until quiet, letting promises run between rounds. */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      this.net.drain()
      await new Promise((resolve) => setImmediate(resolve))
      if (this.net.pending === 0) return
    }
  }

  /** Runs simulated time until `promise` settles (at most `ms`), then returns it. */
  async until<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
    let settled = false
    promise.then(
      () => {
        settled = true
      },
      () => {
        settled = true
      },
    )
    for (let elapsed = 0; elapsed < ms && !settled; elapsed += 5) await this.run(5)
    return promise
  }

  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }
}

export const SERVER = { address: '10.0.0.1', port: 1783 }
