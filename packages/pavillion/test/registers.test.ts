import { afterEach, expect, it } from 'vitest'
import { createClient, createServer, generatePsk } from '../src/index.ts'
import { RegisterRefusedError } from '../src/layers/registers.ts'
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
  expect(server.stats().registers.reads).toBe(1)
  expect(server.rpc.stats().calls).toBe(0)
})
