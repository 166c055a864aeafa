import { Client, MemoryClientRegistry, Server, type ServerInfo } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { createUdpTransport, nodeRuntime } from '../src/index.ts'

const text = (value: string) => new TextEncoder().encode(value)
const closables: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(closables.splice(0).map((c) => c.close()))
})

async function setup(ecc: boolean, port = 0) {
  const crypto = await loadCrypto()
  const clientId = text('udp-test-client1')
  const psk = crypto.generatePsk()
  const serverKeys = crypto.generateKeyPair()
  const clientKeys = crypto.generateKeyPair()
  const clients = new MemoryClientRegistry()
    .addPsk(clientId, psk)
    .addPublicKey(clientId, clientKeys.publicKey)
  const startServer = async (bindPort: number) => {
    const transport = await createUdpTransport({
      bind: { address: '127.0.0.1', port: bindPort },
      separateSendSocket: true,
    })
    const server = new Server({ transport, runtime: nodeRuntime(), crypto, clients, keyPair: serverKeys })
    closables.push(server)
    return { server, port: transport.listenAddress().port }
  }
  const first = await startServer(port)
  const client = new Client({
    transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
    runtime: nodeRuntime(),
    crypto,
    destination: { address: '127.0.0.1', port: first.port },
    credentials: ecc
      ? { type: 'ecc', clientId, keyPair: clientKeys, serverPublicKey: serverKeys.publicKey }
      : { type: 'psk', clientId, psk },
  })
  closables.push(client)
  return { ...first, client, startServer }
}

describe.each([
  ['PSK', false],
  ['ECC', true],
])('%s over real UDP on loopback', (_, ecc) => {
  it('handshakes, delivers a reliable message once with its sender, and acknowledges it', async () => {
    const { server, client } = await setup(ecc)
    const received: string[] = []
    server.on('message', (e) => {
      if (e.message.type === 'reliable')
        received.push(`${new TextDecoder().decode(e.peer.clientId)}:${e.message.target}`)
    })
    await client.waitForServer({ timeout: 2000 })
    const report = await client.sendTracked(
      encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text('x') }),
    ).done
    expect(report.outcome).toBe('acknowledged')
    expect(received).toEqual(['udp-test-client1:T'])
  })

  it('reconnects by itself after the server is restarted with empty state on the same port', async () => {
    const { server, client, port, startServer } = await setup(ecc)
    await client.waitForServer({ timeout: 2000 })
    await server.close()
    const reborn = await startServer(port)
    const received: string[] = []
    reborn.server.on('message', (e) => received.push(e.message.type))
    const connected: ServerInfo[] = []
    client.on('server:connected', (e) => connected.push(e.server))
    const report = await client.sendTracked(
      encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text('again') }),
      {
        timeout: 5000,
      },
    ).done
    expect(report.outcome).toBe('acknowledged')
    expect(received).toEqual(['reliable'])
    expect(reborn.server.sessions()).toHaveLength(1)
  })
})
