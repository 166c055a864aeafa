import { afterEach, expect, it } from 'vitest'
import { createClient, createServer, generatePsk } from '../src/index.ts'
import { RegisterRefusedError } from '../src/layers/registers.ts'
import { encodeGetConfigArgs, encodeSetConfigArgs } from '../src/layers/wire.ts'
import { Closer } from './support/loopback.ts'

const ID = 'registers-client'
const closer = new Closer()
afterEach(() => closer.closeAll())

it('server.registers and client.registers work over UDP without RPC or pub/sub being used', async () => {
  const psk = await generatePsk()
  const server = closer.add(
    await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } } }),
  )
  const temperature = server.registers.declare({
    register: 100,
    name: 'temperature',
    datatype: 'f32',
    value: 20,
  })
  server.registers.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: () => {} })
  const client = closer.add(
    await createClient({ address: `127.0.0.1:${server.address.port}`, bind: '127.0.0.1', clientId: ID, psk }),
  )
  expect(await client.registers.read(100)).toBe(20)
  await client.registers.write(101, 40)
  expect(server.registers.get(101)?.value).toBe(40)
  await expect(client.registers.write(100, 1)).rejects.toBeInstanceOf(RegisterRefusedError)
  const observation = client.registers.observe(100)
  const first = await observation.next()
  expect(first.value?.value).toBe(20)
  temperature.set(25)
  expect((await observation.next()).value?.value).toBe(25)
  observation.close()
  expect(server.stats().registers.reads).toBeGreaterThanOrEqual(1) // a read retried on a loaded machine counts twice
  expect(server.rpc.stats().calls).toBe(0)
})

it('serves getConfig (24) and setConfig (25) over the registers when asked, named by whatIs', async () => {
  const psk = await generatePsk()
  const server = closer.add(
    await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } }, config: true }),
  )
  const written: number[] = []
  server.registers.declare({
    register: 7,
    name: 'app.brightness',
    datatype: 'u8',
    value: 10,
    writer: (v) => void written.push(v),
  })
  server.registers.declare({ register: 8, name: 'system.timezone', datatype: 'utf8', value: 'Europe/Paris' })
  const client = closer.add(
    await createClient({ address: `127.0.0.1:${server.address.port}`, bind: '127.0.0.1', clientId: ID, psk }),
  )
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
  expect(await client.whatIs(24)).toBe('getConfig')
  expect(await client.whatIs(25)).toBe('setConfig')
  expect(text(await client.call(24, encodeGetConfigArgs('system.timezone')))).toBe('Europe/Paris')
  expect(text(await client.call(24, encodeGetConfigArgs('app.brightness')))).toBe('10')
  await client.call(25, encodeSetConfigArgs({ key: 'app.brightness', value: '42' }))
  expect(written).toEqual([42])
  expect(await client.registers.read(7)).toBe(42)
  await expect(
    client.call(25, encodeSetConfigArgs({ key: 'app.brightness', value: '300' })),
  ).rejects.toMatchObject({ status: 3 })
  await expect(
    client.call(25, encodeSetConfigArgs({ key: 'system.timezone', value: 'UTC' })),
  ).rejects.toMatchObject({ status: 1 })
  await expect(client.call(24, encodeGetConfigArgs('nope'))).rejects.toMatchObject({ status: 3 })
  await expect(client.call(24, Uint8Array.of(0x61))).rejects.toMatchObject({ status: 3 })
})
