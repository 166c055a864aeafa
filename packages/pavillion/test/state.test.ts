import { afterEach, describe, expect, it } from 'vitest'
import {
  type ClientState,
  createClient,
  createServer,
  generatePsk,
  type PavillionClient,
} from '../src/index.ts'
import { Closer, waitUntil } from './support/loopback.ts'

// Real UDP on 127.0.0.1. Every wait is for an event that takes milliseconds, bounded by 10 s (waitUntil).
const ID = 'state-client-001'
const closer = new Closer()
afterEach(() => closer.closeAll())

function statesOf(client: PavillionClient): ClientState[] {
  const seen: ClientState[] = []
  client.on('state:changed', ({ state }) => seen.push(state))
  return seen
}

describe('client.state over real UDP', () => {
  it('connects, reconnects after the server restarts on its port, and closes', async () => {
    const psk = await generatePsk()
    const clients = { psk: { [ID]: psk } }
    const first = await createServer({ bind: '127.0.0.1', port: 0, clients })
    const port = first.address.port
    const client = closer.add(
      await createClient({ address: `127.0.0.1:${port}`, bind: '127.0.0.1', clientId: ID, psk }),
    )
    const seen = statesOf(client)
    expect(client.state).toBe('connecting')
    await client.waitForServer({ timeout: 10_000 })
    expect(client.state).toBe('connected')
    await first.close() // says quit
    expect(await waitUntil(() => client.state === 'reconnecting')).toBe(true)
    expect(client.connections().map((c) => c.state)).toEqual(['disconnected'])
    const second = closer.add(await createServer({ bind: '127.0.0.1', port, clients }))
    second.rpc.handle(401, () => Uint8Array.of(1))
    await client.call(401, '', { timeout: 10_000 }) // a call waits for the new handshake
    expect(client.state).toBe('connected')
    await client.close()
    expect(client.state).toBe('closed')
    expect(seen).toEqual(['connected', 'reconnecting', 'connected', 'closed'])
  })

  it('says auth-failed for a wrong PSK', async () => {
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: await generatePsk() } } }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk: await generatePsk(),
      }),
    )
    const seen = statesOf(client)
    expect(await waitUntil(() => client.state === 'auth-failed')).toBe(true)
    expect(seen).toEqual(['auth-failed'])
  })
})
