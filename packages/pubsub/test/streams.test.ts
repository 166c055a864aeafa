import { ClosedError, InvalidArgumentError, type ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, MessageStream, ServerPubSub } from '../src/index.ts'
import { createWorld, str, text, type World } from './support/world.ts'

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
  /** Publishes from the server and lets the network deliver. */
  const send = async (target: string, ...bodies: string[]) => {
    const sends = bodies.map((body) => serverPs.publish(target, 'n', text(body)))
    await world.run(5)
    await Promise.all(sends)
  }
  return { server, client, serverPs, clientPs, send }
}

describe('messages(): async iterable with a bounded buffer', () => {
  it('yields messages in order; break removes the listener (the server unannounces)', async () => {
    const { serverPs, clientPs } = await pair()
    // A client that listens to something has said so (opcode 13): it is one of ours, told opcode 14.
    clientPs.subscribe('inbox', () => {})
    await world.run(5)
    const seen: string[] = []
    const stream = serverPs.messages('T')
    const publishes = ['a', 'b', 'c'].map((body) => clientPs.publish('T', 'n', text(body)))
    await world.run(5)
    await Promise.all(publishes)
    await world.run(5)
    expect(clientPs.subscribers('T')).toHaveLength(1)
    for await (const message of stream) {
      seen.push(str(message.payload))
      if (seen.length === 2) break
    }
    expect(seen).toEqual(['a', 'b'])
    expect(stream.ended).toBe(true)
    await world.run(5)
    // The last listener left: opcode 14 reached the client; later messages are unrouted.
    expect(clientPs.subscribers('T')).toEqual([])
    const late = clientPs.publish('T', 'n', text('d'))
    await world.run(5)
    await late
    expect(serverPs.stats()).toMatchObject({ delivered: 3, unrouted: 1 })
  })

  it('a waiting loop ends when its signal aborts', async () => {
    const { clientPs, send } = await pair()
    const controller = new AbortController()
    const seen: string[] = []
    const loop = (async () => {
      for await (const message of clientPs.messages('R', { signal: controller.signal })) {
        seen.push(str(message.payload))
      }
      return 'ended'
    })()
    await send('R', 'x')
    controller.abort()
    expect(await loop).toBe('ended')
    expect(seen).toEqual(['x'])
    await send('R', 'y')
    expect(clientPs.stats().unrouted).toBe(1)
  })

  it('keeps the newest messages when the consumer falls behind, counting the dropped ones', async () => {
    const { clientPs, send } = await pair()
    const stream = clientPs.messages('R', { bufferSize: 3 })
    await send('R', 'm0', 'm1', 'm2', 'm3', 'm4')
    expect(stream.dropped).toBe(2)
    expect(stream.buffered).toBe(3)
    expect(clientPs.stats().streamDropped).toBe(2)
    const seen: string[] = []
    for await (const message of stream) {
      seen.push(str(message.payload))
      if (stream.buffered === 0) break
    }
    expect(seen).toEqual(['m2', 'm3', 'm4'])
  })

  it("'*' streams every target; closing the endpoint ends the stream", async () => {
    const { client, clientPs, send } = await pair()
    const seen: string[] = []
    const loop = (async () => {
      for await (const message of clientPs.messages('*'))
        seen.push(`${message.target}:${str(message.payload)}`)
    })()
    await send('A', '1')
    await send('B', '2')
    await client.close()
    await loop
    expect(seen).toEqual(['A:1', 'B:2'])
    expect(clientPs.closed).toBe(true)
    expect(() => clientPs.messages('A')).toThrow(ClosedError)
    await expect(clientPs.publish('A', 'n', text(''))).rejects.toBeInstanceOf(ClosedError)
  })

  it('an already aborted signal gives an ended stream; await using ends it too', async () => {
    const { clientPs } = await pair()
    const ended = clientPs.messages('R', { signal: AbortSignal.abort() })
    expect(await ended.next()).toEqual({ value: undefined, done: true })
    let kept: MessageStream<Message<ServerInfo>> | undefined
    {
      await using stream = clientPs.messages('R')
      kept = stream
    }
    expect(kept.ended).toBe(true)
    expect(() => new MessageStream(0)).toThrow(InvalidArgumentError)
  })
})

describe('subscribe(): handlers', () => {
  it('delivers to target and wildcard handlers; signal and the remover stop them', async () => {
    const { clientPs, send } = await pair()
    const seen: string[] = []
    const controller = new AbortController()
    const remove = clientPs.subscribe('R', (m) => seen.push(`R:${str(m.payload)}`))
    clientPs.subscribe('R', (m) => seen.push(`R2:${str(m.payload)}`), { signal: controller.signal })
    clientPs.subscribeAll((m) => seen.push(`*:${m.target}`))
    await send('R', '1')
    remove()
    controller.abort()
    await send('R', '2')
    await send('S', '3')
    expect(seen).toEqual(['R:1', 'R2:1', '*:R', '*:R', '*:S'])
  })

  it('a throwing handler does not stop the others; its error goes to the error event', async () => {
    const { clientPs, send } = await pair()
    const errors: unknown[] = []
    const seen: string[] = []
    clientPs.on('error', (e) => errors.push(e.error))
    clientPs.subscribe('R', () => {
      throw new Error('boom')
    })
    clientPs.subscribe('R', async () => {
      throw new Error('async boom')
    })
    clientPs.subscribe('R', (m) => seen.push(str(m.payload)))
    await send('R', '1')
    expect(seen).toEqual(['1'])
    expect(errors).toEqual([new Error('boom'), new Error('async boom')])
    expect(clientPs.stats().listenerErrors).toBe(2)
  })

  it("without an error listener, a handler's error reaches the endpoint's error event", async () => {
    const { client, clientPs, send } = await pair()
    const errors: unknown[] = []
    client.on('error', (e) => errors.push(e.error))
    clientPs.subscribe('R', () => {
      throw new Error('boom')
    })
    await send('R', '1')
    expect(errors).toEqual([new Error('boom')])
  })

  it('validates targets and handlers', async () => {
    const { clientPs } = await pair()
    expect(() => clientPs.subscribe('a\nb', () => {})).toThrow(InvalidArgumentError)
    expect(() => clientPs.subscribe(42 as unknown as string, () => {})).toThrow(InvalidArgumentError)
    expect(() => clientPs.subscribe('a', 'no' as unknown as () => void)).toThrow(InvalidArgumentError)
    const limited = new ServerPubSub(world.server({ address: '127.0.0.9', port: 1 }), { maxTargets: 2 })
    limited.subscribe('a', () => {})
    limited.subscribe('b', () => {})
    limited.subscribe('a', () => {})
    limited.subscribe('*', () => {})
    expect(() => limited.subscribe('c', () => {})).toThrow(InvalidArgumentError)
    limited.close()
  })

  it('one pub/sub object per endpoint: a second one is refused and the first keeps working', async () => {
    const { client, clientPs, send } = await pair()
    expect(() => new ClientPubSub(client)).toThrow(/already has a handler/)
    const seen: string[] = []
    clientPs.subscribe('R', (m) => seen.push(str(m.payload)))
    await send('R', '1')
    expect(seen).toEqual(['1'])
    clientPs.close()
    const second = world.track(new ClientPubSub(client))
    second.subscribe('R', (m) => seen.push(`again ${str(m.payload)}`))
    await send('R', '2')
    expect(seen).toEqual(['1', 'again 2'])
  })
})
