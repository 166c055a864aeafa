import { Client, MemoryClientRegistry, Server, type ServerInfo } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { decodeAppPayload, encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { createUdpTransport, nodeRuntime } from '../src/index.ts'
import { freePort, GROUP } from '../src/testing/index.ts'

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
      const message = decodeAppPayload(e.opcode, e.payload)
      if (message.type === 'reliable')
        received.push(`${new TextDecoder().decode(e.sender.clientId)}:${message.target}`)
    })
    await client.waitForServer({ timeout: 20_000 })
    const report = await client.sendTracked(
      encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text('x') }),
    ).done
    expect(report.outcome).toBe('acknowledged')
    expect(received).toEqual(['udp-test-client1:T'])
  })

  it('reconnects by itself after the server is restarted with empty state on the same port', async () => {
    const { server, client, port, startServer } = await setup(ecc)
    await client.waitForServer({ timeout: 20_000 })
    await server.close()
    const reborn = await startServer(port)
    const received: string[] = []
    reborn.server.on('message', (e) => received.push(decodeAppPayload(e.opcode, e.payload).type))
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

describe('more key scenarios over real UDP', () => {
  it('a server that crashed (no quit) and restarted on its port replaces the dead one at once', async () => {
    const { server, client, port, startServer } = await setup(false)
    const dead = await client.waitForServer({ timeout: 20_000 })
    const gone: string[] = []
    client.on('server:disconnected', (e) => gone.push(e.reason))
    // A crash: the sockets close without the server saying quit.
    await (server as unknown as { driver: { stop(): Promise<void> } }).driver.stop()
    const reborn = await startServer(port)
    const report = await client.sendTracked(
      encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text('x') }),
      {
        timeout: 5000,
      },
    ).done
    expect(report.outcome).toBe('acknowledged')
    // Honest report: the new process acknowledged; the dead one (its old port) never did.
    expect(report.acked.map((s) => s.key)).not.toContain(dead.key)
    expect(report.missing.map((s) => s.key)).toEqual([dead.key])
    expect(gone).toEqual(['replaced'])
    expect(reborn.server.sessions()).toHaveLength(1)
  })

  it('two servers behind one multicast group (interface 127.0.0.1) both establish sessions with one client and acknowledge one message', async () => {
    const crypto = await loadCrypto()
    const clientId = text('udp-multicast-01')
    const psk = crypto.generatePsk()
    const clients = new MemoryClientRegistry().addPsk(clientId, psk)
    const port = await freePort() // not a random one: two runs side by side must not share a group port
    const servers = await Promise.all(
      [0, 1].map(async () => {
        const transport = await createUdpTransport({
          bind: { address: '0.0.0.0', port },
          reuseAddress: true,
          separateSendSocket: true,
          multicast: { group: GROUP, interface: '127.0.0.1' },
        })
        const server = new Server({ transport, runtime: nodeRuntime(), crypto, clients })
        closables.push(server)
        return server
      }),
    )
    const client = new Client({
      transport: await createUdpTransport({
        bind: { address: '127.0.0.1' },
        multicast: { interface: '127.0.0.1' },
      }),
      runtime: nodeRuntime(),
      crypto,
      destination: { address: GROUP, port },
      credentials: { type: 'psk', clientId, psk },
    })
    closables.push(client)
    const received = [0, 0]
    for (const [i, server] of servers.entries()) server.on('message', () => received[i]!++)
    await client.waitForServer({ timeout: 20_000 })
    for (let i = 0; i < 200 && client.servers().length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    expect(client.servers()).toHaveLength(2)
    const report = await client.sendTracked(
      encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text('both') }),
    ).done
    expect(report.outcome).toBe('acknowledged')
    expect(report.acked).toHaveLength(2)
    expect(received).toEqual([1, 1])
  })

  it('an ECC guest connects when the server allows guests and is known by H0(public key)', async () => {
    const crypto = await loadCrypto()
    const serverKeys = crypto.generateKeyPair()
    const guestKeys = crypto.generateKeyPair()
    const transport = await createUdpTransport({
      bind: { address: '127.0.0.1', port: 0 },
      separateSendSocket: true,
    })
    const server = new Server({
      transport,
      runtime: nodeRuntime(),
      crypto,
      clients: new MemoryClientRegistry(),
      keyPair: serverKeys,
      allowGuests: true,
    })
    closables.push(server)
    const client = new Client({
      transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
      runtime: nodeRuntime(),
      crypto,
      destination: transport.listenAddress(),
      credentials: { type: 'ecc', keyPair: guestKeys, serverPublicKey: serverKeys.publicKey },
    })
    closables.push(client)
    await client.waitForServer({ timeout: 20_000 })
    const [session] = server.sessions()
    expect(session?.guest).toBe(true)
    expect(session?.identity).toEqual(crypto.guestId(guestKeys.publicKey))
  })

  it('a client with an unknown ID is refused, hears opcode 6 once, and opens no session', async () => {
    const { server, port } = await setup(false)
    const crypto = await loadCrypto()
    const stranger = new Client({
      transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
      runtime: nodeRuntime(),
      crypto,
      destination: { address: '127.0.0.1', port },
      credentials: { type: 'psk', clientId: text('nobody-knows-me!'), psk: crypto.generatePsk() },
    })
    closables.push(stranger)
    const refusals: unknown[] = []
    stranger.on('server:invalid-client-id', (e) => refusals.push(e))
    // Reported after a round of refused nonce requests (one opcode 6, then the server's quiet period).
    await expect(stranger.waitForServer({ timeout: 5000 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT' })
    expect(refusals).toHaveLength(1)
    expect(server.sessions()).toHaveLength(1) // only the legitimate client set up by `setup`
  })
})
