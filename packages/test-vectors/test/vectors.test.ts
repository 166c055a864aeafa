import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { hex, loadVectors, toHex, type VectorFile, vectorPath } from '../src/index.ts'

const files: VectorFile[] = [
  'codec',
  'psk_handshake',
  'secure_messages',
  'ecc_handshake',
  'guest_ecc_handshake',
]

describe('test vectors', () => {
  it.each(files)('%s parses and every datagram hex matches its length', (file) => {
    const doc = loadVectors(file)
    expect(doc.format_version).toBe(1)
    for (const d of doc.datagrams ?? []) expect(hex(d.hex).length).toBe(d.len)
  })

  // When the shared folder sits beside the repository (a team checkout, CI), the
  // copies here must be identical to it; a newcomer's clone simply skips this.
  const shared = new URL('../../../../shared/vectors/', import.meta.url).pathname
  it.runIf(existsSync(shared)).each(files)('%s is identical to the shared copy', (file) => {
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')
    expect(sha(vectorPath(file))).toBe(sha(`${shared}${file}.json`))
  })

  it('hex and toHex round-trip', () => {
    expect(toHex(hex('00ff10'))).toBe('00ff10')
    expect(() => hex('abc')).toThrow(RangeError)
  })
})
