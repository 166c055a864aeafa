/**
 * Writes small pcap and pcapng files from UDP datagrams, for tests: each
 * datagram is wrapped in IPv4 (or IPv6) and UDP headers, then in the frame
 * of the chosen link type. Checksums are left zero (readers ignore them).
 */

export interface TestDatagram {
  src: [string, number]
  dst: [string, number]
  payload: Uint8Array
  /** Seconds since the epoch; default 1_700_000_000 + index. */
  time?: number
}

/** The link layers a test capture can wrap its datagrams in. */
export type TestLink = 'ethernet' | 'sll' | 'sll2' | 'raw' | 'null' | 'loop' | 'ipv4'

/** The pcap LINKTYPE number of each {@link TestLink}. */
export const LINK_TYPES: Record<TestLink, number> = {
  ethernet: 1,
  sll: 113,
  sll2: 276,
  raw: 101,
  null: 0,
  loop: 108,
  ipv4: 228,
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

function ipv6Bytes(text: string): Uint8Array {
  const [head = '', tail = ''] = text.split('::')
  const h = head === '' ? [] : head.split(':')
  const t = tail === '' ? [] : tail.split(':')
  const groups = text.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    const v = Number.parseInt(g, 16)
    out[2 * i] = v >> 8
    out[2 * i + 1] = v & 0xff
  })
  return out
}

/** IPv4 or IPv6 (by the address form) + UDP around `payload`. */
export function ipUdp(d: TestDatagram): { version: 4 | 6; packet: Uint8Array } {
  const udp = new Uint8Array(8 + d.payload.length)
  const uv = new DataView(udp.buffer)
  uv.setUint16(0, d.src[1])
  uv.setUint16(2, d.dst[1])
  uv.setUint16(4, udp.length)
  udp.set(d.payload, 8)
  if (d.src[0].includes(':')) {
    const ip = new Uint8Array(40)
    const v = new DataView(ip.buffer)
    ip[0] = 0x60
    v.setUint16(4, udp.length)
    ip[6] = 17
    ip[7] = 64
    ip.set(ipv6Bytes(d.src[0]), 8)
    ip.set(ipv6Bytes(d.dst[0]), 24)
    return { version: 6, packet: concat([ip, udp]) }
  }
  const ip = new Uint8Array(20)
  const v = new DataView(ip.buffer)
  ip[0] = 0x45
  v.setUint16(2, 20 + udp.length)
  ip[8] = 64
  ip[9] = 17
  ip.set(d.src[0].split('.').map(Number), 12)
  ip.set(d.dst[0].split('.').map(Number), 16)
  return { version: 4, packet: concat([ip, udp]) }
}

/** The frame of link type `link` around an IP packet. */
export function frame(link: TestLink, version: 4 | 6, packet: Uint8Array): Uint8Array {
  const etherType = version === 4 ? 0x0800 : 0x86dd
  switch (link) {
    case 'ethernet': {
      const h = new Uint8Array(14)
      h.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])
      new DataView(h.buffer).setUint16(12, etherType)
      return concat([h, packet])
    }
    case 'sll': {
      const h = new Uint8Array(16)
      const v = new DataView(h.buffer)
      v.setUint16(2, 772) // ARPHRD_LOOPBACK
      v.setUint16(4, 6)
      v.setUint16(14, etherType)
      return concat([h, packet])
    }
    case 'sll2': {
      const h = new Uint8Array(20)
      const v = new DataView(h.buffer)
      v.setUint16(0, etherType)
      v.setUint32(4, 1)
      v.setUint16(8, 772)
      h[11] = 6
      return concat([h, packet])
    }
    case 'null': {
      const h = new Uint8Array(4)
      new DataView(h.buffer).setUint32(0, version === 4 ? 2 : 30, true)
      return concat([h, packet])
    }
    case 'loop': {
      const h = new Uint8Array(4)
      new DataView(h.buffer).setUint32(0, version === 4 ? 2 : 24, false)
      return concat([h, packet])
    }
    default:
      return packet
  }
}

/** A classic pcap file (microseconds, little-endian unless `bigEndian`). */
export function pcapFile(
  link: TestLink,
  frames: { time: number; data: Uint8Array }[],
  bigEndian = false,
): Uint8Array {
  const le = !bigEndian
  const header = new Uint8Array(24)
  const h = new DataView(header.buffer)
  h.setUint32(0, 0xa1b2c3d4, le)
  h.setUint16(4, 2, le)
  h.setUint16(6, 4, le)
  h.setUint32(16, 65535, le)
  h.setUint32(20, LINK_TYPES[link], le)
  const records = frames.map(({ time, data }) => {
    const r = new Uint8Array(16)
    const v = new DataView(r.buffer)
    v.setUint32(0, Math.floor(time), le)
    v.setUint32(4, Math.round((time % 1) * 1e6), le)
    v.setUint32(8, data.length, le)
    v.setUint32(12, data.length, le)
    return concat([r, data])
  })
  return concat([header, ...records])
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = (body.length + 3) & ~3
  const out = new Uint8Array(12 + padded)
  const v = new DataView(out.buffer)
  v.setUint32(0, type, le)
  v.setUint32(4, out.length, le)
  out.set(body, 8)
  v.setUint32(out.length - 4, out.length, le)
  return out
}

/** A pcapng file: one section, one interface of `link` (nanosecond resolution), enhanced packet blocks. */
export function pcapngFile(
  link: TestLink,
  frames: { time: number; data: Uint8Array }[],
  bigEndian = false,
): Uint8Array {
  const le = !bigEndian
  const shb = new Uint8Array(16)
  const s = new DataView(shb.buffer)
  s.setUint32(0, 0x1a2b3c4d, le)
  s.setUint16(4, 1, le)
  s.setBigInt64(8, -1n, le)
  const idb = new Uint8Array(16)
  const i = new DataView(idb.buffer)
  i.setUint16(0, LINK_TYPES[link], le)
  i.setUint32(4, 0, le)
  i.setUint16(8, 9, le) // if_tsresol
  i.setUint16(10, 1, le)
  idb[12] = 9 // 10^-9
  const blocks = [block(0x0a0d0d0a, shb, le), block(1, idb, le)]
  for (const { time, data } of frames) {
    const head = new Uint8Array(20)
    const v = new DataView(head.buffer)
    const ns = BigInt(Math.round(time * 1e3)) * 1_000_000n
    v.setUint32(4, Number(ns >> 32n), le)
    v.setUint32(8, Number(ns & 0xffffffffn), le)
    v.setUint32(12, data.length, le)
    v.setUint32(16, data.length, le)
    blocks.push(block(6, concat([head, data]), le))
  }
  return concat(blocks)
}

/** A whole capture of `datagrams` in the given format and link type. */
export function captureOf(
  datagrams: TestDatagram[],
  options: { link?: TestLink; format?: 'pcap' | 'pcapng'; bigEndian?: boolean } = {},
): Uint8Array {
  const link = options.link ?? 'ethernet'
  const frames = datagrams.map((d, index) => {
    const { version, packet } = ipUdp(d)
    return { time: d.time ?? 1_700_000_000 + index, data: frame(link, version, packet) }
  })
  return options.format === 'pcapng'
    ? pcapngFile(link, frames, options.bigEndian)
    : pcapFile(link, frames, options.bigEndian)
}
