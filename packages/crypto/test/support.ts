// Shared helpers for the tests: one loaded suite and the vector runs that carry secure datagrams.
import { type DatagramRecord, hex, loadVectors, type RandomDraw } from '@pavillion/test-vectors'
import { loadCrypto, type PavillionCrypto, SymmetricKey } from '../src/index.ts'

export const suite: PavillionCrypto = await loadCrypto()

/** `PavillionS0` (11 bytes) ‖ u64le counter (8 bytes): the box starts at this offset. */
export const HEADER_LENGTH = 19

/** One recorded run: its datagrams and the keys their `key` labels name. */
export interface Run {
  readonly name: string
  readonly datagrams: DatagramRecord[]
  readonly keys: Readonly<Record<string, string>>
  readonly draws: RandomDraw[]
}

/** Every recorded run of every vector file, with the key table its secure datagrams refer to. */
export function allRuns(): Run[] {
  const psk = loadVectors('psk_handshake')
  const secure = loadVectors('secure_messages')
  const ecc = loadVectors('ecc_handshake')
  const guest = loadVectors('guest_ecc_handshake')
  const base = loadVectors('codec').malformed_base_session
  const derivedKeys = (doc: Record<string, Record<string, string>>) => ({
    c2s: doc.derived!.c2s_key!,
    s2c: doc.derived!.s2c_key!,
  })
  return [
    { name: 'psk_handshake', datagrams: psk.datagrams!, keys: derivedKeys(psk), draws: psk.random_draws! },
    { name: 'psk_handshake reconnect', ...sub(psk.reconnect) },
    { name: 'psk_handshake race', ...sub(psk.race) },
    {
      name: 'secure_messages',
      datagrams: secure.datagrams!,
      keys: { c2s: secure.session.c2s_key, s2c: secure.session.s2c_key },
      draws: [],
    },
    { name: 'ecc_handshake', datagrams: ecc.datagrams!, keys: derivedKeys(ecc), draws: ecc.random_draws! },
    { name: 'ecc_handshake reconnect', ...sub(ecc.reconnect) },
    { name: 'ecc_handshake race', ...sub(ecc.race) },
    {
      name: 'guest_ecc_handshake',
      datagrams: guest.datagrams!,
      keys: derivedKeys(guest),
      draws: guest.random_draws!,
    },
    {
      name: 'codec malformed_base_session',
      datagrams: base.transcript,
      keys: { c2s: base.server_session_state.c2s_key, s2c: base.server_session_state.s2c_key },
      draws: base.random_draws,
    },
  ]
}

function sub(part: {
  datagrams: DatagramRecord[]
  keys: Record<string, string>
  random_draws: RandomDraw[]
}) {
  return { datagrams: part.datagrams, keys: part.keys, draws: part.random_draws }
}

/** The SymmetricKey a datagram's `key` label names in its run. */
export function keyOf(run: Run, label: string | undefined): SymmetricKey {
  const value = label === undefined ? undefined : run.keys[label]
  if (value === undefined) throw new Error(`${run.name}: no key labelled ${label}`)
  return SymmetricKey.from(hex(value))
}

/** The u64le counter in a datagram's header. */
export function headerCounter(datagram: Uint8Array): bigint {
  return new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength).getBigUint64(11, true)
}

/** A copy of `bytes` with one bit flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  out[bit >> 3]! ^= 1 << (bit & 7)
  return out
}
