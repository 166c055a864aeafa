import { type DatagramRecord, hex, loadVectors } from '@pavillion/test-vectors'

/** Every datagram the reference recorded (handshakes, re-handshakes, races, sessions, malformed cases), as bytes. */
export function recordedDatagrams(): Uint8Array[] {
  const out: Uint8Array[] = []
  const add = (records: DatagramRecord[] | undefined) => {
    for (const record of records ?? []) out.push(hex(record.hex))
  }
  for (const file of ['psk_handshake', 'ecc_handshake', 'guest_ecc_handshake', 'secure_messages'] as const) {
    const doc = loadVectors(file)
    add(doc.datagrams)
    add(doc.reconnect?.datagrams)
    add(doc.race?.datagrams)
  }
  for (const c of loadVectors('codec').malformed as { hex: string }[]) out.push(hex(c.hex))
  return out
}
