/** A minimal classic pcap (LINKTYPE_RAW: IPv4 + UDP around each payload), for the decode tests. */
export function rawPcap(
  datagrams: { src: [string, number]; dst: [string, number]; payload: Uint8Array }[],
): Uint8Array {
  const parts: Uint8Array[] = []
  const header = new Uint8Array(24)
  const h = new DataView(header.buffer)
  h.setUint32(0, 0xa1b2c3d4, true)
  h.setUint16(4, 2, true)
  h.setUint16(6, 4, true)
  h.setUint32(16, 65535, true)
  h.setUint32(20, 101, true)
  parts.push(header)
  datagrams.forEach((d, i) => {
    const packet = new Uint8Array(28 + d.payload.length)
    const v = new DataView(packet.buffer)
    packet[0] = 0x45
    v.setUint16(2, packet.length)
    packet[8] = 64
    packet[9] = 17
    packet.set(d.src[0].split('.').map(Number), 12)
    packet.set(d.dst[0].split('.').map(Number), 16)
    v.setUint16(20, d.src[1])
    v.setUint16(22, d.dst[1])
    v.setUint16(24, 8 + d.payload.length)
    packet.set(d.payload, 28)
    const record = new Uint8Array(16)
    const r = new DataView(record.buffer)
    r.setUint32(0, 1_700_000_000 + i, true)
    r.setUint32(8, packet.length, true)
    r.setUint32(12, packet.length, true)
    parts.push(record, packet)
  })
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
