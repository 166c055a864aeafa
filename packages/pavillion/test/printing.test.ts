import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type ClientInfo,
  createClient,
  createServer,
  generatePsk,
  type Message,
  type ServerInfo,
} from '../src/index.ts'
import { Closer, waitUntil } from './support/loopback.ts'

// Real UDP on 127.0.0.1: what console.log shows of a message's sender, both ways.
const ID = 'printed-client-1'
const closer = new Closer()
afterEach(() => closer.closeAll())

describe('m.sender as console.log prints it', () => {
  it('names the client by its ID on the server and the server by its address on the client', async () => {
    const psk = await generatePsk()
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } } }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk,
      }),
    )
    const atServer: Message<ClientInfo>[] = []
    const atClient: Message<ServerInfo>[] = []
    server.subscribe('lights', (m) => atServer.push(m))
    client.subscribe('alarms', (m) => atClient.push(m))
    await client.publish('lights', 'kitchen', 'on', { timeout: 10_000 })
    await server.publish('alarms', 'smoke', 'hall', { timeout: 10_000 })
    expect(await waitUntil(() => atServer.length > 0 && atClient.length > 0)).toBe(true)
    const fromClient = atServer[0]!.sender
    expect(inspect(fromClient)).toBe(`ClientInfo { id: '${ID}', address: '${fromClient.key}', suite: 'psk' }`)
    expect(inspect(atClient[0]!.sender)).toBe(
      `ServerInfo { address: '127.0.0.1:${server.sendAddress.port}', suite: 'psk' }`,
    )
    expect(JSON.parse(JSON.stringify(fromClient)).clientId).toBe(Buffer.from(ID).toString('hex'))
  })
})
