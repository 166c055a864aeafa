import {
  type KeyPair,
  type PavillionCrypto,
  type PresharedKey,
  type RandomSource,
  seededRandom,
} from '@pavillion/crypto'
import { Client } from '../api/client.ts'
import { Server, type ServerOptions } from '../api/server.ts'
import { DEFAULT_MULTICAST_GROUP, DEFAULT_PORT } from '../constants.ts'
import type { MemoryClientRegistry } from '../server/client-registry.ts'
import type { PeerAddress } from '../transport.ts'
import { ManualRuntime } from './manual-runtime.ts'
import { MemoryNetwork } from './memory-network.ts'
import { type SimIdentity, type TestClientOptions, TestKeys } from './test-keys.ts'

/** Options of `SimWorld.create`. */
export interface SimWorldOptions {
  /** Seed of the network's impairments. Default 1. */
  readonly seed?: number
  /** The 16-character client IDs of the identities. Default one, `test-client-0001`. */
  readonly clientIds?: readonly string[]
  /**
   * Where the world's crypto draws every key, nonce, challenge and retry jitter from. Default
   * `seededRandom('sim-world')` from `@pavillion/crypto`: the engines' choices, and so which
   * datagrams the seeded network drops, are the same every run, and no test's verdict depends
   * on chance. Pass another seed to try other draws.
   */
  readonly random?: RandomSource
  /**
   * How `settle()` lets promise callbacks run between delivery rounds.
   * Default: a few microtask turns. Tests whose handlers wait on real I/O
   * pass a macrotask turn (e.g. `setImmediate`).
   */
  readonly yieldTurn?: () => Promise<void>
}

/** Options of `SimWorld.client`. */
export type SimClientOptions = TestClientOptions & {
  /** The client's own address (default: a fresh one). */
  readonly address?: PeerAddress
}

/** Options of `SimWorld.server`. */
export type SimServerOptions = Partial<Omit<ServerOptions, 'transport' | 'runtime' | 'crypto'>> & {
  /** A multicast group the server's transport joins. */
  readonly group?: string
}

/** Where a world's servers listen by default, and the group they join. */
export const SIM_SERVER: PeerAddress = { address: '127.0.0.1', port: DEFAULT_PORT }
export const SIM_GROUP: PeerAddress = { address: DEFAULT_MULTICAST_GROUP, port: DEFAULT_PORT }

const microtasks = async (): Promise<void> => {
  for (let i = 0; i < 8; i++) await Promise.resolve()
}

/**
 * The one simulated world of the repository's tests: an in-memory seeded
 * network, a manual clock, real crypto, client identities every server
 * knows, and the server key pair. Time passes only in `run(ms)` (or in
 * `until(promise)`); `settle()` delivers what is queued and lets promise
 * callbacks run. Everything it
 * made closes with `close()`.
 *
 * @example
 * ```ts
 * const world = await SimWorld.create()
 * const server = world.server()
 * const client = world.client(SIM_SERVER)
 * await world.run(20) // handshake done
 * await world.close()
 * ```
 */
export class SimWorld {
  readonly net: MemoryNetwork
  readonly runtime = new ManualRuntime()
  readonly crypto: PavillionCrypto
  readonly identities: readonly SimIdentity[]
  /** The key pair of every server the world makes (ECC clients trust it). */
  readonly serverKeys: KeyPair
  readonly #keys: TestKeys
  readonly #yieldTurn: () => Promise<void>
  readonly #closables: { close(): unknown }[] = []

  private constructor(keys: TestKeys, options: SimWorldOptions) {
    this.#keys = keys
    this.crypto = keys.crypto
    this.identities = keys.identities
    this.serverKeys = keys.serverKeys
    this.net = new MemoryNetwork({ seed: options.seed ?? 1 })
    this.#yieldTurn = options.yieldTurn ?? microtasks
  }

  /** A world with libsodium loaded. */
  static async create(options: SimWorldOptions = {}): Promise<SimWorld> {
    return new SimWorld(
      await TestKeys.create(options.clientIds, options.random ?? seededRandom('sim-world')),
      options,
    )
  }

  /** Identity 0's client ID, PSK and key pair. */
  get clientId(): Uint8Array {
    return this.identities[0]!.clientId
  }

  get psk(): PresharedKey {
    return this.identities[0]!.psk
  }

  get clientKeys(): KeyPair {
    return this.identities[0]!.keyPair
  }

  /** A registry that knows every identity both by PSK and by public key. */
  registry(): MemoryClientRegistry {
    return this.#keys.registry()
  }

  /** A server at `address` knowing every identity; with `group`, its transport joins that group. */
  server(address: PeerAddress = SIM_SERVER, options: SimServerOptions = {}): Server {
    const { group, ...rest } = options
    const transport = this.net.createTransport(address)
    if (group !== undefined) transport.joinGroup(group)
    return this.track(
      new Server({
        transport,
        runtime: this.runtime,
        crypto: this.crypto,
        clients: this.registry(),
        keyPair: this.serverKeys,
        ...rest,
      }),
    )
  }

  /** A client of identity `who` (default 0) sending to `destination`, by PSK or (with `ecc`) by key pair. */
  client(destination: PeerAddress = SIM_SERVER, options: SimClientOptions = {}): Client {
    const { who = 0, ecc, address, ...rest } = options
    return this.track(
      new Client({
        transport: this.net.createTransport(address),
        runtime: this.runtime,
        crypto: this.crypto,
        destination,
        credentials: this.#keys.credentials(who, ecc),
        ...rest,
      }),
    )
  }

  /** Closes `closable` with the world (last made, first closed). */
  track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** Lets `ms` of simulated time pass in `step` ms steps, settling before and after each. */
  async run(ms: number, step = 1): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      await this.settle()
      this.runtime.advance(step)
      await this.settle()
    }
  }

  /** Delivers every queued datagram and lets promise callbacks run, until the network is quiet (bounded rounds). */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      this.net.drain()
      await this.#yieldTurn()
      if (this.net.pending === 0) return
    }
  }

  /**
   * Lets simulated time pass in 5 ms runs until `promise` settles (or `ms`
   * have passed), then returns it: the way to await an operation whose
   * answer needs the clock to move (retransmissions, timeouts).
   */
  async until<T>(promise: Promise<T>, ms = 10_000): Promise<T> {
    let settled = false
    const done = (): void => {
      settled = true
    }
    promise.then(done, done)
    for (let elapsed = 0; elapsed < ms && !settled; elapsed += 5) await this.run(5)
    return promise
  }

  /** Closes everything this world made, last made first. */
  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
