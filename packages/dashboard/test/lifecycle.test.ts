import { describe, expect, it } from 'vitest'
import { startDashboard } from '../src/index.ts'
import { startNetwork } from './support/network.ts'
import { type OpenSocket, openSocket } from './support/socket.ts'

/** The handles of this process of the given kinds, once closed ones are freed (after a turn of the event loop). */
async function handles(...kinds: string[]): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 20))
  return process.getActiveResourcesInfo().filter((kind) => kinds.includes(kind))
}

describe('lifecycle', () => {
  it('close() releases the HTTP server, the pages’ sockets, the timers and the register observations; the nodes are the caller’s', async () => {
    const network = await startNetwork()
    const before = await handles('TCPServerWrap', 'TCPSocketWrap', 'Timeout')
    const dashboard = await startDashboard({ clients: network.clients, port: 0, sampleInterval: 100 })
    const origin = new URL(dashboard.url).origin
    const page = (await openSocket(`${origin.replace(/^http/, 'ws')}/ws`, { origin })) as OpenSocket
    await page.inbox.next((m) => m.type === 'tick')
    // It observes the first server's two registers; closing it cancels both observations.
    const observers = () => network.servers[0].registers.stats().observers
    await expect.poll(observers, { timeout: 15_000 }).toBe(2)
    expect((await fetch(`${origin}/`, { headers: { connection: 'keep-alive' } })).status).toBe(200)
    const closedPage = new Promise((resolve) => page.socket.once('close', resolve))
    await dashboard.close()
    await dashboard.close() // idempotent
    await closedPage
    expect((await handles('TCPServerWrap', 'TCPSocketWrap', 'Timeout')).length).toBeLessThanOrEqual(
      before.length,
    )
    expect(await handles('TCPServerWrap')).toEqual([])
    await expect.poll(observers, { timeout: 15_000 }).toBe(0)
    // The nodes still work after the dashboard is gone.
    expect(new TextDecoder().decode(await network.clients[0].call(401, 'ab', { timeout: 5000 }))).toBe('ba')
    await network.close()
    expect(await handles('UDPWrap')).toEqual([])
  })

  it('rejects a port in use with the listen error, and leaves nothing behind', async () => {
    const network = await startNetwork()
    const first = await startDashboard({ clients: network.clients, port: 0 })
    await expect(
      startDashboard({ clients: network.clients, port: first.address.port }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    })
    await first.close()
    expect(await handles('TCPServerWrap')).toEqual([])
    await network.close()
  })
})
