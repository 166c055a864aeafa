/** One UDP datagram found in a capture. */
export interface UdpDatagram {
  /** Source and destination as `ADDRESS:PORT` (IPv6 as `[ADDRESS]:PORT`). */
  readonly src: string
  readonly dst: string
  readonly srcPort: number
  readonly dstPort: number
  /** The UDP payload as captured (a subarray of the file). */
  readonly payload: Uint8Array
  /** Payload bytes the capture did not keep (its snap length cut the frame); 0 when complete. */
  readonly missing: number
}

/** A UDP datagram, a packet of another protocol (skipped quietly), or a UDP packet that cannot be read. */
export type IpResult =
  | { readonly kind: 'udp'; readonly datagram: UdpDatagram }
  | { readonly kind: 'other'; readonly reason: string }
  | { readonly kind: 'bad-udp'; readonly src: string; readonly dst: string; readonly reason: string }

const UDP = 17
const UDP_HEADER = 8
/** IPv6 extension headers that may stand before UDP (hop-by-hop, routing, destination options, AH). */
const IPV6_EXTENSIONS = new Set([0, 43, 60, 51])
const IPV6_FRAGMENT = 44

function ipv4Text(bytes: Uint8Array): string {
  return bytes.join('.')
}

/** An IPv6 address in RFC 5952 text: lower case, the longest run of zero groups as `::`. */
function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) [best, bestLength] = [i, j - i]
    i = j === i ? i + 1 : j
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':')
  if (best < 0) return hex(groups)
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLength))}`
}

/** The UDP datagram in an IP payload of protocol 17, checked against its own length field. */
function udp(segment: Uint8Array, missingBefore: number, src: string, dst: string, v6: boolean): IpResult {
  const at = (address: string, port: number) => (v6 ? `[${address}]:${port}` : `${address}:${port}`)
  if (segment.length < UDP_HEADER)
    return {
      kind: 'bad-udp',
      src,
      dst,
      reason: `UDP header cut short: ${segment.length} of 8 bytes captured`,
    }
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength)
  const srcPort = view.getUint16(0, false)
  const dstPort = view.getUint16(2, false)
  const length = view.getUint16(4, false)
  const s = at(src, srcPort)
  const d = at(dst, dstPort)
  // A UDP length of 0 is legal over IPv6 jumbograms only; take the IP payload then.
  const claimed = length === 0 && v6 ? segment.length + missingBefore : length
  if (claimed < UDP_HEADER)
    return {
      kind: 'bad-udp',
      src: s,
      dst: d,
      reason: `UDP length field ${length} is under the 8-byte header`,
    }
  const available = segment.length - UDP_HEADER
  const size = claimed - UDP_HEADER
  const payload = segment.subarray(UDP_HEADER, UDP_HEADER + Math.min(size, available))
  return {
    kind: 'udp',
    datagram: { src: s, dst: d, srcPort, dstPort, payload, missing: size - payload.length },
  }
}

/** IPv4: header length, fragments (not reassembled), total length against what was captured. */
function ipv4(packet: Uint8Array): IpResult {
  if (packet.length < 20) return { kind: 'other', reason: 'IPv4 header cut short' }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const headerLength = (packet[0]! & 0x0f) * 4
  const total = view.getUint16(2, false)
  const protocol = packet[9]!
  if (protocol !== UDP) return { kind: 'other', reason: `IP protocol ${protocol} is not UDP` }
  const src = ipv4Text(packet.subarray(12, 16))
  const dst = ipv4Text(packet.subarray(16, 20))
  if (headerLength < 20 || total < headerLength || packet.length < headerLength)
    return {
      kind: 'bad-udp',
      src,
      dst,
      reason: `IPv4 header length ${headerLength} / total length ${total} are inconsistent`,
    }
  const fragment = view.getUint16(6, false)
  if ((fragment & 0x3fff) !== 0)
    return { kind: 'bad-udp', src, dst, reason: 'IPv4 fragment: fragmented datagrams are not reassembled' }
  const end = Math.min(total, packet.length)
  return udp(packet.subarray(headerLength, end), total - end, src, dst, false)
}

/** IPv6, past its extension headers (at most 8 of them). */
function ipv6(packet: Uint8Array): IpResult {
  if (packet.length < 40) return { kind: 'other', reason: 'IPv6 header cut short' }
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength)
  const src = ipv6Text(packet.subarray(8, 24))
  const dst = ipv6Text(packet.subarray(24, 40))
  const end = Math.min(40 + view.getUint16(4, false), packet.length)
  const missing = 40 + view.getUint16(4, false) - end
  let next = packet[6]!
  let offset = 40
  for (let hops = 0; hops < 8; hops++) {
    if (next === UDP) return udp(packet.subarray(offset, end), missing, src, dst, true)
    if (offset + 8 > end) break
    if (next === IPV6_FRAGMENT) {
      // An atomic fragment (offset 0, no more fragments) is a whole datagram; others are not reassembled.
      if ((view.getUint16(offset + 2, false) & 0xfff9) !== 0)
        return {
          kind: 'bad-udp',
          src: `[${src}]`,
          dst: `[${dst}]`,
          reason: 'IPv6 fragment: fragmented datagrams are not reassembled',
        }
      next = packet[offset]!
      offset += 8
    } else if (IPV6_EXTENSIONS.has(next)) {
      const size = next === 51 ? (packet[offset + 1]! + 2) * 4 : (packet[offset + 1]! + 1) * 8
      next = packet[offset]!
      offset += size
    } else {
      return { kind: 'other', reason: `IPv6 next header ${next} is not UDP` }
    }
  }
  return { kind: 'other', reason: 'IPv6 extension headers do not lead to UDP' }
}

/**
 * The UDP datagram inside an IP packet of `version`, or why there is none.
 * Never throws: every length is checked against what was captured.
 */
export function udpOf(version: 4 | 6, packet: Uint8Array): IpResult {
  return version === 4 ? ipv4(packet) : ipv6(packet)
}
