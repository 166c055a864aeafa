import { Client, MemoryClientRegistry, Server, type ServerLimits } from '@pavillion/core'
import { type KeyPair, loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'

/** Keys shared by every benchmark peer. */
export interface Keys {
  readonly crypto: PavillionCrypto
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
  readonly serverKeys: KeyPair
  readonly clientKeys: KeyPair
}

/** Makes one set of keys for a run. */
export async function makeKeys(): Promise<Keys> {
  const crypto = await loadCrypto()
  return {
    crypto,
    clientId: new TextEncoder().encode('bench-client-001'),
    psk: crypto.generatePsk(),
    serverKeys: crypto.generateKeyPair(),
    clientKeys: crypto.generateKeyPair(),
  }
}

/** A server on 127.0.0.1 (ephemeral port) that knows the bench client by PSK and by key; `limits` overrides the engine defaults. */
export async function startServer(
  keys: Keys,
  limits?: Partial<ServerLimits>,
): Promise<{ server: Server; port: number }> {
  const transport = await createUdpTransport({
    bind: { address: '127.0.0.1', port: 0 },
    separateSendSocket: true,
  })
  const server = new Server({
    transport,
    runtime: nodeRuntime(),
    crypto: keys.crypto,
    keyPair: keys.serverKeys,
    clients: new MemoryClientRegistry()
      .addPsk(keys.clientId, keys.psk)
      .addPublicKey(keys.clientId, keys.clientKeys.publicKey),
    ...(limits && { limits }),
  })
  return { server, port: transport.listenAddress().port }
}

/** A client of the server at `port` (PSK or ECC); not yet connected. */
export async function startClient(keys: Keys, port: number, ecc = false): Promise<Client> {
  return new Client({
    transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
    runtime: nodeRuntime(),
    crypto: keys.crypto,
    destination: { address: '127.0.0.1', port },
    credentials: ecc
      ? {
          type: 'ecc',
          clientId: keys.clientId,
          keyPair: keys.clientKeys,
          serverPublicKey: keys.serverKeys.publicKey,
        }
      : { type: 'psk', clientId: keys.clientId, psk: keys.psk },
  })
}
