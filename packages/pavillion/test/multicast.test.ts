import { afterEach, describe, expect, it } from 'vitest'
import { createClient, createServer, generatePsk, type PavillionServer } from '../src/index.ts'
import { Closer, freePort, GROUP, text, waitUntil } from './support/loopback.ts'

// Every datagram goes to 127.0.0.1 or to GROUP through the interface 127.0.0.1.
const LOOPBACK = '127.0.0.1'
const ID = 'multicast-test-1'
const closer = new Closer()
afterEach(() => closer.closeAll())

describe('two servers behind one multicast group on the loopback interface', () => {
  it('answers callAll from both, and a reliable publish names both in its report', async () => {
    const psk = await generatePsk()
    const port = await freePort()
    const servers: PavillionServer[] = []
    for (const name of ['alpha', 'beta']) {
      const server = closer.add(
        await createServer({
          port,
          multicast: { group: GROUP, interface: LOOPBACK },
          clients: { psk: { [ID]: psk } },
        }),
      )
      server.rpc.handle(401, () => new TextEncoder().encode(name))
      servers.push(server)
    }
    const received: string[] = []
    for (const [i, server] of servers.entries())
      server.subscribe('lights', (m) => received.push(`${i}:${m.name}`))
    const client = closer.add(
      await createClient({
        address: `${GROUP}:${port}`,
        multicastInterface: LOOPBACK,
        bind: LOOPBACK,
        clientId: ID,
        psk,
      }),
    )
    await client.waitForServer({ timeout: 2000 })
    expect(await waitUntil(() => client.servers().length === 2)).toBe(true)

    const answers = await client.callAll(401, '', { timeout: 2000 }) // always waited in full: room for a busy machine
    expect(answers.map((a) => ('result' in a ? text(a.result) : a.error.message)).sort()).toEqual([
      'alpha',
      'beta',
    ])

    const report = await client.publish('lights', 'hall', 'on', { expect: 'all' })
    expect(report.outcome).toBe('acknowledged')
    expect(report.acked.map((s) => s.address.port).sort()).toEqual(
      servers.map((s) => s.sendAddress.port).sort(),
    )
    expect(received.sort()).toEqual(['0:hall', '1:hall'])
  })
})
