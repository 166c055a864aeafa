import { AppOpcode } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, ServerPubSub } from '../src/index.ts'
import { createWorld, str, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

const bodies = (inbox: readonly Message<unknown>[]) => inbox.map((m) => `${m.target}:${str(m.payload)}`)

describe('subscription filtering (opcode 13 from clients)', () => {
  it('a client that said what it listens to is sent only that; one that never said anything gets everything', async () => {
    world = await createWorld()
    const server = world.server()
    const serverPs = world.track(new ServerPubSub(server))
    const a = world.track(new ClientPubSub(world.client(undefined, { who: 0 })))
    const silent = world.client(undefined, { who: 1 }) // no pub/sub object: like a reference client
    const atA: Message<unknown>[] = []
    const atSilent: string[] = []
    a.subscribe('a', (m) => atA.push(m))
    silent.handle(AppOpcode.Reliable, (e) => atSilent.push(str(e.payload)))
    await world.run(20)
    const toA = serverPs.publish('a', 'n', text('1'))
    const toB = serverPs.publish('b', 'n', text('2'))
    await world.run(20)
    expect((await toA).acked).toHaveLength(2)
    expect((await toB).acked.map((c) => c.clientId)).toEqual([world.identities[1]!.clientId])
    expect(bodies(atA)).toEqual(['a:1'])
    expect(atSilent).toHaveLength(2)
    expect(serverPs.stats().filtered).toBe(1)
    // A new subscribe reaches the server before the next publish; the last listener leaving stops it.
    const stop = a.subscribe('b', (m) => atA.push(m))
    await world.run(10)
    await world.until(serverPs.publish('b', 'n', text('3')))
    stop()
    await world.run(10)
    await world.until(serverPs.publish('b', 'n', text('4'), { reliable: false }))
    await world.run(10)
    expect(bodies(atA)).toEqual(['a:1', 'b:3'])
  })
})

describe('opcode 13 towards clients that do not speak it (reference clients, #15 item 6)', () => {
  it('is not sent after opcode 7 or into a session younger than the settle time; later subscribes are', async () => {
    world = await createWorld()
    const server = world.server()
    const serverPs = world.track(new ServerPubSub(server))
    serverPs.subscribe('before', () => {})
    const client = world.client() // never sends 13, like the reference
    const notices: string[] = []
    client.handle(AppOpcode.Subscribe, (e) => notices.push(str(e.payload)))
    await world.run(20)
    serverPs.subscribe('young', () => {})
    await world.run(2500, 10)
    serverPs.subscribe('settled', () => {})
    await world.run(20)
    expect(notices).toEqual(['settled'])
  })
})
