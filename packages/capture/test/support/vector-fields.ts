import type { DatagramRecord } from '@pavillion/test-vectors'
import { expect } from 'vitest'
import type { CaptureRecord } from '../../src/index.ts'
import { jsonValue } from '../../src/index.ts'

/** Vector field name → our decoded field name, per kind and opcode (PROTOCOL.md §5, §7). */
const SETUP: Record<number, Record<string, string>> = {
  1: {
    cipher: 'suite',
    client_id: 'clientId',
    challenge: 'challenge',
    session_id: 'sessionId',
    client_pubkey: 'publicKey',
  },
  2: { server_nonce: 'serverNonce', challenge: 'challenge', hash: 'hash' },
  3: {
    cipher: 'suite',
    client_id: 'clientId',
    client_nonce: 'clientNonce',
    server_nonce: 'serverNonce',
    client_counter: 'counter',
    hash: 'hash',
  },
  4: {},
  7: { session_id: 'sessionId' },
  11: { box_nonce: 'boxNonce', box: 'box' },
  12: { client_id: 'clientId', cipher: 'suite', box_nonce: 'boxNonce', box: 'box' },
}
const OPENED: Record<number, Record<string, string>> = {
  11: { server_nonce: 'serverNonce', challenge: 'challenge' },
  12: { server_nonce: 'serverNonce', c2s_key: 'ckey', s2c_key: 'skey', client_counter: 'counter' },
}
const APP: Record<number, Record<string, string>> = {
  1: { target: 'target', name: 'name', data_hex: 'body' },
  2: { acked_counter: 'counter', status_hex: 'status' },
  3: { target: 'target', name: 'name', data_hex: 'body' },
  4: { function: 'fn', args_hex: 'args' },
  5: { call_counter: 'callCounter', status_code: 'status', result_hex: 'data' },
  12: {},
  13: { topic: 'target' },
  20: {},
  21: { request_counter: 'requestCounter', monotonic_us: 'monotonicUs', wall_clock_us: 'wallUs' },
}
/** Vector fields that restate others (text renderings, the raw plaintext, warnings). */
const DERIVED = new Set(['data_text', 'result_text', 'plaintext', 'plaintext_fields', 'WARNING'])

/** Compares decoded fields (as JSON-ready values, keys not redacted) with a vector's fields. */
function compare(
  label: string,
  ours: Record<string, unknown>,
  theirs: Record<string, unknown>,
  names: Record<string, string>,
) {
  for (const [name, value] of Object.entries(theirs)) {
    if (DERIVED.has(name)) continue
    const field = names[name]
    expect(field, `${label}: vector field ${name} has no mapping`).toBeDefined()
    const got = ours[field!]
    // An ack without status bytes has no `status` field; the vector writes "".
    if (name === 'status_hex' && value === '') expect(got, label).toBeUndefined()
    else expect(String(got), `${label}: ${name}`).toBe(String(value))
  }
}

/** Raw JSON-ready fields, the session keys included (the printed form redacts them). */
function raw(value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v)
  return out
}

const show = (value: unknown) => JSON.stringify(jsonValue(value))

/** Asserts that `record` decodes the recorded datagram `rec` to its recorded fields. */
export function expectVector(label: string, record: CaptureRecord, rec: DatagramRecord): void {
  const { decoded } = record
  expect(record.size, label).toBe(rec.len)
  const fields = (rec.fields ?? {}) as Record<string, unknown>
  if (rec.kind === 'setup') {
    expect(decoded.kind, `${label}: ${show(decoded)}`).toBe('setup')
    if (decoded.kind !== 'setup') return
    compare(label, raw(decoded.message), fields, SETUP[rec.opcode!] ?? {})
    const plaintext = fields.plaintext_fields as Record<string, unknown> | undefined
    if (plaintext !== undefined) {
      expect(decoded.opened, `${label}: box not opened (${decoded.notes.join('; ')})`).toBeDefined()
      compare(`${label} opened`, raw(decoded.opened!), plaintext, OPENED[rec.opcode!] ?? {})
    }
  } else if (rec.kind === 'secure') {
    expect(decoded.kind, `${label}: ${show(decoded)}`).toBe('secure')
    if (decoded.kind !== 'secure') return
    expect(decoded.counter.toString(), label).toBe(rec.counter)
    expect(decoded.direction, label).toBe(
      rec.key?.startsWith('c2s') ? 'client-to-server' : 'server-to-client',
    )
    expect(decoded.message.type === 'unknown' ? -1 : rec.opcode, label).toBe(rec.opcode)
    compare(label, raw(decoded.message), fields, APP[rec.opcode!] ?? {})
  } else {
    expect(decoded.kind, label).toBe('undecoded')
  }
}
