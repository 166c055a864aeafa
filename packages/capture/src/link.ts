/** The link types (LINKTYPE_* of the tcpdump.org registry) whose frames this package unwraps. */
export const LinkType = {
  /** BSD loopback: a 4-byte address family in the byte order of the capturing host. */
  null: 0,
  ethernet: 1,
  /** DLT_RAW as some systems write it in pcap files. */
  rawBsd: 12,
  /** DLT_RAW as OpenBSD writes it. */
  rawOpenBsd: 14,
  raw: 101,
  /** OpenBSD loopback: the address family in network byte order. */
  loop: 108,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const

/** An IP packet found inside a frame, or why there is none. */
export type LinkResult =
  | { readonly kind: 'ip'; readonly version: 4 | 6; readonly packet: Uint8Array }
  | { readonly kind: 'other'; readonly reason: string }

const ETHERTYPE_IPV4 = 0x0800
const ETHERTYPE_IPV6 = 0x86dd
/** 802.1Q, 802.1ad and the older QinQ tag types: 4 bytes each, stacked. */
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100])
/** Address families of IPv4 and IPv6 in BSD loopback headers (IPv6 differs between BSDs). */
const AF_INET = 2
const AF_INET6 = new Set([10, 24, 28, 30])

/** The IP packet after `offset`, given its EtherType. */
function byEtherType(frame: Uint8Array, etherType: number, offset: number): LinkResult {
  if (etherType === ETHERTYPE_IPV4) return { kind: 'ip', version: 4, packet: frame.subarray(offset) }
  if (etherType === ETHERTYPE_IPV6) return { kind: 'ip', version: 6, packet: frame.subarray(offset) }
  return { kind: 'other', reason: `EtherType 0x${etherType.toString(16).padStart(4, '0')} is not IP` }
}

/** Raw IP: the version is in the first nibble. */
function rawIp(frame: Uint8Array): LinkResult {
  const version = (frame[0] ?? 0) >> 4
  if (version === 4 || version === 6) return { kind: 'ip', version, packet: frame }
  return { kind: 'other', reason: `raw frame of IP version ${version}` }
}

function tooShort(what: string, frame: Uint8Array): LinkResult {
  return { kind: 'other', reason: `${what} frame of ${frame.length} bytes is shorter than its header` }
}

/** Ethernet II, past any VLAN tags. */
function ethernet(frame: Uint8Array, view: DataView): LinkResult {
  let offset = 12
  for (let tags = 0; tags < 4; tags++) {
    if (frame.length < offset + 2) return tooShort('Ethernet', frame)
    const type = view.getUint16(offset, false)
    if (!VLAN_TAGS.has(type)) return byEtherType(frame, type, offset + 2)
    offset += 4
  }
  return { kind: 'other', reason: 'Ethernet frame with more than 3 VLAN tags' }
}

/** BSD / OpenBSD loopback: the family as a 4-byte integer. */
function loopback(frame: Uint8Array, view: DataView, hostOrder: boolean): LinkResult {
  if (frame.length < 4) return tooShort('loopback', frame)
  const big = view.getUint32(0, false)
  const family = hostOrder && big > 0xffff ? view.getUint32(0, true) : big
  if (family === AF_INET) return { kind: 'ip', version: 4, packet: frame.subarray(4) }
  if (AF_INET6.has(family)) return { kind: 'ip', version: 6, packet: frame.subarray(4) }
  return { kind: 'other', reason: `loopback address family ${family} is not IP` }
}

/**
 * The IP packet inside one captured frame of link type `linkType`, or the
 * reason there is none (another protocol, a link type this package does not
 * know, a frame too short). Never throws.
 */
export function ipPacketOf(linkType: number, frame: Uint8Array): LinkResult {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  switch (linkType) {
    case LinkType.ethernet:
      return ethernet(frame, view)
    case LinkType.linuxSll:
      return frame.length < 16
        ? tooShort('Linux cooked (SLL)', frame)
        : byEtherType(frame, view.getUint16(14, false), 16)
    case LinkType.linuxSll2:
      return frame.length < 20
        ? tooShort('Linux cooked (SLL2)', frame)
        : byEtherType(frame, view.getUint16(0, false), 20)
    case LinkType.null:
      return loopback(frame, view, true)
    case LinkType.loop:
      return loopback(frame, view, false)
    case LinkType.raw:
    case LinkType.rawBsd:
    case LinkType.rawOpenBsd:
    case LinkType.ipv4:
    case LinkType.ipv6:
      return rawIp(frame)
    default:
      return {
        kind: 'other',
        reason: `link type ${linkType} is not supported (Ethernet, Linux cooked, raw IP, loopback are)`,
      }
  }
}
