import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// A newcomer's first three commands, with one client ID and key for both clients and no other flag
// than the server's own port and address (a test must not take port 1783 or every interface).
const ID = 'kitchen-sensor-1'
let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

async function newcomer(serveFlags: string[], subTimeout: number) {
  const psk = new FakeIo()
  await main(['keygen', 'psk'], psk.io)
  const key = psk.stdout.trim()
  server = await startServe([
    '--port',
    '0',
    '--bind',
    '127.0.0.1',
    '--psk-client',
    `${ID}=${key}`,
    ...serveFlags,
  ])
  const address = `127.0.0.1:${server.port}`
  const credentials = ['--client-id', ID, '--psk', key]
  const sub = new FakeIo()
  const subscribed = main(
    ['sub', address, 'lights', '--count', '1', '--timeout', String(subTimeout), ...credentials],
    sub.io,
  )
  const running = server
  expect(await waitUntil(() => running.fake.records().some((r) => r.event === 'session:opened'))).toBe(true)
  const pub = new FakeIo()
  const started = performance.now()
  const published = await main(['pub', address, 'lights', 'kitchen', 'on', ...credentials], pub.io)
  return { listening: running.fake.lines()[0] ?? '', sub, subscribed, pub, published, started }
}

describe("a newcomer's serve + sub + pub", () => {
  it('delivers: serve relays between clients by default and says so when it starts', async () => {
    const { listening, sub, subscribed, pub, published, started } = await newcomer([], 20_000)
    expect(JSON.parse(listening)).toMatchObject({ event: 'listening', broker: true })
    expect(published).toBe(0)
    expect(pub.stderr).toBe('')
    expect(await subscribed).toBe(0)
    const elapsed = performance.now() - started
    expect(sub.lines()).toEqual([expect.stringMatching(/^lights\/kitchen "on" from 127\.0\.0\.1:\d+$/)])
    expect(sub.stderr).toMatch(/^connected to 127\.0\.0\.1:\d+\n$/)
    // About 150 ms on an idle machine, the pub's handshake included (well within the second a newcomer
    // waits); the bound is ten times looser than that second, so that a loaded machine cannot fail it.
    console.info(`newcomer: pub to sub's line in ${elapsed.toFixed(1)} ms`)
    expect(elapsed).toBeLessThan(10_000)
  })

  it('with --no-broker, the listening line says that messages are not relayed, and how to have them', async () => {
    const { listening, subscribed } = await newcomer(['--no-broker'], 1000)
    expect(JSON.parse(listening)).toMatchObject({ event: 'listening', broker: false })
    expect(await subscribed).toBe(1) // --timeout passed without the message
  })

  it('sub says on stderr when it loses the server and reconnects, stdout staying the messages', async () => {
    const psk = new FakeIo()
    await main(['keygen', 'psk'], psk.io)
    const key = psk.stdout.trim()
    const running = await startServe(['--port', '0', '--bind', '127.0.0.1', '--psk-client', `${ID}=${key}`])
    server = running
    const address = `127.0.0.1:${running.port}`
    const sub = new FakeIo()
    const subscribed = main(['sub', address, 'lights', '--client-id', ID, '--psk', key], sub.io)
    expect(await waitUntil(() => sub.stderr.includes('connected'))).toBe(true)
    await running.stop() // says quit
    server = undefined
    expect(await waitUntil(() => sub.stderr.includes('reconnecting'))).toBe(true)
    sub.interrupt()
    expect(await subscribed).toBe(0)
    expect(sub.stderr).toBe(`connected to ${address}\nreconnecting to ${address}…\n`)
    expect(sub.stdout).toBe('')
  })

  it('refuses --broker with --no-broker (exit 2)', async () => {
    const fake = new FakeIo()
    expect(
      await main(['serve', '--broker', '--no-broker', '--psk-client', `${ID}=${'00'.repeat(32)}`], fake.io),
    ).toBe(2)
    expect(fake.stderr).toMatch(/--broker and --no-broker contradict each other/)
  })
})
