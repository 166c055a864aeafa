import { afterEach, describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  createClient,
  createServer,
  generateKeyPair,
  generatePsk,
  PavillionError,
  TimeoutError,
} from '../src/index.ts'
import { Closer, freePort } from './support/loopback.ts'

// Real UDP on 127.0.0.1. Bounds are generous (the protocol answers in milliseconds; 4 s against 5 s
// timeouts): they tell "failed at once" from "waited out the timeout" on any machine.
const ID = 'auth-client-0001'
const closer = new Closer()
afterEach(() => closer.closeAll())

async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; elapsed: number }> {
  const started = performance.now()
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  return { error, elapsed: performance.now() - started }
}

describe('a server that refuses our key', () => {
  it('fails a call at once with AuthenticationError for a wrong PSK, and later calls immediately', async () => {
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: await generatePsk() } } }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk: await generatePsk(),
      }),
    )
    const { error, elapsed } = await rejection(client.call(0, 'hi', { timeout: 20_000 }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toBeInstanceOf(PavillionError)
    expect(error).toMatchObject({ code: 'ERR_AUTH_FAILED', reason: 'forged-answer' })
    expect((error as Error).message).toBe(
      `127.0.0.1:${server.sendAddress.port} answered but did not accept client ID ${ID} with this key (wrong PSK, or the server does not know this client)`,
    )
    expect(elapsed).toBeLessThan(10_000)
    const later = await rejection(client.waitForServer({ timeout: 20_000 }))
    expect(later.error).toBeInstanceOf(AuthenticationError)
    expect(later.elapsed).toBeLessThan(5_000)
  })

  it('fails for an ECC key the server has not registered for this ID; the server reports nothing it cannot see', async () => {
    const serverKeys = await generateKeyPair()
    const server = closer.add(
      await createServer({
        bind: '127.0.0.1',
        port: 0,
        keyPair: serverKeys,
        clients: { ecc: { [ID]: (await generateKeyPair()).publicKey } },
      }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        secretKey: (await generateKeyPair()).secretKey,
        serverKey: serverKeys.publicKey,
      }),
    )
    const { error, elapsed } = await rejection(client.publish('lights', 'kitchen', 'on', { timeout: 20_000 }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error).toMatchObject({ reason: 'forged-answer' })
    expect(elapsed).toBeLessThan(10_000)
  })

  it('fails for an unknown ECC client ID; the server emits handshake:rejected and counts it', async () => {
    const serverKeys = await generateKeyPair()
    const server = closer.add(await createServer({ bind: '127.0.0.1', port: 0, keyPair: serverKeys }))
    const rejected: { address: string; clientId: Uint8Array; reason: string }[] = []
    server.on('handshake:rejected', (detail) =>
      rejected.push({ address: detail.address.address, clientId: detail.clientId, reason: detail.reason }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        secretKey: (await generateKeyPair()).secretKey,
        serverKey: serverKeys.publicKey,
      }),
    )
    const { error, elapsed } = await rejection(client.waitForServer({ timeout: 20_000 }))
    expect(error).toMatchObject({ code: 'ERR_AUTH_FAILED', reason: 'invalid-client-id' })
    expect(elapsed).toBeLessThan(10_000)
    expect(rejected[0]).toEqual({
      address: '127.0.0.1',
      clientId: new TextEncoder().encode(ID),
      reason: 'unknown-client',
    })
    expect(server.stats().rejectedHandshakes).toBe(rejected.length)
    expect(Object.keys(rejected[0] ?? {})).not.toContain('publicKey')
  })

  it('keeps TimeoutError when nobody answers', async () => {
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${await freePort()}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk: await generatePsk(),
      }),
    )
    const { error } = await rejection(client.waitForServer({ timeout: 300 }))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).not.toBeInstanceOf(AuthenticationError)
  })
})
