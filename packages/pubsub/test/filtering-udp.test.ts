import { AppOpcode } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, ServerPubSub } from '../src/index.ts'
import { createUdpWorld, pskClient, type UdpWorld, unicastServer, waitUntil } from './support/udp.ts'
import { str, text } from './support/world.ts'

let world: UdpWorld
afterEach(async () => {
  await world?.close()
})

describe('subscription filtering over real UDP on 127.0.0.1', () => {
  it('a client that subscribed is sent only its target; a client that never said anything gets both', async () => {
    world = await createUdpWorld()
    const { server, address } = await unicastServer(world)
    const serverPs = new ServerPubSub(server)
    const ours = await pskClient(world, address, 0)
    const silent = await pskClient(world, address, 1)
    const oursPs = new ClientPubSub(ours)
    const atOurs: Message<unknown>[] = []
    const atSilent: string[] = []
    oursPs.subscribe('a', (m) => atOurs.push(m))
    silent.handle(AppOpcode.Reliable, (e) => atSilent.push(str(e.payload)))
    await ours.waitForServer({ timeout: 2000 })
    await silent.waitForServer({ timeout: 2000 })
    // Generous margin: the declaration (13 'a') is acknowledged once the filter is in place.
    expect(await waitUntil(() => server.sessions().length === 2, 5000)).toBe(true)
    const filteredOnce = async () => {
      const report = await serverPs.publish('b', 'n', text('probe'), { reliable: false })
      return report.recipients.length === 1
    }
    let filtered = false
    for (let i = 0; i < 50 && !filtered; i++) {
      filtered = await filteredOnce()
      if (!filtered) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(filtered).toBe(true)
    const a = await serverPs.publish('a', 'n', text('1'))
    const b = await serverPs.publish('b', 'n', text('2'))
    expect(a.acked).toHaveLength(2)
    expect(b.acked.map((c) => c.clientId)).toEqual([world.keys.identities[1]!.clientId])
    expect(await waitUntil(() => atOurs.length === 1 && atSilent.includes('b\nn\n2'), 5000)).toBe(true)
    expect(atOurs.map((m) => `${m.target}:${str(m.payload)}`)).toEqual(['a:1'])
    expect(serverPs.stats().filtered).toBeGreaterThanOrEqual(2)
  })
})
