import { InvalidArgumentError, TimeoutError } from '@pavillion/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RegisterRefusedError, RegisterWriteError } from '../src/index.ts'
import { createWorld, registersClient, registersServer, SERVER, type World } from './support/world.ts'

let world: World
beforeEach(async () => {
  world = await createWorld()
})
afterEach(async () => {
  await world.close()
})

function setup() {
  const { registers: server, core } = registersServer(world, SERVER)
  const writes: number[] = []
  const temperature = server.declare({
    register: 100,
    name: 'temperature',
    datatype: 'f32',
    interface: 'pavillion.temperature',
    description: 'room, °C',
    value: 21.5,
  })
  server.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: (v) => void writes.push(v) })
  server.declare({ register: 102, name: 'label', datatype: 'utf8', value: 'kitchen' })
  server.declare({ register: 103, name: 'config', datatype: 'json', value: { a: 1 }, writer: () => {} })
  server.declare({ register: 104, name: 'door', datatype: 'bool', value: false })
  const { registers: client } = registersClient(world, SERVER)
  return { server, core, client, temperature, writes }
}

describe('read, write, info and list', () => {
  it('reads typed values, whole and by range', async () => {
    const { client } = setup()
    expect(await world.until(client.read(100))).toBe(21.5)
    expect(await world.until(client.read(102))).toBe('kitchen')
    expect(await world.until(client.read(103))).toEqual({ a: 1 })
    expect(await world.until(client.read(104))).toBe(false)
    expect(new TextDecoder().decode(await world.until(client.readBytes(102, { offset: 2, length: 3 })))).toBe(
      'tch',
    )
    expect(new TextDecoder().decode(await world.until(client.readBytes(102, { offset: 4 })))).toBe('hen')
  })

  it('writes reliably: resolves once applied, observers and reads see it', async () => {
    const { client, server, writes } = setup()
    await world.until(client.write(101, 40))
    expect(writes).toEqual([40])
    expect(server.get(101)?.value).toBe(40)
    expect(await world.until(client.read(101))).toBe(40)
    await world.until(client.write(103, { b: [1, 2] }))
    expect(server.get(103)?.value).toEqual({ b: [1, 2] })
  })

  it('writes unreliably', async () => {
    const { client, writes } = setup()
    await world.until(client.writeUnreliable(101, 7))
    await world.run(20)
    expect(writes).toEqual([7])
  })

  it('describes and lists every register', async () => {
    const { client } = setup()
    const info = await world.until(client.info(100))
    expect(info).toMatchObject({
      register: 100,
      name: 'temperature',
      datatype: 'f32',
      interface: 'pavillion.temperature',
      description: 'room, °C',
      writable: false,
    })
    const list = await world.until(client.list())
    expect(list.map((r) => [r.register, r.name, r.writable])).toEqual([
      [100, 'temperature', false],
      [101, 'dimmer', true],
      [102, 'label', false],
      [103, 'config', true],
      [104, 'door', false],
    ])
  })
})

describe('bad input: a typed error at the caller, the server unharmed', () => {
  it('refuses an unknown register, a read-only write, a wrong value, a range past the value', async () => {
    const { client, server } = setup()
    const refusal = async (p: Promise<unknown>) => {
      const error = await world.until(p).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(RegisterRefusedError)
      return (error as RegisterRefusedError).reason
    }
    expect(await refusal(client.read(999))).toBe('unknown-register')
    expect(await refusal(client.info(999))).toBe('unknown-register')
    expect(await refusal(client.write(100, 1, { type: 'f32' }))).toBe('read-only')
    expect(await refusal(client.write(101, 'xy', { type: 'utf8' }))).toBe('bad-value') // 2 bytes for a u8
    expect(await refusal(client.write(101, 300, { type: 'u16' }))).toBe('bad-value')
    expect(await refusal(client.write(103, 'not json', { type: 'utf8' }))).toBe('bad-value')
    expect(await refusal(client.readBytes(102, { offset: 5, length: 10 }))).toBe('bad-range')
    expect(await refusal(client.readBytes(102, { offset: 8 }))).toBe('bad-range')
    expect(await refusal(client.write(999, 1, { type: 'u8' }))).toBe('unknown-register')
    // …and the server still serves.
    expect(await world.until(client.read(100))).toBe(21.5)
    expect(server.stats().refused).toBeGreaterThanOrEqual(8)
  })

  it('reports a writer refusal with its reason and message', async () => {
    const { server, client } = setup()
    server.declare({
      register: 110,
      name: 'level',
      datatype: 'u8',
      writer: (v) => {
        if (v > 100) throw new RegisterWriteError('level takes 0–100')
        if (v === 99) throw new Error('hardware fault')
      },
    })
    const error = await world.until(client.write(110, 200)).catch((e: unknown) => e)
    expect(error).toMatchObject({
      reason: 'bad-value',
      text: 'level takes 0–100',
      code: 'ERR_REGISTER_REFUSED',
    })
    expect(await world.until(client.write(110, 99)).catch((e: unknown) => e)).toMatchObject({
      reason: 'failed',
      text: 'hardware fault',
    })
    expect(server.get(110)?.value).toBe(0)
  })

  it('refuses bad arguments before sending', async () => {
    const { client } = setup()
    expect(() => client.observe(100, { durationMs: 0 })).toThrow(InvalidArgumentError)
    expect(() => client.observe(100, { durationMs: 100_000 })).toThrow(InvalidArgumentError)
    expect(() => client.observe(100, { rateLimitMs: -1 })).toThrow(InvalidArgumentError)
    expect(() => client.write(65_535, 1)).toThrow(InvalidArgumentError)
    await expect(client.readBytes(70_000)).rejects.toThrow(InvalidArgumentError)
    await expect(client.readBytes(100, { length: 2 })).rejects.toThrow(InvalidArgumentError)
    await expect(client.write(101, 256, { type: 'u8' })).rejects.toThrow(InvalidArgumentError)
    expect(client.pending).toBe(0)
  })

  it('times out when no server answers', async () => {
    const { registers: client } = registersClient(
      world,
      { address: '10.0.0.9', port: 1783 },
      { timeout: 1000 },
    )
    const error = await world.until(client.readBytes(100)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
  })
})
