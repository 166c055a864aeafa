import { encodeApp } from '@pavillion/wire'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RegisterObservation, RegisterRefusedError, type RegisterUpdate } from '../src/index.ts'
import { createWorld, registersClient, registersServer, SERVER, type World } from './support/world.ts'

let world: World
beforeEach(async () => {
  world = await createWorld()
})
afterEach(async () => {
  await world.close()
})

/** Reads the observation in the background into `seen`. */
function collect(observation: RegisterObservation): { seen: RegisterUpdate[]; done: Promise<unknown> } {
  const seen: RegisterUpdate[] = []
  const done = (async () => {
    for await (const update of observation) seen.push(update)
  })().catch((error: unknown) => error)
  return { seen, done }
}

describe('observe', () => {
  it('starts with the current value, then every change', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const door = server.declare({ register: 7, name: 'door', datatype: 'bool' })
    const { registers: client } = registersClient(world, SERVER)
    const { seen } = collect(client.observe(7))
    await world.run(50)
    expect(seen.map((u) => u.value)).toEqual([false])
    door.set(true)
    await world.run(5)
    door.set(false)
    await world.run(5)
    expect(seen.map((u) => u.value)).toEqual([false, true, false])
    expect(server.stats().observers).toBe(1)
  })

  it('coalesces changes faster than the rate limit and ends with the latest', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const counter = server.declare({ register: 8, name: 'counter', datatype: 'u32' })
    const { registers: client } = registersClient(world, SERVER)
    const { seen } = collect(client.observe(8, { rateLimitMs: 200 }))
    await world.run(50)
    const before = server.stats().notifications
    for (let i = 1; i <= 20; i++) {
      counter.set(i)
      await world.run(10) // 20 changes in 200 ms
    }
    await world.run(400)
    const sent = server.stats().notifications - before
    expect(sent).toBeLessThanOrEqual(3)
    expect(seen.at(-1)?.value).toBe(20)
  })

  it('renews before the duration runs out while open, and cancels on close', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const level = server.declare({ register: 9, name: 'level', datatype: 'i32' })
    const { registers: client } = registersClient(world, SERVER)
    const observation = client.observe(9, { durationMs: 1000 })
    const { seen, done } = collect(observation)
    await world.run(5000, 5) // five durations
    level.set(-5)
    await world.run(20)
    expect(seen.at(-1)?.value).toBe(-5)
    expect(server.stats().observes).toBeGreaterThanOrEqual(9) // first + a renewal every 500 ms
    observation.close()
    await world.run(20)
    expect(await done).toBeUndefined()
    expect(server.stats().observers).toBe(0)
  })

  it('forgets an observation whose duration expired and one whose session closed', async () => {
    const { registers: server, core } = registersServer(world, SERVER)
    server.declare({ register: 10, name: 'x', datatype: 'u8' })
    const { core: client } = registersClient(world, SERVER)
    await world.until(client.waitForServer())
    client.send(encodeApp({ type: 'observe', register: 10, durationMs: 300, rateLimitMs: 0 }))
    await world.run(10)
    expect(server.stats().observers).toBe(1)
    await world.run(300)
    expect(server.stats().observers).toBe(0)
    client.send(encodeApp({ type: 'observe', register: 10, durationMs: 60_000, rateLimitMs: 0 }))
    await world.run(10)
    expect(server.stats().observers).toBe(1)
    await client.close()
    await world.run(10)
    expect(core.sessions()).toHaveLength(0)
    expect(server.stats().observers).toBe(0)
  })

  it('bounds observers per register and per session, refusing with busy', async () => {
    const { registers: server } = registersServer(world, SERVER, {
      maxObserversPerSession: 2,
      maxObserversPerRegister: 1,
    })
    for (const n of [1, 2, 3]) server.declare({ register: n, name: `r${n}`, datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER)
    const a = collect(client.observe(1))
    const b = collect(client.observe(2))
    await world.run(50)
    const c = collect(client.observe(3))
    await world.run(50)
    expect(await c.done).toBeInstanceOf(RegisterRefusedError)
    expect(((await c.done) as RegisterRefusedError).reason).toBe('busy')
    expect(server.stats().observers).toBe(2)
    expect(a.seen).toHaveLength(1)
    expect(b.seen).toHaveLength(1)
  })

  it('refuses an unknown register and, from raw packets, a duration below the minimum', async () => {
    const { registers: server } = registersServer(world, SERVER)
    server.declare({ register: 11, name: 'x', datatype: 'u8' })
    const { registers: client, core } = registersClient(world, SERVER)
    const unknown = collect(client.observe(12345, { type: 'u8' }))
    await world.run(50)
    expect(((await unknown.done) as RegisterRefusedError).reason).toBe('unknown-register')
    core.send(encodeApp({ type: 'observe', register: 11, durationMs: 5, rateLimitMs: 0 }))
    core.send(encodeApp({ type: 'observe', register: 11, durationMs: 0, rateLimitMs: 0 })) // cancels nothing
    core.send(Uint8Array.of(6, 11)) // a read one byte short: dropped by the codec
    core.send(Uint8Array.of(8, 11, 0, 1)) // an observe one field short
    await world.run(50)
    expect(server.stats().observers).toBe(0)
    expect(await world.until(client.read(11))).toBe(0)
  })

  it('ends with the signal', async () => {
    const { registers: server } = registersServer(world, SERVER)
    server.declare({ register: 12, name: 'x', datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER)
    const controller = new AbortController()
    const { done } = collect(client.observe(12, { signal: controller.signal }))
    await world.run(50)
    expect(server.stats().observers).toBe(1)
    controller.abort(new Error('enough'))
    await world.run(20)
    expect(((await done) as Error).message).toBe('enough')
    expect(server.stats().observers).toBe(0)
  })

  it('a renewal replaces the duration and the rate limit (the documented rule)', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const x = server.declare({ register: 13, name: 'x', datatype: 'u8' })
    const { core: client } = registersClient(world, SERVER)
    await world.until(client.waitForServer())
    client.send(encodeApp({ type: 'observe', register: 13, durationMs: 60_000, rateLimitMs: 1000 }))
    await world.run(10)
    client.send(encodeApp({ type: 'observe', register: 13, durationMs: 300, rateLimitMs: 0 }))
    await world.run(10)
    const before = server.stats().notifications
    x.set(1)
    x.set(2) // no rate limit any more: both go out at once
    await world.run(10)
    expect(server.stats().notifications - before).toBe(2)
    await world.run(300) // the shorter duration, counted from the renewal
    expect(server.stats().observers).toBe(0)
  })

  it('many observations opened and closed leave nothing behind', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const x = server.declare({ register: 14, name: 'x', datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER)
    for (let i = 0; i < 50; i++) {
      const observation = client.observe(14, { type: 'u8' })
      const current = x.value
      expect((await world.until(observation.next())).value?.value).toBe(current)
      x.set(i)
      observation.close()
    }
    await world.run(50)
    expect(server.stats().observers).toBe(0)
    expect(client.pending).toBe(0)
    expect(world.runtime.pendingTimers).toBeLessThan(10) // the engines' own timers only
  })

  it('twenty observations open on one client at once: no listener-leak warning, all end with the client', async () => {
    const { registers: server } = registersServer(world, SERVER)
    for (let r = 20; r < 40; r++) server.declare({ register: r, name: `r${r}`, datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER)
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const open = Array.from({ length: 20 }, (_, i) => collect(client.observe(20 + i, { type: 'u8' })))
      await world.run(100)
      expect(open.every((o) => o.seen.length === 1)).toBe(true)
      client.close()
      const ends = await Promise.all(open.map((o) => o.done))
      expect(ends.every((e) => e instanceof Error && e.name === 'ClosedError')).toBe(true)
      await new Promise((resolve) => setImmediate(resolve)) // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('a renewal lost for longer than the grant does not end the observation: it is retried, and the latest value arrives', async () => {
    const { registers: server } = registersServer(world, SERVER)
    const level = server.declare({ register: 15, name: 'level', datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER, { retryInterval: 50, timeout: 5000 })
    const { seen, done } = collect(client.observe(15, { durationMs: 400, type: 'u8' }))
    await world.run(50)
    expect(seen.map((u) => u.value)).toEqual([0])
    // Nothing reaches the server for 700 ms: the renewal (due at 200 ms) is lost again and again, and the
    // grant runs out at 400 ms, so the change below is not notified.
    const restore = world.net.impair({ to: SERVER }, { loss: 1 })
    await world.run(300)
    level.set(9)
    await world.run(400)
    restore()
    await world.run(200)
    // (the retried renewals that got through each resent the value, as renewals do)
    expect(new Set(seen.map((u) => u.value))).toEqual(new Set([0, 9]))
    expect(seen.at(-1)?.value).toBe(9)
    expect(await Promise.race([done, 'still open'])).toBe('still open')
  })
})

describe('close()', () => {
  it('is async and idempotent on client, server and observation, and `await using` closes them', async () => {
    const { registers: server } = registersServer(world, SERVER)
    server.declare({ register: 11, name: 'x', datatype: 'u8' })
    const { registers: client } = registersClient(world, SERVER)
    {
      await using observation = client.observe(11, { durationMs: 1000 })
      expect(await world.until(observation.next())).toMatchObject({ done: false })
      expect(server.stats().observers).toBe(1)
    }
    await world.run(20)
    expect(server.stats().observers).toBe(0)
    {
      await using _client = client
      await using _server = server
    }
    expect(client.closed).toBe(true)
    expect(server.closed).toBe(true)
    await expect(Promise.all([client.close(), server.close()])).resolves.toEqual([undefined, undefined])
    const late = client.observe(11)
    await expect(late.close()).resolves.toBeUndefined()
    await expect(late[Symbol.asyncDispose]()).resolves.toBeUndefined()
  })
})
