import { PavillionError, SessionEndedError } from '@pavillion/core'
import { SimWorld } from '@pavillion/core/testing'
import { LoopbackWorld } from '@pavillion/transport-node/testing'
import { afterEach, expect, it } from 'vitest'
import { RpcClient, RpcServer } from '../src/index.ts'

const SERVER = { address: '10.0.0.1', port: 1783 }
const TIMEOUT = 5_000

let world: SimWorld | LoopbackWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

// A call in flight when the server evicts the caller's session (issue #15, item 5) rejects at once
// with the reason, in virtual time, instead of at its timeout.
it('a call across an eviction rejects at once with SessionEndedError ERR_SESSION_EVICTED', async () => {
  world = await SimWorld.create({ seed: 5, clientIds: ['rpc-evicted-0001', 'rpc-evicted-0002'] })
  const w = world
  const server = w.server(SERVER, { limits: { maxSessions: 1 } })
  const rpcServer = new RpcServer(server)
  rpcServer.handle(401, () => new Promise<Uint8Array>(() => {})) // never answers
  const rpc = new RpcClient(w.client(SERVER, { who: 0 }), { timeout: TIMEOUT })
  await w.run(20)
  const started = w.runtime.now()
  const call = rpc.call(401, Uint8Array.of(1))
  const failure = call.then(
    () => undefined,
    (error: unknown) => error,
  )
  await w.run(200)
  w.client(SERVER, { who: 1 }) // the table holds one session: the caller's is evicted
  const error = await w.until(failure, TIMEOUT)
  expect(error).toBeInstanceOf(SessionEndedError)
  expect(error).toBeInstanceOf(PavillionError)
  expect((error as SessionEndedError).code).toBe('ERR_SESSION_EVICTED')
  expect((error as SessionEndedError).reason).toBe('evicted')
  expect(w.runtime.now() - started).toBeLessThan(1_000)
})

// The same over real UDP on 127.0.0.1: the report comes from the server's datagrams, not virtual time.
it('over real UDP, a call across an eviction rejects well before its timeout with ERR_SESSION_EVICTED', async () => {
  const udp = await LoopbackWorld.create(['rpc-evicted-0001', 'rpc-evicted-0002'])
  world = udp
  const { server, port } = await udp.server({ limits: { maxSessions: 1 } })
  const rpcServer = udp.track(new RpcServer(server))
  rpcServer.handle(401, () => new Promise<Uint8Array>(() => {})) // never answers
  rpcServer.handle(402, (args) => args)
  const destination = { address: '127.0.0.1', port }
  const rpc = udp.track(new RpcClient(await udp.client(destination, { who: 0 }), { timeout: TIMEOUT }))
  expect(await rpc.call(402, Uint8Array.of(7))).toEqual(Uint8Array.of(7)) // connected and answered
  const failure = rpc.call(401, Uint8Array.of(1)).then(
    () => undefined,
    (error: unknown) => error,
  )
  const evictedAt = performance.now()
  await udp.client(destination, { who: 1 }) // its handshake fills the one-session table: the caller is evicted
  const error = await failure
  expect(error).toBeInstanceOf(SessionEndedError)
  expect((error as SessionEndedError).code).toBe('ERR_SESSION_EVICTED')
  expect(performance.now() - evictedAt).toBeLessThan(TIMEOUT / 2)
})
