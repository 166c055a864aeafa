import { afterEach, beforeAll, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// The server binds 127.0.0.1; clients send to 127.0.0.1 only.
const ID = 'cli-registers-01'
let psk = ''
const servers: RunningServer[] = []

async function run(argv: string[]) {
  const fake = new FakeIo()
  const status = await main(argv, fake.io)
  return { status, fake }
}

beforeAll(async () => {
  psk = (await run(['keygen', 'psk'])).fake.stdout.trim()
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

async function serve(): Promise<{ address: string; server: RunningServer }> {
  const server = await startServe([
    '--port',
    '0',
    '--bind',
    '127.0.0.1',
    '--psk-client',
    `${ID}=${psk}`,
    '--register',
    '100:temperature:f32=21.5',
    '--register',
    '101:label:utf8=kitchen',
    '--register',
    '102:on:bool',
  ])
  servers.push(server)
  return { address: `127.0.0.1:${server.port}`, server }
}

const flags = () => ['--client-id', ID, '--psk', psk]

it('serve --register declares registers that registers, read, write and observe reach', async () => {
  const { address, server } = await serve()
  const list = await run(['registers', address, ...flags(), '--json'])
  expect(list.status).toBe(0)
  expect(list.fake.records().map((r) => [r.register, r.name, r.datatype, r.writable])).toEqual([
    [100, 'temperature', 'f32', true],
    [101, 'label', 'utf8', true],
    [102, 'on', 'bool', true],
  ])
  const value = await run(['read', address, '100', ...flags()])
  expect([value.status, value.fake.stdout]).toEqual([0, '21.5\n'])
  expect((await run(['read', address, '101', ...flags(), '--json'])).fake.records()[0]).toMatchObject({
    event: 'value',
    register: 101,
    value: 'kitchen',
  })

  const written = await run(['write', address, '100', '19.25', ...flags()])
  expect([written.status, written.fake.stdout]).toEqual([0, 'written  register 100 = 19.25\n'])
  expect(
    server.fake
      .records()
      .some((r) => r.event === 'register:written' && r.register === 100 && r.value === 19.25),
  ).toBe(true)
  expect(
    (await run(['write', address, '102', 'true', '--unreliable', '--type', 'bool', ...flags()])).status,
  ).toBe(0)
  expect(
    await waitUntil(() =>
      server.fake.records().some((r) => r.event === 'register:written' && r.register === 102),
    ),
  ).toBe(true)

  const observed = await run(['observe', address, '101', '--count', '1', '--json', ...flags()])
  expect(observed.status).toBe(0)
  expect(observed.fake.records()).toEqual([
    expect.objectContaining({ event: 'value', register: 101, value: 'kitchen' }),
  ])
})

it('bad input exits 2 before connecting; a refusal exits 1 with the reason', async () => {
  const { address } = await serve()
  for (const argv of [
    ['read', address, '70000', ...flags()],
    ['write', address, '100', 'warm', '--type', 'f32', ...flags()],
    ['observe', address, '100', '--rate-limit', '-1', ...flags()],
    ['read', address, '100', '--type', 'float', ...flags()],
    ['serve', '--port', '0', '--psk-client', `${ID}=${psk}`, '--register', '100:temperature'],
  ]) {
    const result = await run(argv)
    expect([argv.join(' '), result.status]).toEqual([argv.join(' '), 2])
  }
  const unknown = await run(['read', address, '555', ...flags()])
  expect(unknown.status).toBe(1)
  expect(unknown.fake.stderr).toContain('unknown-register')
  const wrong = await run(['write', address, '102', '7', '--type', 'u32', ...flags()])
  expect(wrong.status).toBe(1)
  expect(wrong.fake.stderr).toContain('bad-value')
})

it('every register command has a help text', async () => {
  for (const command of ['registers', 'read', 'write', 'observe']) {
    const help = await run([command, '--help'])
    expect(help.status).toBe(0)
    expect(help.fake.stdout).toContain(`Usage: pavillion ${command}`)
  }
})

it('serve --register also answers getConfig (24) by register name', async () => {
  const { address } = await serve()
  const name = await run(['call', address, '1', '--hex', '1800', ...flags()])
  expect([name.status, name.fake.stdout]).toEqual([0, `${Buffer.from('getConfig').toString('hex')}\n`])
  const value = await run([
    'call',
    address,
    '24',
    '--hex',
    `${Buffer.from('label').toString('hex')}00`,
    ...flags(),
  ])
  expect([value.status, value.fake.stdout]).toEqual([0, `${Buffer.from('kitchen').toString('hex')}\n`])
})
