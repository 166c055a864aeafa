import { Client, MemoryClientRegistry, type PeerAddress, Server } from '@pavillion/core'
import { type KeyPair, loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { RegistersClient, RegistersServer } from '../../src/index.ts'

/** Real UDP endpoints on 127.0.0.1 (and loopback multicast) with registers layers, all closed by `close()`. */
export class UdpHarness {
  readonly crypto: PavillionCrypto
  readonly pskId = new TextEncoder().encode('registers-psk-01')
  readonly eccId = new TextEncoder().encode('registers-ecc-01')
  readonly psk: PresharedKey
  readonly serverKeys: KeyPair
  readonly clientKeys: KeyPair
  readonly #closables: { close(): unknown }[] = []

  private constructor(crypto: PavillionCrypto) {
    this.crypto = crypto
    this.psk = crypto.generatePsk()
    this.serverKeys = crypto.generateKeyPair()
    this.clientKeys = crypto.generateKeyPair()
  }

  static async create(): Promise<UdpHarness> {
    return new UdpHarness(await loadCrypto())
  }

  track<T extends { close(): unknown }>(closable: T): T {
    this.#closables.push(closable)
    return closable
  }

  /** A server on 127.0.0.1 (or in a loopback multicast group) knowing the PSK and the ECC client. */
  async server(group?: {
    address: string
    port: number
  }): Promise<{ core: Server; registers: RegistersServer; port: number }> {
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
    const runtime = nodeRuntime()
    const clients = new MemoryClientRegistry()
      .addPsk(this.pskId, this.psk)
      .addPublicKey(this.eccId, this.clientKeys.publicKey)
    const core = this.track(
      new Server({ transport, runtime, crypto: this.crypto, clients, keyPair: this.serverKeys }),
    )
    const registers = this.track(new RegistersServer(core, { runtime }))
    return { core, registers, port: transport.listenAddress().port }
  }

  /** A PSK or ECC client sending to `destination` (unicast or a group, through the loopback interface). */
  async client(
    destination: PeerAddress,
    suite: 'psk' | 'ecc' = 'psk',
  ): Promise<{ core: Client; registers: RegistersClient }> {
    const multicast = destination.address.startsWith('239.')
    const transport = await createUdpTransport({
      bind: { address: '127.0.0.1' },
      ...(multicast ? { multicast: { interface: '127.0.0.1' } } : {}),
    })
    const runtime = nodeRuntime()
    const core = this.track(
      new Client({
        transport,
        runtime,
        crypto: this.crypto,
        destination,
        credentials:
          suite === 'psk'
            ? { type: 'psk', clientId: this.pskId, psk: this.psk }
            : {
                type: 'ecc',
                clientId: this.eccId,
                keyPair: this.clientKeys,
                serverPublicKey: this.serverKeys.publicKey,
              },
      }),
    )
    return { core, registers: this.track(new RegistersClient(core, { runtime, retryInterval: 100 })) }
  }

  async close(): Promise<void> {
    for (const closable of this.#closables.splice(0).reverse()) await closable.close()
  }
}
