import { type DatagramRecord, hex, loadVectors, u64 } from '@pavillion/test-vectors'
import type { AppMessage, EccClientInfoPlaintext, EccNoncePlaintext, SetupMessage } from '../src/index.ts'

/** Every recorded datagram of every transcript, labelled `file/section#i`. */
export function allDatagrams(): { label: string; rec: DatagramRecord }[] {
  const out: { label: string; rec: DatagramRecord }[] = []
  const add = (file: string, section: string, list: DatagramRecord[]) => {
    for (const rec of list) out.push({ label: `${file}/${section}#${rec.i}`, rec })
  }
  add('codec', 'malformed_base_session', loadVectors('codec').malformed_base_session.transcript)
  for (const file of ['psk_handshake', 'secure_messages', 'ecc_handshake', 'guest_ecc_handshake'] as const) {
    const doc = loadVectors(file)
    add(file, 'datagrams', doc.datagrams ?? [])
    for (const section of ['reconnect', 'race']) if (doc[section]) add(file, section, doc[section].datagrams)
  }
  return out
}

type Fields = Record<string, unknown>
const str = (fields: Fields, key: string): string => {
  const value = fields[key]
  if (typeof value !== 'string') throw new Error(`vector field ${key} is not a string`)
  return value
}
const num = (fields: Fields, key: string): number => {
  const value = fields[key]
  if (typeof value !== 'number') throw new Error(`vector field ${key} is not a number`)
  return value
}

/** The setup message a recorded datagram's `opcode` and `fields` describe. */
export function expectedSetup(rec: DatagramRecord): SetupMessage {
  const f = rec.fields ?? {}
  switch (rec.opcode) {
    case 1:
      return {
        type: 'nonce-request',
        suite: num(f, 'cipher'),
        clientId: hex(str(f, 'client_id')),
        challenge: hex(str(f, 'challenge')),
        sessionId: hex(str(f, 'session_id')),
        publicKey: hex(str(f, 'client_pubkey')),
      }
    case 2:
      return {
        type: 'psk-nonce',
        serverNonce: hex(str(f, 'server_nonce')),
        challenge: hex(str(f, 'challenge')),
        hash: hex(str(f, 'hash')),
      }
    case 3:
      return {
        type: 'psk-client-info',
        suite: num(f, 'cipher'),
        clientId: hex(str(f, 'client_id')),
        clientNonce: hex(str(f, 'client_nonce')),
        serverNonce: hex(str(f, 'server_nonce')),
        counter: u64(str(f, 'client_counter')),
        hash: hex(str(f, 'hash')),
      }
    case 4:
      return { type: 'unrecognized-client' }
    case 7:
      return { type: 'session-accepted', sessionId: hex(str(f, 'session_id')) }
    case 11:
      return { type: 'ecc-nonce', boxNonce: hex(str(f, 'box_nonce')), box: hex(str(f, 'box')) }
    case 12:
      return {
        type: 'ecc-client-info',
        clientId: hex(str(f, 'client_id')),
        suite: num(f, 'cipher'),
        boxNonce: hex(str(f, 'box_nonce')),
        box: hex(str(f, 'box')),
      }
    default:
      throw new Error(`no mapping for setup opcode ${rec.opcode}`)
  }
}

/** The decrypted contents of a recorded opcode 11 or 12 (`plaintext` and `plaintext_fields`). */
export function expectedEccPlaintext(rec: DatagramRecord): {
  plaintext: Uint8Array
  fields: EccNoncePlaintext | EccClientInfoPlaintext
} {
  const f = rec.fields ?? {}
  const p = f.plaintext_fields as Fields
  const plaintext = hex(str(f, 'plaintext'))
  if (rec.opcode === 11)
    return {
      plaintext,
      fields: { serverNonce: hex(str(p, 'server_nonce')), challenge: hex(str(p, 'challenge')) },
    }
  return {
    plaintext,
    fields: {
      serverNonce: hex(str(p, 'server_nonce')),
      ckey: hex(str(p, 'c2s_key')),
      skey: hex(str(p, 's2c_key')),
      counter: u64(str(p, 'client_counter')),
    },
  }
}

/** The app message a recorded secure datagram's `opcode` and `fields` describe. */
export function expectedApp(rec: DatagramRecord): AppMessage {
  const f = rec.fields ?? {}
  switch (rec.opcode) {
    case 1:
    case 3:
      return {
        type: rec.opcode === 1 ? 'reliable' : 'unreliable',
        target: str(f, 'target'),
        name: str(f, 'name'),
        body: hex(str(f, 'data_hex')),
      }
    case 2: {
      const status = str(f, 'status_hex')
      const counter = u64(str(f, 'acked_counter'))
      return status === '' ? { type: 'ack', counter } : { type: 'ack', counter, status: hex(status) }
    }
    case 4:
      return { type: 'rpc-call', fn: num(f, 'function'), args: hex(str(f, 'args_hex')) }
    case 5:
      return {
        type: 'rpc-response',
        callCounter: u64(str(f, 'call_counter')),
        status: num(f, 'status_code'),
        data: hex(str(f, 'result_hex')),
      }
    case 12:
      return { type: 'quit' }
    case 13:
      return { type: 'subscribe', target: str(f, 'topic') }
    case 20:
      return { type: 'time-sync-request' }
    case 21:
      return {
        type: 'time-sync-response',
        requestCounter: u64(str(f, 'request_counter')),
        monotonicUs: u64(str(f, 'monotonic_us')),
        wallUs: u64(str(f, 'wall_clock_us')),
      }
    default:
      throw new Error(`no mapping for app opcode ${rec.opcode}`)
  }
}
