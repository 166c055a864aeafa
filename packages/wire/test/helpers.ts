import fc from 'fast-check'
import { expect } from 'vitest'
import type { AppMessage, SetupMessage, WireDecodeReason } from '../src/index.ts'
import { WireDecodeError } from '../src/index.ts'

/** Runs `fn`, which must throw a WireDecodeError (with `reason` and `offset` when given); returns it. */
export function expectWireError(
  fn: () => unknown,
  reason?: WireDecodeReason,
  offset?: number,
): WireDecodeError {
  let thrown: unknown
  try {
    fn()
  } catch (e) {
    thrown = e
  }
  expect(thrown, 'expected a WireDecodeError').toBeInstanceOf(WireDecodeError)
  const error = thrown as WireDecodeError
  expect(error.code).toBe('ERR_DECODE')
  if (reason !== undefined) expect(error.reason).toBe(reason)
  if (offset !== undefined) expect(error.offset).toBe(offset)
  return error
}

/**
 * Calls `decode` on `input`: it must return or throw a WireDecodeError whose
 * offset lies within the input, and must leave `input` unchanged.
 */
export function decodesOrRejects<T>(decode: (b: Uint8Array) => T, input: Uint8Array): T | WireDecodeError {
  const before = input.slice()
  let result: T | WireDecodeError
  try {
    result = decode(input)
  } catch (e) {
    expect(e).toBeInstanceOf(WireDecodeError)
    const error = e as WireDecodeError
    expect(error.offset).toBeGreaterThanOrEqual(0)
    expect(error.offset).toBeLessThanOrEqual(Math.max(input.length, 4096))
    result = error
  }
  expect(input).toEqual(before)
  return result
}

/** Mutations of a valid encoding: truncations, extensions and bit flips. */
export function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((n) => valid.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => concat(valid, extra)),
    fc
      .array(fc.nat({ max: valid.length * 8 - 1 }), { minLength: 1, maxLength: 4 })
      .filter(() => valid.length > 0)
      .map((bits) => {
        const copy = valid.slice()
        for (const bit of bits) copy[bit >> 3]! ^= 1 << (bit & 7)
        return copy
      }),
  )
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** `n` random bytes. */
export const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
/** Up to `max` random bytes. */
export const someBytes = (max = 64) => fc.uint8Array({ maxLength: max })
export const u8 = fc.integer({ min: 0, max: 0xff })
export const u16 = fc.integer({ min: 0, max: 0xffff })
export const u32 = fc.integer({ min: 0, max: 0xffff_ffff })
export const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
export const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
/** Non-zero counters, biased to the edges (server counters start above 2^63). */
export const counter = fc.oneof(
  fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
  fc.constantFrom(1n, 2n ** 63n, 2n ** 63n + 5n, 2n ** 64n - 1n),
)
/** Any well-formed text (all code points, including astral and U+FEFF). */
export const text = fc.string({ unit: 'binary', maxLength: 24 })
/** Well-formed text without `\n` (message targets and names). */
export const line = text.filter((s) => !s.includes('\n'))
/** Well-formed text without NUL. */
export const noNul = text.filter((s) => !s.includes('\0'))

/** One arbitrary per setup message type. */
export const setupMessages: Record<SetupMessage['type'], fc.Arbitrary<SetupMessage>> = {
  'nonce-request': fc.record({
    type: fc.constant('nonce-request' as const),
    suite: u8,
    clientId: bytes(16),
    challenge: bytes(16),
    sessionId: bytes(16),
    publicKey: bytes(32),
  }),
  'psk-nonce': fc.record({
    type: fc.constant('psk-nonce' as const),
    serverNonce: bytes(32),
    challenge: bytes(16),
    hash: bytes(32),
  }),
  'psk-client-info': fc.record({
    type: fc.constant('psk-client-info' as const),
    suite: u8,
    clientId: bytes(16),
    clientNonce: bytes(32),
    serverNonce: bytes(32),
    counter: u64,
    hash: bytes(32),
  }),
  'unrecognized-client': fc.constant({ type: 'unrecognized-client' as const }),
  'new-server-join': fc.constant({ type: 'new-server-join' as const }),
  'invalid-client-id': fc.record({ type: fc.constant('invalid-client-id' as const), challenge: bytes(16) }),
  'session-accepted': fc.record({ type: fc.constant('session-accepted' as const), sessionId: bytes(16) }),
  'ecc-nonce': fc.record({ type: fc.constant('ecc-nonce' as const), boxNonce: bytes(24), box: bytes(64) }),
  'ecc-client-info': fc.record({
    type: fc.constant('ecc-client-info' as const),
    clientId: bytes(16),
    suite: u8,
    boxNonce: bytes(24),
    box: bytes(120),
  }),
}

/** The defined app opcodes, for excluding them from unknown messages. */
const DEFINED = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 18, 20, 21])

/** One arbitrary per app message type. */
export const appMessages: Record<AppMessage['type'], fc.Arbitrary<AppMessage>> = {
  reliable: fc.record({
    type: fc.constant('reliable' as const),
    target: line,
    name: line,
    body: someBytes(),
  }),
  unreliable: fc.record({
    type: fc.constant('unreliable' as const),
    target: line,
    name: line,
    body: someBytes(),
  }),
  ack: fc.record(
    { type: fc.constant('ack' as const), counter: u64, status: bytes(3) },
    { requiredKeys: ['type', 'counter'] },
  ),
  'rpc-call': fc.record({ type: fc.constant('rpc-call' as const), fn: u16, args: someBytes() }),
  'rpc-response': fc.record({
    type: fc.constant('rpc-response' as const),
    callCounter: u64,
    status: u16,
    data: someBytes(),
  }),
  quit: fc.constant({ type: 'quit' as const }),
  subscribe: fc.record({ type: fc.constant('subscribe' as const), target: line }),
  unsubscribe: fc.record({ type: fc.constant('unsubscribe' as const), target: line }),
  'client-accept': fc.record({ type: fc.constant('client-accept' as const), serverMonotonicUs: u64 }),
  'time-sync-request': fc.constant({ type: 'time-sync-request' as const }),
  'time-sync-response': fc.oneof(
    fc.record({ type: fc.constant('time-sync-response' as const), requestCounter: u64, monotonicUs: u64 }),
    fc.record({
      type: fc.constant('time-sync-response' as const),
      requestCounter: u64,
      monotonicUs: u64,
      wallUs: u64,
    }),
    fc.record({
      type: fc.constant('time-sync-response' as const),
      requestCounter: u64,
      monotonicUs: u64,
      wallUs: u64,
      taiUs: u64,
    }),
  ),
  'register-read': fc.oneof(
    fc.record({ type: fc.constant('register-read' as const), register: u16 }),
    fc.record({ type: fc.constant('register-read' as const), register: u16, offset: u16 }),
    fc.record({ type: fc.constant('register-read' as const), register: u16, offset: u16, length: u16 }),
  ),
  'register-declaration': fc.record({
    type: fc.constant('register-declaration' as const),
    register: u16,
    offset: u16,
    value: someBytes(),
  }),
  observe: fc.record({
    type: fc.constant('observe' as const),
    register: u16,
    durationMs: u16,
    rateLimitMs: u16,
  }),
  'register-info-request': fc.record({ type: fc.constant('register-info-request' as const), register: u16 }),
  'register-info': fc.record({ type: fc.constant('register-info' as const), register: u16, info: text }),
  'binary-data-update': fc.record({
    type: fc.constant('binary-data-update' as const),
    status: bytes(3),
    records: someBytes(),
  }),
  unknown: fc.record({
    type: fc.constant('unknown' as const),
    opcode: u8.filter((op) => !DEFINED.has(op)),
    payload: someBytes(),
  }),
}
