import { type KeyPair, loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { Client, type ClientOptions } from '../../src/api/client.ts'
import { Server, type ServerOptions } from '../../src/api/server.ts'
import { MemoryClientRegistry } from '../../src/server/client-registry.ts'
import { ManualRuntime } from '../../src/testing/manual-runtime.ts'
import { MemoryNetwork } from '../../src/testing/memory-network.ts'
import type { PeerAddress } from '../../src/transport.ts'

/** A deterministic little world: an in-memory network, a manual clock, real crypto. */
export class World {
  readonly net: MemoryNetwork
  readonly runtime = new ManualRuntime()
  readonly crypto: PavillionCrypto
  readonly clientId = new TextEncoder().encode('test-client-0001')
  readonly psk: PresharedKey
  readonly serverKeys: KeyPair
  readonly clientKeys: KeyPair
  readonly closables: { close(): Promise<void> }[] = []

  private constructor(crypto: PavillionCrypto, seed: number) {
    this.crypto = crypto
    this.net = new MemoryNetwork({ seed })
    this.psk = crypto.generatePsk()
    this.serverKeys = crypto.generateKeyPair()
    this.clientKeys = crypto.generateKeyPair()
  }

  static async create(seed = 1): Promise<World> {
    return new World(await loadCrypto(), seed)
  }

  /** A registry that knows our test client both by PSK and by public key. */
  registry(): MemoryClientRegistry {
    return new MemoryClientRegistry()
      .addPsk(this.clientId, this.psk)
      .addPublicKey(this.clientId, this.clientKeys.publicKey)
  }

  server(
    address: PeerAddress,
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
      keyPair: this.serverKeys,
      ...rest,
    })
    this.closables.push(server)
    return server
  }

  client(
    destination: PeerAddress,
    options: Partial<Omit<ClientOptions, 'transport' | 'runtime' | 'crypto' | 'destination'>> & {
      ecc?: boolean
      address?: PeerAddress
    } = {},
  ): Client {
    const { ecc, address, ...rest } = options
    const client = new Client({
      transport: this.net.createTransport(address),
      runtime: this.runtime,
      crypto: this.crypto,
      destination,
      credentials: ecc
        ? {
            type: 'ecc',
            clientId: this.clientId,
            keyPair: this.clientKeys,
            serverPublicKey: this.serverKeys.publicKey,
          }
        : { type: 'psk', clientId: this.clientId, psk: this.psk },
      ...rest,
    })
    this.closables.push(client)
    return client
  }

  /** Lets `ms` of simulated time pass in 1 ms steps, delivering every datagram at each step. */
  async run(ms: number, step = 1): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      this.net.drain()
      await Promise.resolve()
      this.runtime.advance(step)
      this.net.drain()
      await Promise.resolve()
    }
  }

  /** Closes everything this world made. */
  async close(): Promise<void> {
    await Promise.all(this.closables.map((c) => c.close()))
  }
}

/** UTF-8 bytes of `value`. */
export const text = (value: string): Uint8Array => new TextEncoder().encode(value)
