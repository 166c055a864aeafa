/**
 * @packageDocumentation
 * Interop transcripts recorded from the Python reference implementation
 * (see `data/README.md` for their provenance and how to replay them), with a
 * small typed loader. Test-only; never published.
 *
 * @example
 * ```ts
 * import { loadVectors, hex } from '@pavillion/test-vectors'
 * const psk = loadVectors('psk_handshake')
 * const first = hex(psk.datagrams[0]!.hex)
 * ```
 */
import { readFileSync } from 'node:fs'

/** The vector files shipped in `data/`. */
export type VectorFile =
  | 'codec'
  | 'psk_handshake'
  | 'secure_messages'
  | 'ecc_handshake'
  | 'guest_ecc_handshake'

/** One recorded datagram (see the README's "datagram record"). */
export interface DatagramRecord {
  i: number
  step: string
  from: 'client' | 'server' | string
  src?: string
  dst?: string
  dst_addr?: [string, number]
  delivered_to?: string[]
  injected?: boolean
  hex: string
  len: number
  counter: string
  kind: 'setup' | 'secure' | 'invalid'
  opcode?: number
  opcode_name?: string
  fields?: Record<string, unknown>
  key?: string
  nonce?: string
  box?: string
  plaintext?: string
  plaintext_fields?: Record<string, unknown>
  effects?: unknown
}

/** One random value the reference drew, in draw order. */
export interface RandomDraw {
  kind: 'urandom' | 'randint' | 'crypto_box_keypair'
  n?: number
  hex?: string
  lo?: string
  hi?: string
  value?: string
  seed?: string | null
  pk?: string
  sk?: string
  seq: number
  actor: string
  caller: string
  during_datagram: number | null
}

// biome-ignore lint/suspicious/noExplicitAny: vector files are free-form JSON; tests narrow what they read.
export type VectorDocument = Record<string, any> & {
  datagrams?: DatagramRecord[]
  random_draws?: RandomDraw[]
}

const cache = new Map<VectorFile, VectorDocument>()

/** Parses (once) and returns one vector file. */
export function loadVectors(file: VectorFile): VectorDocument {
  let doc = cache.get(file)
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(vectorPath(file), 'utf8')) as VectorDocument
    cache.set(file, doc)
  }
  return doc
}

/** The absolute path of one vector file. */
export function vectorPath(file: VectorFile): string {
  return new URL(`../data/${file}.json`, import.meta.url).pathname
}

/** Decodes a lower-case hex string from a vector file. */
export function hex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(text))
    throw new RangeError(`not a hex string: ${text.slice(0, 20)}…`)
  return Uint8Array.from(Buffer.from(text, 'hex'))
}

/** Encodes bytes as lower-case hex, for comparing against vector fields. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Parses a u64 written as a decimal string. */
export function u64(text: string): bigint {
  return BigInt(text)
}
