import { afterEach, describe, expect, it } from 'vitest'
import { ClosedError, createClient, createServer, generatePsk } from '../src/index.ts'
import { freePort } from './support/loopback.ts'

// An application that publishes without awaiting and then closes must not crash with an unhandled
// rejection; one that awaits still learns that the publish ended with ClosedError.
const ID = 'close-inflight-1'
const unhandled: unknown[] = []
const record = (reason: unknown) => unhandled.push(reason)
afterEach(() => {
  process.off('unhandledRejection', record)
  unhandled.length = 0
})

/** Lets the event loop turn a few times, so that Node would have reported an unhandled rejection. */
const turns = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('close() with publishes and calls in flight', () => {
  it('a client: the un-awaited ones reject quietly, the awaited ones with ClosedError', async () => {
    process.on('unhandledRejection', record)
    // Nobody listens at this port: the publishes and the call wait for a handshake that never comes.
    const client = await createClient({
      address: `127.0.0.1:${await freePort()}`,
      bind: '127.0.0.1',
      clientId: ID,
      psk: await generatePsk(),
    })
    void client.publish('lights', 'kitchen', 'on')
    void client.call(401, 'hi')
    const awaited = client.publish('lights', 'hall', 'on')
    await client.close()
    await expect(awaited).rejects.toBeInstanceOf(ClosedError)
    await turns()
    expect(unhandled).toEqual([])
  })

  it('a server: a publish not yet acknowledged when it closes rejects quietly, or with ClosedError', async () => {
    process.on('unhandledRejection', record)
    const psk = await generatePsk()
    const server = await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } } })
    const client = await createClient({
      address: `127.0.0.1:${server.address.port}`,
      bind: '127.0.0.1',
      clientId: ID,
      psk,
    })
    await client.waitForServer({ timeout: 5000 })
    void server.publish('alarms', 'smoke', 'hall') // closed in the same turn: no acknowledgement yet
    const awaited = server.publish('alarms', 'smoke', 'kitchen')
    await server.close()
    await expect(awaited).rejects.toBeInstanceOf(ClosedError)
    await client.close()
    await turns()
    expect(unhandled).toEqual([])
  })
})
