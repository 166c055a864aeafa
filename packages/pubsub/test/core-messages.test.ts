import type { ClientInfo, ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type AlertUpdate,
  ClientPubSub,
  type CoreMessage,
  decodeCoreMessage,
  isCoreTarget,
  ServerPubSub,
  type TagUpdate,
} from '../src/index.ts'
import { createWorld, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

async function pair() {
  world = await createWorld()
  const server = world.server()
  const client = world.client()
  const serverPs = world.track(new ServerPubSub(server))
  const clientPs = world.track(new ClientPubSub(client))
  await world.run(10)
  const flush = async (...sends: Promise<unknown>[]) => {
    await world.run(5)
    await Promise.all(sends)
  }
  return { client, serverPs, clientPs, flush }
}

describe('decodeCoreMessage', () => {
  const message = (target: string, name: string, payload: Uint8Array) => ({ target, name, payload })
  it.each<[string, string, Uint8Array, CoreMessage | undefined]>([
    ['core.print', 'boot', text('hello'), { kind: 'print', heading: 'boot', text: 'hello' }],
    ['core.error', 'KeyError', text('missing'), { kind: 'error', className: 'KeyError', text: 'missing' }],
    ['core.alert', 'door', Uint8Array.of(1), { kind: 'alert', name: 'door', abnormal: true }],
    ['core.alert', 'door', Uint8Array.of(2), undefined],
    ['core.tag', 't', Uint8Array.of(0, 0, 0x80, 0x3f), { kind: 'tag', name: 't', tag: { value: 1 } }],
    ['core.tag', 't', Uint8Array.of(0, 0, 0x80), undefined],
    [
      'core.tagv',
      't',
      Uint8Array.of(0, 0, 0x80, 0x3f, 5, 0, 0, 0, 0, 0, 0, 0),
      { kind: 'tag-value', name: 't', value: 1, timestampUs: 5n },
    ],
    ['core.tagv', 't', Uint8Array.of(0, 0, 0x80, 0x3f), undefined],
    [
      'core.nfc',
      '',
      Uint8Array.of(2, 0xaa, 0xbb),
      { kind: 'nfc', name: '', reader: 2, uid: Uint8Array.of(0xaa, 0xbb) },
    ],
    ['core.print', '', Uint8Array.of(0xff), undefined],
    ['core.other', 'x', text(''), undefined],
    ['lights', 'x', text(''), undefined],
  ])('row %#: %s', (target, name, payload, expected) => {
    expect(decodeCoreMessage(message(target, name, payload))).toEqual(expected)
  })

  it('recognises the reserved prefix', () => {
    expect(isCoreTarget('core.tag')).toBe(true)
    expect(isCoreTarget('corex')).toBe(false)
  })
})

describe('core messages between server and client', () => {
  it('tags from the server: declarations and values, older values ignored', async () => {
    const { serverPs, clientPs, flush } = await pair()
    const updates: TagUpdate<ServerInfo>[] = []
    clientPs.onTag((update) => updates.push(update))
    const t = serverPs.nowUs()
    await flush(
      serverPs.publishTag('temp', {
        value: 21.5,
        min: 0,
        max: 50,
        interval: 1,
        writable: true,
        timestampUs: t,
      }),
    )
    await flush(serverPs.publishTagValue('temp', 22, t + 10n))
    await flush(serverPs.publishTagValue('temp', 99, t + 5n))
    await flush(serverPs.publishTag('short', { value: 3 }))
    expect(updates.map((u) => [u.name, u.value, u.timestampUs])).toEqual([
      ['temp', 21.5, t],
      ['temp', 22, t + 10n],
      ['short', 3, undefined],
    ])
    expect(updates[0]!.declaration).toEqual({
      value: 21.5,
      min: 0,
      max: 50,
      interval: 1,
      writable: true,
      timestampUs: t,
    })
    expect(updates[1]!.declaration).toBeUndefined()
    expect(clientPs.stats().coreIgnored).toBe(1)
  })

  it('tag writes to the server: stale, far-future and read-only writes are ignored', async () => {
    const { client, serverPs, clientPs, flush } = await pair()
    const writes: TagUpdate<ClientInfo>[] = []
    serverPs.onTagWrite((update) => writes.push(update))
    const t = serverPs.nowUs()
    await flush(
      serverPs.publishTag('setpoint', { value: 20, writable: true, timestampUs: t }),
      serverPs.publishTag('sensor', { value: 1, timestampUs: t }),
    )
    const key = client.servers()[0]!.key
    client.requestTimeSync()
    await world.run(5)
    const now = clientPs.serverTimeUs(key)!
    expect(now).toBe(serverPs.nowUs())
    await flush(clientPs.publishTagValue('setpoint', 21, now))
    await flush(clientPs.publishTagValue('setpoint', 19, t - 1n)) // older than the declaration
    await flush(clientPs.publishTagValue('setpoint', 30, now + 61_000_000n)) // > 60 s ahead
    await flush(clientPs.publishTagValue('sensor', 5, now)) // declared read-only
    await flush(clientPs.publishTagValue('free', 7, now + 59_000_000n)) // undeclared, < 60 s ahead
    expect(writes.map((w) => [w.name, w.value])).toEqual([
      ['setpoint', 21],
      ['free', 7],
    ])
    expect(writes[0]!.sender.clientId).toEqual(world.identities[0]!.clientId)
    expect(serverPs.stats().coreIgnored).toBe(3)
  })

  it('alerts, print and error both ways', async () => {
    const { serverPs, clientPs, flush } = await pair()
    const alerts: AlertUpdate<ServerInfo>[] = []
    clientPs.onAlert((alert) => alerts.push(alert))
    const atServer: (CoreMessage | undefined)[] = []
    serverPs.subscribe('core.print', (m) => atServer.push(decodeCoreMessage(m)))
    serverPs.subscribe('core.error', (m) => atServer.push(decodeCoreMessage(m)))
    await flush(serverPs.publishAlert('door', true))
    await flush(serverPs.publishAlert('door', false))
    await flush(serverPs.publish('core.alert', 'bad', Uint8Array.of(9)))
    await flush(clientPs.publishPrint('boot', 'ready'), clientPs.publishError('ValueError', 'bad input'))
    expect(alerts.map((a) => [a.name, a.abnormal])).toEqual([
      ['door', true],
      ['door', false],
    ])
    expect(clientPs.stats().coreIgnored).toBe(1)
    expect(atServer).toEqual([
      { kind: 'print', heading: 'boot', text: 'ready' },
      { kind: 'error', className: 'ValueError', text: 'bad input' },
    ])
  })

  it('serverTimeUs is undefined until the clock offset is known', async () => {
    const { client, clientPs } = await pair()
    expect(clientPs.serverTimeUs(client.servers()[0]!.key)).toBeUndefined()
  })
})
