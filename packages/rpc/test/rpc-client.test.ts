import { ClosedError, InvalidArgumentError, PavillionError, TimeoutError } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { RemoteError, RpcClient } from '../src/index.ts'
import { SERVER_INFO, StubClient } from './support/stubs.ts'

const response = (callCounter: bigint, status: number, data: Uint8Array = new Uint8Array(0)) =>
  encodeApp({ type: 'rpc-response', callCounter, status, data })

describe('RpcClient outcome mapping', () => {
  it('turns each delivery outcome into its typed error', async () => {
    const host = new StubClient()
    const rpc = new RpcClient(host)
    const timedOut = rpc.call(1).catch((e: unknown) => e)
    const closed = rpc.call(2).catch((e: unknown) => e)
    const ackedOnly = rpc.call(3).catch((e: unknown) => e)
    host.sends[0]!.finish('deadline')
    host.sends[1]!.finish('closed')
    host.sends[2]!.finish('acknowledged') // an opcode-2 ack for the call packet, no response
    const timeout = await timedOut
    expect(timeout).toBeInstanceOf(TimeoutError)
    expect(timeout).toMatchObject({ code: 'ERR_TIMEOUT', attempts: 3 })
    expect(await closed).toBeInstanceOf(ClosedError)
    expect(await ackedOnly).toBeInstanceOf(PavillionError)
    expect(await ackedOnly).toMatchObject({ code: 'ERR_RPC_REMOTE' })
    expect(rpc.pending).toBe(0)
  })

  it('ignores a response to a call that already ended, and one matching no call', async () => {
    const host = new StubClient()
    const rpc = new RpcClient(host)
    const call = rpc.call(1).catch((e: unknown) => e)
    const { counter } = host.sends[0]!
    host.sends[0]!.finish('deadline')
    expect(await call).toBeInstanceOf(TimeoutError)
    expect(() => host.deliver(response(counter, 0))).not.toThrow()
    expect(() => host.deliver(response(999_999n, 0))).not.toThrow()
  })

  it('keeps the first answer of each server in callAll and reports errors per server', async () => {
    const host = new StubClient()
    const rpc = new RpcClient(host)
    const all = rpc.callAll(5)
    const { counter } = host.sends[0]!
    host.deliver(response(counter, 7, new TextEncoder().encode('nope')))
    host.sends[0]!.finish('deadline')
    const results = await all
    expect(results).toHaveLength(1)
    expect(results[0]!.server).toBe(SERVER_INFO)
    expect('error' in results[0]! && results[0].error).toBeInstanceOf(RemoteError)
    expect('error' in results[0]! && results[0].error.text).toBe('nope')

    const closing = rpc.callAll(5).catch((e: unknown) => e)
    host.sends[1]!.finish('closed')
    expect(await closing).toBeInstanceOf(ClosedError)
  })

  it('refuses calls once closed, still checking arguments synchronously', async () => {
    const host = new StubClient()
    const rpc = new RpcClient(host)
    rpc.close()
    await expect(rpc.call(1)).rejects.toBeInstanceOf(ClosedError)
    await expect(rpc.callAll(1)).rejects.toBeInstanceOf(ClosedError)
    expect(() => rpc.callAll(-1)).toThrow(InvalidArgumentError)
  })
})
