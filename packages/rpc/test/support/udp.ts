import { Client, MemoryClientRegistry, type PeerAddress, Server, type ServerOptions } from '@pavillion/core'
import { type KeyPair, loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'

/** Real UDP endpoints on 127.0.0.1 (and loopback multicast), all closed by `close()`. */
export class UdpHarness {
  readonly crypto: PavillionCrypto
  readonly clientId = new TextEncoder().encode('rpc-test-client1')
  readonly psk: PresharedKey
  readonly serverKeys: KeyPair
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto) {
    this.crypto = crypto
    this.psk = crypto.generatePsk()
    this.serverKeys = crypto.generateKeyPair()
  }

  static async create(): Promise<UdpHarness> {
    return new UdpHarness(await loadCrypto())
  }

  /** Registers anything with a close() to be closed after the test. */
  track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** A server on 127.0.0.1 (or in a loopback multicast group); `port` is where clients send. */
  async server(
    options: { group?: { address: string; port: number } } & Partial<
      Omit<ServerOptions, 'transport' | 'runtime' | 'crypto'>
    > = {},
  ): Promise<{ server: Server; port: number }> {
    const { group, ...rest } = options
    const transport = await createUdpTransport(
      group === undefined
        ? { bind: { address: '127.0.0.1', port: 0 }, separateSendSocket: true }
        : {
            bind: { address: '0.0.0.0', port: group.port },
            reuseAddress: true,
            separateSendSocket: true,
            multicast: { group: group.address, interface: '127.0.0.1' },
          },
    )
    const server = new Server({
      transport,
      runtime: nodeRuntime(),
      crypto: this.crypto,
      clients: new MemoryClientRegistry().addPsk(this.clientId, this.psk),
      keyPair: this.serverKeys,
      ...rest,
    })
    this.track(server)
    return { server, port: transport.listenAddress().port }
  }

  /** A PSK client sending to `destination` (unicast or a group, through the loopback interface). */
  async client(destination: PeerAddress): Promise<Client> {
    const multicast = destination.address.startsWith('239.')
    const transport = await createUdpTransport({
      bind: { address: '127.0.0.1' },
      ...(multicast ? { multicast: { interface: '127.0.0.1' } } : {}),
    })
    return this.track(
      new Client({
        transport,
        runtime: nodeRuntime(),
        crypto: this.crypto,
        destination,
        credentials: { type: 'psk', clientId: this.clientId, psk: this.psk },
      }),
    )
  }

  /** Closes everything, newest first. */
  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }
}

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
/** A string from UTF-8 bytes. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data)
