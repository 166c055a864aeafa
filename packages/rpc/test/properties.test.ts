import { encodeApp } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { utf8Truncated } from '../src/bytes.ts'
import { MAX_ARGS_SIZE, MAX_RESULT_SIZE, RemoteError, RpcClient, RpcError, RpcServer } from '../src/index.ts'
import { StubClient, StubServer } from './support/stubs.ts'

const tick = () => new Promise((resolve) => setImmediate(resolve))
const wellFormed = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text))

/** A client and a server joined through their stubs: each call's plaintext is delivered and answered. */
function loop(register: (rpc: RpcServer) => void) {
  const serverHost = new StubServer()
  register(new RpcServer(serverHost))
  const clientHost = new StubClient()
  const rpc = new RpcClient(clientHost)
  return async <T>(call: (rpc: RpcClient) => Promise<T>): Promise<T> => {
    const pending = call(rpc)
    const sent = clientHost.sends.at(-1)!
    serverHost.deliver(sent.plaintext, sent.counter)
    await tick()
    clientHost.deliver(serverHost.sent.at(-1)!.plaintext)
    return pending
  }
}

describe('properties of argument and result handling', () => {
  it('any arguments reach the handler and any result comes back byte for byte', async () => {
    const through = loop((rpc) => {
      for (const fn of [0, 401, 65_535]) rpc.handle(fn, (args) => Uint8Array.from(args).reverse())
    })
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 401, 65_535),
        fc.uint8Array({ maxLength: MAX_ARGS_SIZE }),
        async (fn, args) => {
          const result = await through((rpc) => rpc.call(fn, args))
          expect(result).toEqual(Uint8Array.from(args).reverse())
        },
      ),
      { numRuns: 200 },
    )
  })

  it('any RpcError reaches the caller with its status and its message (cut to a response)', async () => {
    const through = loop((rpc) => {
      rpc.handle(500, (args) => {
        const view = new DataView(args.buffer, args.byteOffset, args.byteLength)
        throw new RpcError(view.getUint16(0, true), new TextDecoder().decode(args.subarray(2)))
      })
    })
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0xffff }),
        fc.string({ unit: 'binary', maxLength: 1500 }),
        async (status, message) => {
          const args = new Uint8Array([
            status & 0xff,
            status >> 8,
            ...new TextEncoder().encode(message),
          ]).slice(0, MAX_ARGS_SIZE)
          const sentMessage = new TextDecoder().decode(args.subarray(2))
          const error = await through((rpc) => rpc.call(500, args)).catch((e: unknown) => e)
          expect(error).toBeInstanceOf(RemoteError)
          expect((error as RemoteError).status).toBe(status)
          const expected = new TextEncoder().encode(wellFormed(sentMessage))
          const got = new TextEncoder().encode((error as RemoteError).text)
          expect(got.length).toBeLessThanOrEqual(MAX_RESULT_SIZE)
          expect(expected.subarray(0, got.length)).toEqual(got)
          if (expected.length <= MAX_RESULT_SIZE) expect(got).toEqual(expected)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('any response a server sends settles the call: a result, or a RemoteError with a readable text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 600 }),
        async (status, data) => {
          const host = new StubClient()
          const rpc = new RpcClient(host)
          const call = rpc.call(9).catch((e: unknown) => e)
          host.deliver(encodeApp({ type: 'rpc-response', callCounter: host.sends[0]!.counter, status, data }))
          const outcome = await call
          if (status === 0) expect(outcome).toEqual(data)
          else expect(outcome).toMatchObject({ status, text: new TextDecoder().decode(data) })
        },
      ),
    )
  })

  it('utf8Truncated cuts at a character boundary and never exceeds the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 0, max: 1300 }),
        (text, max) => {
          const cut = utf8Truncated(text, max)
          const full = new TextEncoder().encode(text)
          expect(cut.length).toBeLessThanOrEqual(max)
          expect(full.subarray(0, cut.length)).toEqual(cut)
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(cut)).not.toThrow()
          if (full.length <= max) expect(cut).toEqual(full)
          else expect(cut.length).toBeGreaterThan(max - 4) // a character is at most 4 bytes
        },
      ),
    )
  })
})
