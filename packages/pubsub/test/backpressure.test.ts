import { BackpressureError, type ClientInfo, PavillionError } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, ServerPubSub } from '../src/index.ts'
import { createWorld, SERVER, str, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

describe('per-peer cap on reliable publishes in flight', () => {
  it('client: publishes beyond the cap reject with BackpressureError; every accepted one is delivered once', async () => {
    world = await createWorld()
    const server = world.server()
    const client = world.client()
    const serverPs = world.track(new ServerPubSub(server))
    const clientPs = world.track(new ClientPubSub(client, { maxInFlightPerPeer: 4 }))
    const received: string[] = []
    serverPs.subscribe('T', (m) => received.push(str(m.payload)))
    await world.run(10)
    // Acknowledgements are lost: publishes stay in flight.
    const silence = world.net.impair({ from: SERVER }, { blackhole: true })
    const outcomes = Array.from({ length: 6 }, (_, i) =>
      clientPs.publish('T', 'n', text(`m${i}`)).then(
        (report) => report.outcome,
        (error: unknown) => error,
      ),
    )
    await world.run(1)
    const refused = await Promise.all(outcomes.slice(4))
    for (const error of refused) {
      expect(error).toBeInstanceOf(BackpressureError)
      expect(error).toBeInstanceOf(PavillionError)
      expect((error as BackpressureError).code).toBe('ERR_BACKPRESSURE')
    }
    expect(clientPs.stats().backpressured).toBe(2)
    silence()
    await world.run(2000, 10)
    expect(await Promise.all(outcomes.slice(0, 4))).toEqual(Array(4).fill('acknowledged'))
    expect(received).toEqual(['m0', 'm1', 'm2', 'm3'])
    // The slots were given back.
    const again = clientPs.publish('T', 'n', text('m6'))
    await world.run(5)
    expect((await again).outcome).toBe('acknowledged')
  })

  it('server: a publish to a client at the cap is refused and sent to nobody', async () => {
    world = await createWorld()
    const server = world.server()
    const serverPs = world.track(new ServerPubSub(server, { maxInFlightPerPeer: 2 }))
    const clients = [0, 1].map((who) => world.client(SERVER, { who: who }))
    const inboxes = clients.map((client) => {
      const inbox: string[] = []
      world.track(new ClientPubSub(client)).subscribe('R', (m) => inbox.push(str(m.payload)))
      return inbox
    })
    await world.run(10)
    const [slow, fast] = server.sessions() as [ClientInfo, ClientInfo]
    const silence = world.net.impair({ from: slow.address }, { blackhole: true })
    const first = [0, 1].map((i) => serverPs.publish('R', 'n', text(`m${i}`)))
    await world.run(5)
    // A publish holds a slot of each recipient until it settles: both clients are at the cap.
    const refused = await serverPs.publish('R', 'n', text('m2')).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(BackpressureError)
    const alone = await serverPs
      .publish('R', 'n', text('m3'), { to: [fast.key] })
      .catch((error: unknown) => error)
    expect(alone).toBeInstanceOf(BackpressureError)
    expect(serverPs.stats().backpressured).toBe(2)
    silence()
    await world.run(2000, 10)
    expect((await Promise.all(first)).map((r) => r.outcome)).toEqual(['acknowledged', 'acknowledged'])
    expect(inboxes).toEqual([
      ['m0', 'm1'],
      ['m0', 'm1'],
    ])
  })

  it('before any server is connected, the cap applies to the destination', async () => {
    world = await createWorld()
    const client = world.client()
    const clientPs = world.track(new ClientPubSub(client, { maxInFlightPerPeer: 1 }))
    const first = clientPs
      .publish('T', 'n', text('queued'), { timeout: 100 })
      .catch((error: unknown) => error)
    const second = await clientPs.publish('T', 'n', text('refused')).catch((error: unknown) => error)
    expect(second).toBeInstanceOf(BackpressureError)
    await world.run(200, 10)
    expect(((await first) as PavillionError).code).toBe('ERR_NO_ACKNOWLEDGEMENT')
  })
})
