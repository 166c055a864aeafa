import { InvalidArgumentError } from '@pavillion/core'
import { hex, toHex } from '@pavillion/test-vectors'
import { type DeviceStatus, decodeStatus, type StatusInput } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type ClientPubSubEventMap, statusProvider } from '../src/index.ts'
import { createWorld, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

const { raw: _raw, ...recorded } = decodeStatus(hex('b24619'))
const typed = (status: DeviceStatus | undefined) => {
  if (status === undefined) return undefined
  const { raw, ...rest } = status
  return rest
}

describe('statusProvider', () => {
  it('encodes typed values to the recorded status bytes b24619', () => {
    const provide = statusProvider(() => ({
      battery: { percent: 80, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
    }))
    expect(toHex(provide()!)).toBe('b24619')
    expect(recorded).toEqual({
      battery: { level: 50, percent: (50 / 63) * 100, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
    })
  })

  it('never throws into the engine: keeps the last good bytes and reports the error', () => {
    const errors: unknown[] = []
    let fail = false
    const provide = statusProvider(
      () => {
        if (fail) throw new Error('sensor offline')
        return { temperature: 30 }
      },
      { onError: (error) => errors.push(error) },
    )
    expect(toHex(provide()!)).toBe('00ff1e')
    fail = true
    expect(toHex(provide()!)).toBe('00ff1e')
    expect(errors).toEqual([new Error('sensor offline')])
    const invalid = statusProvider(() => ({ battery: { state: 'flying' } }) as unknown as StatusInput, {
      onError: (error) => errors.push(error),
    })
    expect(invalid()).toBeUndefined()
    expect(errors[1]).toBeInstanceOf(InvalidArgumentError)
  })
})

describe('status bytes from server to client', () => {
  it('the client exposes each server status, typed, and emits it when it changes', async () => {
    world = await createWorld()
    const values: StatusInput = {
      battery: { percent: 80, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
    }
    world.server(undefined, { status: statusProvider(() => values) })
    const client = world.client()
    const ps = world.track(new ClientPubSub(client))
    const events: ClientPubSubEventMap['status'][] = []
    ps.on('status', (e) => events.push(e))
    await world.run(10)
    const key = client.servers()[0]!.key
    expect(ps.status(key)).toBeUndefined()

    const first = ps.publish('T', 'n', text('1'))
    await world.run(5)
    await first
    expect(typed(ps.status(key))).toEqual(recorded)
    expect(events.map((e) => [e.server.key, typed(e.status)])).toEqual([[key, recorded]])

    const same = ps.publish('T', 'n', text('2'))
    await world.run(5)
    await same
    expect(events).toHaveLength(1)

    values.temperature = 41
    const changed = ps.publish('T', 'n', text('3'))
    await world.run(5)
    await changed
    expect(events).toHaveLength(2)
    expect(events[1]!.status.temperature).toBe(41)
    expect(ps.status(key)?.temperature).toBe(41)
    expect(ps.status('10.9.9.9:1')).toBeUndefined()
  })
})
