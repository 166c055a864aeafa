import { InvalidArgumentError } from '../errors.ts'
import type { PeerAddress, Transport } from '../transport.ts'

/**
 * The parts of a test framework the suite uses; pass vitest's (or a
 * compatible runner's) `describe`, `it` and `expect`. Taking them as a
 * parameter keeps the runner out of this package's runtime code.
 */
export interface SuiteRunner {
  describe(name: string, body: () => void): void
  it(name: string, body: () => Promise<void>): void
  expect(actual: unknown): { toBe(expected: unknown): void; toEqual(expected: unknown): void }
}

/** Transports under test. The suite closes them after each test. */
export interface TransportFixture {
  /** Two (optionally three) open transports bound to concrete addresses: each reaches the others at their `localAddress()`. */
  readonly a: Transport
  readonly b: Transport
  readonly c?: Transport
  /** Lets datagrams in flight arrive: `net.drain()` in memory, a few milliseconds' wait on real sockets. */
  deliver(): Promise<void> | void
  /** Rounds of `deliver()` to wait for an expected datagram before failing. Default 200. */
  readonly patience?: number
}

/** Opens fresh transports for one test. */
export type TransportFixtureFactory = () => Promise<TransportFixture>

interface Arrival {
  /** A copy of the bytes received. */
  readonly bytes: Uint8Array
  readonly from: PeerAddress
  /** Whether the handler was given a Uint8Array (a Buffer counts). */
  readonly wasUint8Array: boolean
}

/** Rounds of `deliver()` a test waits for something that must not arrive. */
const QUIET_ROUNDS = 5

/**
 * Declares the `Transport` contract tests (transport.ts) for one
 * implementation: delivery and source addresses, sizes, copying, own-address
 * checks and close semantics. Call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest'
 * transportSuite({ describe, it, expect }, 'MemoryTransport', async () => {
 *   const net = new MemoryNetwork()
 *   return { a: net.createTransport(), b: net.createTransport(), deliver: () => void net.drain() }
 * })
 * ```
 */
export function transportSuite(runner: SuiteRunner, name: string, open: TransportFixtureFactory): void {
  const { describe, expect } = runner
  const it = (title: string, body: (fixture: TransportFixture) => Promise<void>): void =>
    runner.it(title, async () => {
      const fixture = await open()
      try {
        await body(fixture)
      } finally {
        await Promise.all([fixture.a.close(), fixture.b.close(), fixture.c?.close()])
      }
    })

  describe(`${name} (Transport contract)`, () => {
    it('reports a concrete local address', async ({ a }) => {
      const local = a.localAddress()
      expect(typeof local.address === 'string' && local.address.length > 0).toBe(true)
      expect(Number.isInteger(local.port) && local.port > 0 && local.port <= 65535).toBe(true)
      expect(a.localAddress()).toEqual(local)
    })

    it('delivers a datagram with the sender as source', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      a.send(b.localAddress(), bytesOf(1, 2, 3))
      await settle(fixture, () => inbox.length >= 1)
      expect(inbox.length).toBe(1)
      expect(inbox[0]!.wasUint8Array).toBe(true)
      expect([...inbox[0]!.bytes]).toEqual([1, 2, 3])
      expect(sourceOf(inbox[0]!)).toEqual(sourceOf({ from: a.localAddress() }))
    })

    it('lets the receiver reply to the source address', async (fixture) => {
      const { a, b } = fixture
      b.onDatagram((bytes, from) => b.send(from, bytes.slice().reverse()))
      const inbox = listen(a)
      a.send(b.localAddress(), bytesOf(1, 2))
      await settle(fixture, () => inbox.length >= 1)
      expect([...inbox[0]!.bytes]).toEqual([2, 1])
      expect(sourceOf(inbox[0]!)).toEqual(sourceOf({ from: b.localAddress() }))
    })

    it('delivers many datagrams (in any order)', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      const count = 100
      for (let i = 0; i < count; i++) a.send(b.localAddress(), bytesOf(i))
      await settle(fixture, () => inbox.length >= count)
      const received = inbox.map((arrival) => arrival.bytes[0] ?? -1).sort((x, y) => x - y)
      expect(received).toEqual(Array.from({ length: count }, (_, i) => i))
    })

    it('delivers an empty datagram', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      a.send(b.localAddress(), new Uint8Array(0))
      await settle(fixture, () => inbox.length >= 1)
      expect(inbox.map((arrival) => arrival.bytes.length)).toEqual([0])
    })

    it('delivers a 1472-byte datagram intact', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      const big = Uint8Array.from({ length: 1472 }, (_, i) => (i * 31 + 7) & 0xff)
      a.send(b.localAddress(), big)
      await settle(fixture, () => inbox.length >= 1)
      expect(inbox[0]!.bytes.length).toBe(1472)
      expect(equalBytes(inbox[0]!.bytes, big)).toBe(true)
    })

    it('keeps no reference to the bytes passed to send()', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      const buffer = bytesOf(1, 2, 3, 4)
      a.send(b.localAddress(), buffer)
      buffer.fill(9)
      await settle(fixture, () => inbox.length >= 1)
      expect([...inbox[0]!.bytes]).toEqual([1, 2, 3, 4])
    })

    it('distinguishes senders by source address', async (fixture) => {
      const { a, b, c } = fixture
      const inbox = listen(b)
      const senders = c === undefined ? [a] : [a, c]
      for (const [i, sender] of senders.entries()) sender.send(b.localAddress(), bytesOf(i))
      await settle(fixture, () => inbox.length >= senders.length)
      for (const arrival of inbox) {
        expect(sourceOf(arrival)).toEqual(sourceOf({ from: senders[arrival.bytes[0]!]!.localAddress() }))
      }
    })

    it('recognises its own address and no other', async ({ a, b }) => {
      expect(a.isOwnAddress(a.localAddress())).toBe(true)
      expect(a.isOwnAddress({ address: a.localAddress().address, port: a.localAddress().port })).toBe(true)
      expect(a.isOwnAddress(b.localAddress())).toBe(false)
      expect(b.isOwnAddress(a.localAddress())).toBe(false)
    })

    it('rejects an out-of-range port with an InvalidArgumentError', async ({ a, b }) => {
      const error = thrownBy(() => a.send({ address: b.localAddress().address, port: 65536 }, bytesOf(1)))
      expect(error instanceof InvalidArgumentError).toBe(true)
      expect(codeOf(error)).toBe('ERR_INVALID_ARGUMENT')
    })

    it('close() is idempotent', async ({ a }) => {
      await Promise.all([a.close(), a.close()])
      await a.close()
      expect(codeOf(thrownBy(() => a.send(a.localAddress(), bytesOf(1))))).toBe('ERR_TRANSPORT_CLOSED')
    })

    it('delivers nothing after close()', async (fixture) => {
      const { a, b } = fixture
      const inbox = listen(b)
      a.send(b.localAddress(), bytesOf(1))
      await b.close()
      await settle(fixture, () => false, QUIET_ROUNDS)
      expect(inbox.length).toBe(0)
    })

    it('send() after close() throws ERR_TRANSPORT_CLOSED', async ({ a, b }) => {
      await a.close()
      const error = thrownBy(() => a.send(b.localAddress(), bytesOf(1)))
      expect(error instanceof Error).toBe(true)
      expect(codeOf(error)).toBe('ERR_TRANSPORT_CLOSED')
    })

    it('[Symbol.asyncDispose]() closes the transport', async ({ a, b }) => {
      await a[Symbol.asyncDispose]()
      expect(codeOf(thrownBy(() => a.send(b.localAddress(), bytesOf(1))))).toBe('ERR_TRANSPORT_CLOSED')
    })
  })
}

function listen(transport: Transport): Arrival[] {
  const inbox: Arrival[] = []
  transport.onDatagram((bytes, from) =>
    inbox.push({ bytes: Uint8Array.from(bytes), from, wasUint8Array: bytes instanceof Uint8Array }),
  )
  return inbox
}

async function settle(fixture: TransportFixture, done: () => boolean, rounds = fixture.patience ?? 200) {
  for (let round = 0; round < rounds && !done(); round++) await fixture.deliver()
}

function sourceOf(arrival: { readonly from: PeerAddress }): PeerAddress {
  return { address: arrival.from.address, port: arrival.from.port }
}

function bytesOf(...values: number[]): Uint8Array {
  return Uint8Array.from(values)
}

function equalBytes(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((value, i) => value === y[i])
}

function thrownBy(action: () => void): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  return undefined
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
}
