// Every recorded secure datagram: opens with its key and counter nonce to the recorded
// plaintext, and the plaintext seals back to the recorded bytes.
import { hex, loadVectors, toHex, u64 } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import { allRuns, HEADER_LENGTH, headerCounter, keyOf, suite } from './support.ts'

const runs = allRuns()

const withSecure = runs.filter((run) => run.datagrams.some((d) => d.kind === 'secure'))

describe.each(withSecure)('$name', (run) => {
  const secure = run.datagrams.filter((d) => d.kind === 'secure')
  it.each(secure)('#$i $opcode_name ($key, counter $counter)', (d) => {
    const datagram = hex(d.hex)
    const counter = u64(d.counter)
    const key = keyOf(run, d.key)
    expect(headerCounter(datagram)).toBe(counter)
    expect(toHex(suite.counterNonce(counter))).toBe(d.nonce)
    const box = datagram.subarray(HEADER_LENGTH)
    expect(toHex(box)).toBe(d.box)
    const plaintext = suite.open(box, counter, key)
    expect(plaintext && toHex(plaintext)).toBe(d.plaintext)
    expect(plaintext?.[0]).toBe(d.opcode)
    expect(toHex(suite.seal(hex(d.plaintext!), counter, key))).toBe(d.box)
    expect(suite.open(box, counter + 1n, key)).toBeUndefined()
  })
})

it('the runs cover every secure datagram with a plaintext in the vector files', () => {
  const count = (value: unknown): number => {
    if (typeof value !== 'object' || value === null) return 0
    const own = 'kind' in value && value.kind === 'secure' && 'plaintext' in value ? 1 : 0
    return Object.values(value).reduce((n: number, child) => n + count(child), own)
  }
  const files = ['codec', 'psk_handshake', 'secure_messages', 'ecc_handshake', 'guest_ecc_handshake'] as const
  const recorded = files.reduce((n, file) => n + count(loadVectors(file)), 0)
  const covered = runs.reduce((n, run) => n + run.datagrams.filter((d) => d.kind === 'secure').length, 0)
  expect(covered).toBe(recorded)
  expect(covered).toBe(66)
})

describe('codec.json malformed cases: the secure responses open with the base session keys', () => {
  const codec = loadVectors('codec')
  const base = runs.find((r) => r.name === 'codec malformed_base_session')!
  type Response = { hex: string; kind: string; key: string; opcode: number }
  const responses = (codec.malformed as { name: string; reference_outcome: { responses: Response[] } }[])
    .flatMap((m) => m.reference_outcome.responses.map((r) => ({ ...r, name: m.name })))
    .filter((r) => r.kind === 'secure')
  it.each(responses)('$name: response opcode $opcode ($key)', (r) => {
    const datagram = hex(r.hex)
    const plaintext = suite.open(
      datagram.subarray(HEADER_LENGTH),
      headerCounter(datagram),
      keyOf(base, r.key),
    )
    expect(plaintext?.[0]).toBe(r.opcode)
  })
})
