import { type DatagramRecord, hex, loadVectors, toHex } from '@pavillion/test-vectors'
import { decodeApp, type RpcResponse } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { RemoteError, RpcClient, RpcServer } from '../src/index.ts'
import { StubClient, StubServer } from './support/stubs.ts'

// The RPC payload layer against the reference's recorded plaintexts (the sealed
// envelopes are replayed byte for byte in @pavillion/core's tests).

const secure = loadVectors('secure_messages').datagrams!
const steps = (records: DatagramRecord[], step: string) => {
  const [call, response] = records.filter((d) => d.step === step)
  return { call: call!, response: response! }
}

const echoSteps = [
  ['secure_messages', steps(secure, 'rpc_echo')],
  ['ecc_handshake', steps(loadVectors('ecc_handshake').datagrams!, 'rpc_echo')],
  ['guest_ecc_handshake', steps(loadVectors('guest_ecc_handshake').datagrams!, 'rpc_echo')],
] as const

describe('recorded RPC plaintexts', () => {
  it.each(['rpc_echo', 'rpc_error_raises', 'rpc_nonexistent_function'])(
    '%s: the call and response decode to the recorded fields',
    (step) => {
      const { call, response } = steps(secure, step)
      const decodedCall = decodeApp(hex(call.plaintext!))
      expect(decodedCall).toMatchObject({ type: 'rpc-call', fn: call.fields!.function })
      expect(decodedCall.type === 'rpc-call' && toHex(decodedCall.args)).toBe(call.fields!.args_hex)
      const decodedResponse = decodeApp(hex(response.plaintext!))
      expect(decodedResponse).toMatchObject({
        type: 'rpc-response',
        callCounter: BigInt(call.counter),
        status: response.fields!.status_code,
      })
    },
  )

  it.each(echoSteps)(
    '%s rpc_echo: our server answers the recorded call with the recorded response bytes',
    (_, s) => {
      const host = new StubServer()
      const rpc = new RpcServer(host)
      rpc.handle(401, (args) => args)
      host.deliver(hex(s.call.plaintext!), BigInt(s.call.counter))
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        expect(host.sent.map((m) => toHex(m.plaintext))).toEqual([s.response.plaintext])
        expect(host.sent[0]!.to).toEqual(['127.0.0.2:40002'])
      })
    },
  )

  it.each(echoSteps)(
    '%s rpc_echo: our client sends the recorded call bytes and returns the result',
    async (_, s) => {
      const host = new StubClient()
      const rpc = new RpcClient(host)
      host.nextCounter = BigInt(s.call.counter)
      const call = rpc.call(401, hex(s.call.fields!.args_hex as string))
      expect(toHex(host.sends[0]!.plaintext)).toBe(s.call.plaintext)
      host.deliver(hex(s.response.plaintext!))
      expect(toHex(await call)).toBe(s.response.fields!.result_hex)
    },
  )

  it.each(['rpc_error_raises', 'rpc_nonexistent_function'])(
    '%s: our client turns the reference status 257 into a RemoteError keeping the text',
    async (step) => {
      const { call, response } = steps(secure, step)
      const host = new StubClient()
      const rpc = new RpcClient(host)
      host.nextCounter = BigInt(call.counter)
      const pending = rpc.call(call.fields!.function as number, hex(call.fields!.args_hex as string))
      host.deliver(hex(response.plaintext!))
      const error = await pending.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toMatchObject({ status: 257, statusName: 'ReferenceFailure', code: 'ERR_RPC_REMOTE' })
      expect((error as RemoteError).text).toBe(response.fields!.result_text)
      expect((error as RemoteError).text.startsWith('Exception on remote server')).toBe(true)
    },
  )

  it('our server answers what the reference answered 257 with a short status instead (D16)', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    rpc.handle(402, () => {
      throw new Error('deliberate failure in RPC 402')
    })
    for (const step of ['rpc_error_raises', 'rpc_nonexistent_function']) {
      const { call } = steps(secure, step)
      host.deliver(hex(call.plaintext!), BigInt(call.counter))
    }
    await new Promise((resolve) => setImmediate(resolve))
    const text = (data: Uint8Array) => new TextDecoder().decode(data)
    const [raised, missing] = (host.responses() as RpcResponse[]).sort((a, b) =>
      Number(a.callCounter - b.callCounter),
    )
    expect(raised).toMatchObject({ type: 'rpc-response', status: 1, callCounter: 47268132n })
    expect(text(raised!.data)).toBe('deliberate failure in RPC 402')
    expect(missing).toMatchObject({ type: 'rpc-response', status: 2, callCounter: 47268133n })
    expect(text(missing!.data)).toBe('function 999 does not exist')
  })
})
