import {
  type ClientInfo,
  ClosedError,
  InvalidArgumentError,
  PavillionError,
  type ServerInfo,
} from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, NoAcknowledgementError, ServerPubSub } from '../src/index.ts'
import { createWorld, SERVER, text, type World } from './support/world.ts'

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
  return { server, client, serverPs, clientPs }
}

describe('publish: how it settles', () => {
  it('nobody acknowledges before the timeout: NoAcknowledgementError naming the missing server', async () => {
    const { client, clientPs } = await pair()
    world.net.impair({ to: SERVER }, { blackhole: true })
    const published = clientPs.publish('T', 'n', text('x'), { timeout: 1000 }).catch((e: unknown) => e)
    await world.run(1100, 10)
    const error = (await published) as NoAcknowledgementError<ServerInfo>
    expect(error).toBeInstanceOf(NoAcknowledgementError)
    expect(error).toBeInstanceOf(PavillionError)
    expect(error.code).toBe('ERR_NO_ACKNOWLEDGEMENT')
    expect(error.report).toMatchObject({ outcome: 'unacknowledged', acked: [], expected: 'all' })
    expect(error.report.missing.map((s) => s.key)).toEqual([client.servers()[0]!.key])
    expect(error.report.transmissions).toBeGreaterThan(1)
  })

  it('server side: a client that never acknowledges is named in the error', async () => {
    const { server, serverPs } = await pair()
    const [session] = server.sessions()
    world.net.impair({ from: session!.address }, { blackhole: true })
    const published = serverPs.publish('R', 'n', text('x'), { timeout: 500 }).catch((e: unknown) => e)
    await world.run(600, 10)
    const error = (await published) as NoAcknowledgementError<ClientInfo>
    expect(error).toBeInstanceOf(NoAcknowledgementError)
    expect(error.report.missing.map((c) => c.key)).toEqual([session!.key])
  })

  it('abort rejects with the signal reason and stops retransmitting; the slot is given back', async () => {
    world = await createWorld()
    world.server()
    const client = world.client()
    const clientPs = world.track(new ClientPubSub(client, { maxInFlightPerPeer: 1 }))
    await world.run(10)
    const silence = world.net.impair({ to: SERVER }, { blackhole: true })
    const controller = new AbortController()
    const published = clientPs
      .publish('T', 'n', text('x'), { signal: controller.signal })
      .catch((e: unknown) => e)
    await world.run(300, 10)
    const reason = new Error('user gave up')
    controller.abort(reason)
    expect(await published).toBe(reason)
    const sentBefore = world.net.stats.sent
    await world.run(2000, 10)
    // No keepalive is due within 2 s: any datagram now would be a retransmission of the aborted publish.
    expect(world.net.stats.sent).toBe(sentBefore)
    silence()
    const next = clientPs.publish('T', 'n', text('y'))
    await world.run(10)
    expect((await next).outcome).toBe('acknowledged')
    await expect(clientPs.publish('T', 'n', text('z'), { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    )
  })

  it('closing the endpoint rejects publishes in flight with ClosedError', async () => {
    const { client, clientPs } = await pair()
    world.net.impair({ to: SERVER }, { blackhole: true })
    const published = clientPs.publish('T', 'n', text('x')).catch((e: unknown) => e)
    await world.run(50, 10)
    await client.close()
    expect(await published).toBeInstanceOf(ClosedError)
    expect(clientPs.closed).toBe(true)
  })

  it('a publish made before any server connects waits for the first one', async () => {
    world = await createWorld()
    const client = world.client()
    const clientPs = world.track(new ClientPubSub(client))
    const published = clientPs.publish('T', 'n', text('early'))
    const server = world.server()
    const received: string[] = []
    world.track(new ServerPubSub(server)).subscribe('T', (m) => received.push(m.name))
    await world.run(1000, 10)
    expect((await published).outcome).toBe('acknowledged')
    expect(received).toEqual(['n'])
  })
})

describe('publish: arguments', () => {
  it('are checked synchronously', async () => {
    const { clientPs, serverPs } = await pair()
    expect(() => clientPs.publish('a\nb', 'n', text(''))).toThrow(InvalidArgumentError)
    expect(() => clientPs.publish('t', 'n\n', text(''))).toThrow(InvalidArgumentError)
    expect(() => clientPs.publish('t', 'n', 'text' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => clientPs.publish('t', 'n', text(''), { timeout: -1 })).toThrow(InvalidArgumentError)
    expect(() => clientPs.publish('t', 'n', text(''), { timeout: Number.NaN })).toThrow(InvalidArgumentError)
    expect(() => clientPs.publish('t', 'n', text(''), { expect: 'most' as 'any' })).toThrow(PavillionError)
    expect(() => clientPs.publish('t', 'n', new Uint8Array(5000))).toThrow(InvalidArgumentError)
    expect(() => serverPs.publish('t', 'n', text(''), { to: [42 as unknown as string] })).toThrow(
      InvalidArgumentError,
    )
  })

  it("an old expect word (a JavaScript caller's 'connected') is refused naming the words", async () => {
    const { clientPs } = await pair()
    const publish = () => clientPs.publish('t', 'n', text(''), { expect: 'connected' as 'all' })
    expect(publish).toThrow(PavillionError)
    expect(publish).toThrow(/"expect" expected one of subscribers, all, any, got "connected"/)
    expect(() => publish()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }))
  })

  it('options of the pub/sub objects are checked', () => {
    const client = { signal: new AbortController().signal } as unknown as ConstructorParameters<
      typeof ClientPubSub
    >[0]
    expect(() => new ClientPubSub(client, { maxInFlightPerPeer: 0 })).toThrow(InvalidArgumentError)
    expect(() => new ClientPubSub(client, { subscriberExpiry: -1 })).toThrow(InvalidArgumentError)
    expect(() => new ClientPubSub(client, { maxTargets: 1.5 })).toThrow(InvalidArgumentError)
    expect(() => new ClientPubSub(client, { streamBufferSize: 0 })).toThrow(InvalidArgumentError)
    expect(() => new ClientPubSub(client, { maxTags: 0 })).toThrow(InvalidArgumentError)
    expect(() => new ClientPubSub(client, { maxSubscriberTargets: 0 })).toThrow(InvalidArgumentError)
  })
})
