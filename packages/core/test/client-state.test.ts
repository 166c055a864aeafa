import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/api/client.ts'
import type { ClientState } from '../src/api/client-state.ts'
import { SIM_GROUP, SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'

// Every transition of Client.state in virtual time: nothing here depends on the machine's speed.
let world: SimWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** The states `client` reports from now on, in order. */
function statesOf(client: Client): ClientState[] {
  const seen: ClientState[] = []
  client.on('state:changed', ({ state, previous }) => {
    expect(previous).toBe(seen.at(-1) ?? 'connecting')
    seen.push(state)
  })
  return seen
}

describe('Client.state', () => {
  it('goes connecting → connected → reconnecting when the server quits, and connected again when it is back', async () => {
    world = await SimWorld.create()
    let server = world.server()
    const client = world.client(SIM_SERVER)
    const seen = statesOf(client)
    expect(client.state).toBe('connecting')
    await world.run(50)
    expect(client.state).toBe('connected')
    expect(client.connections().map((c) => c.state)).toEqual(['connected'])
    await server.close() // says quit
    await world.run(10)
    expect(client.state).toBe('reconnecting')
    expect(client.connections().map((c) => c.state)).toEqual(['disconnected'])
    server = world.server() // the same address, empty state: the keepalive (30 s) finds it
    await world.run(35_000, 50)
    expect(client.state).toBe('connected')
    expect(seen).toEqual(['connected', 'reconnecting', 'connected'])
  })

  it('goes reconnecting when the server falls silent, and connected once it answers again', async () => {
    world = await SimWorld.create()
    world.server()
    const client = world.client(SIM_SERVER)
    const seen = statesOf(client)
    await world.run(50)
    const heal = world.net.impair({ to: SIM_SERVER }, { loss: 1 })
    await world.run(45_000, 50) // disconnected after 40 s without a fresh packet
    expect(client.state).toBe('reconnecting')
    heal()
    await world.run(10_000, 50) // the handshake retries at most 5 s apart
    expect(client.state).toBe('connected')
    expect(seen).toEqual(['connected', 'reconnecting', 'connected'])
  })

  it('goes auth-failed for a wrong PSK, and closed on close()', async () => {
    world = await SimWorld.create()
    world.server()
    const wrong = { type: 'psk', clientId: world.clientId, psk: world.crypto.generatePsk() } as const
    const client = world.client(SIM_SERVER, { credentials: wrong })
    const seen = statesOf(client)
    await world.run(2_000, 10)
    expect(client.state).toBe('auth-failed')
    expect(client.servers()).toEqual([])
    const closing = client.close()
    expect(client.state).toBe('closed')
    await closing
    expect(seen).toEqual(['auth-failed', 'closed'])
  })

  it('goes auth-failed for a client ID the server does not know, and connected when it learns it', async () => {
    world = await SimWorld.create()
    const clientId = new TextEncoder().encode('not-registered-1')
    const psk = world.crypto.generatePsk()
    const registry = world.registry()
    world.server(SIM_SERVER, { clients: registry })
    const client = world.client(SIM_SERVER, { credentials: { type: 'psk', clientId, psk } })
    const seen = statesOf(client)
    await world.run(2_000, 10)
    expect(client.state).toBe('auth-failed')
    registry.addPsk(clientId, psk)
    await world.run(20_000, 50) // opcode 6 slowed the retries to 5 s apart
    expect(client.state).toBe('connected')
    expect(seen).toEqual(['auth-failed', 'connected'])
  })

  it('stays connected while any member of a group is, with one state per member', async () => {
    world = await SimWorld.create()
    const a = world.server({ address: '127.0.0.2', port: SIM_GROUP.port }, { group: SIM_GROUP.address })
    const b = world.server({ address: '127.0.0.3', port: SIM_GROUP.port }, { group: SIM_GROUP.address })
    const client = world.client(SIM_GROUP)
    const seen = statesOf(client)
    await world.run(100)
    expect(client.connections().map((c) => c.state)).toEqual(['connected', 'connected'])
    await a.close()
    await world.run(10)
    expect(client.state).toBe('connected')
    expect(client.connections().map((c) => [c.server.address.address, c.state])).toEqual([
      ['127.0.0.2', 'disconnected'],
      ['127.0.0.3', 'connected'],
    ])
    await b.close()
    await world.run(10)
    expect(seen).toEqual(['connected', 'reconnecting'])
    await client.close()
    expect(seen).toEqual(['connected', 'reconnecting', 'closed'])
  })
})
