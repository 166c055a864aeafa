import { AppOpcode, WireDecodeError } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClientInfo, OpcodeEvent, ServerInfo } from '../src/events.ts'
import { SimWorld as World } from '../src/testing/sim-world.ts'
import { text } from './support/bytes.ts'

const SERVER = { address: '127.0.0.1', port: 1783 }
/** An opcode the wire codec does not define: a layer of our own owns it. */
const OURS = 30

let world: World
afterEach(async () => {
  await world?.close()
})

/** A u64, little-endian. */
function u64(value: bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, value, true)
  return out
}

/** What a handler saw, with the payload copied out of the packet. */
function record<P>(seen: OpcodeEvent<P>[]): (event: OpcodeEvent<P>) => void {
  return (event) => seen.push({ ...event, payload: event.payload.slice() })
}

describe('opcodes owned by layers', () => {
  it('a layer registers an opcode wire does not know and receives it both ways over the memory network', async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    const atServer: OpcodeEvent<ClientInfo>[] = []
    const atClient: OpcodeEvent<ServerInfo>[] = []
    server.handle(OURS, record(atServer))
    client.handle(OURS, record(atClient))
    await world.run(20)
    client.send(Uint8Array.of(OURS, 1, 2, 3))
    await world.run(5)
    expect(atServer).toEqual([
      {
        type: 'message',
        opcode: OURS,
        payload: Uint8Array.of(1, 2, 3),
        counter: expect.any(BigInt),
        sender: server.sessions()[0],
        duplicate: false,
      },
    ])
    server.send(Uint8Array.of(OURS, ...text('back')))
    await world.run(5)
    expect(atClient.map((e) => [e.opcode, [...e.payload], e.sender.key, e.duplicate])).toEqual([
      [OURS, [...text('back')], client.servers()[0]!.key, false],
    ])
    expect(server.stats().unknownOpcode).toBe(0)
  })

  it('duplicates reach only the handlers that ask for them; the engine still re-acknowledges opcode 1', async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    const plain: OpcodeEvent<ClientInfo>[] = []
    const withDuplicates: OpcodeEvent<ClientInfo>[] = []
    server.handle(OURS, record(plain))
    server.handle(OURS + 1, record(withDuplicates), { duplicates: true })
    await world.run(20)
    world.net.impair({ to: SERVER }, { duplicate: 1 })
    client.send(Uint8Array.of(OURS, 7))
    client.send(Uint8Array.of(OURS + 1, 8))
    await world.run(5)
    expect(plain.map((e) => e.duplicate)).toEqual([false])
    expect(withDuplicates.map((e) => e.duplicate)).toEqual([false, true])
    expect(withDuplicates[0]!.counter).toBe(withDuplicates[1]!.counter)
  })

  it('counts what no layer takes as unknownOpcode (reported as a message event) and what its decoder refuses as malformed', async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    const unhandled: number[] = []
    server.on('message', (e) => unhandled.push(e.opcode))
    server.handle(OURS, () => {
      throw new WireDecodeError('TRUNCATED', 1, 'too short')
    })
    await world.run(20)
    client.send(Uint8Array.of(99))
    client.send(Uint8Array.of(OURS))
    await world.run(5)
    expect(unhandled).toEqual([99])
    expect(server.stats()).toMatchObject({ unknownOpcode: 1, malformed: 1 })
  })

  it('a send answered by a layer opcode settles with the answer in its report; a late answer goes to the handler', async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    const ASK = OURS
    const ANSWER = OURS + 1
    // The server's layer answers each request: opcode 31 ‖ u64 counter answered ‖ the request's bytes reversed.
    server.handle(ASK, ({ payload, counter, sender }) => {
      server.send(Uint8Array.of(ANSWER, ...u64(counter), ...payload.slice().reverse()), { to: [sender.key] })
    })
    const strays: OpcodeEvent<ServerInfo>[] = []
    client.handle(ANSWER, record(strays))
    await world.run(20)
    const { done } = client.sendTracked(Uint8Array.of(ASK, 1, 2, 3), { answeredBy: ANSWER, expect: 'any' })
    await world.run(10)
    const report = await done
    expect(report.outcome).toBe('acknowledged')
    expect(report.answers.map((a) => [a.opcode, [...a.payload.subarray(8)], a.sender.key])).toEqual([
      [ANSWER, [3, 2, 1], client.servers()[0]!.key],
    ])
    expect(strays).toEqual([])
    // An answer to a send that already settled is no answer: its handler sees it.
    server.send(Uint8Array.of(ANSWER, ...u64(report.counter), 9), {})
    await world.run(5)
    expect(strays.map((e) => [...e.payload.subarray(8)])).toEqual([[9]])
  })

  it('refuses opcodes the engine decodes itself, a second handler, and numbers outside a byte', async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    for (const opcode of [AppOpcode.Ack, AppOpcode.Quit, AppOpcode.TimeSyncRequest, 256, -1, 1.5])
      expect(() => server.handle(opcode, () => {})).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      )
    expect(() => client.handle(AppOpcode.ClientAccept, () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    )
    const remove = server.handle(OURS, () => {})
    expect(() => server.handle(OURS, () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    )
    remove()
    expect(() => server.handle(OURS, () => {})).not.toThrow()
    // Opcode 1 is the engine's envelope but its content a layer's.
    expect(() => server.handle(AppOpcode.Reliable, () => {})).not.toThrow()
  })

  it("refuses an expect word that is no Expectation (a JavaScript caller's), naming the words", async () => {
    world = await World.create()
    const server = world.server(SERVER)
    const client = world.client(SERVER)
    const refused = expect.objectContaining({
      code: 'ERR_INVALID_ARGUMENT',
      message: '"expect" expected one of any, all, until-deadline, got "connected"',
    })
    const options = { expect: 'connected' as 'all' }
    expect(() => client.sendTracked(Uint8Array.of(OURS), options)).toThrow(refused)
    expect(() => server.sendTracked(Uint8Array.of(OURS), options)).toThrow(refused)
  })
})
