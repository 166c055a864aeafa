import type { RemoteInfo } from 'node:dgram'
import { BlockList, isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { InvalidArgumentError } from '@pavillion/core'
import makeMdns from 'multicast-dns'
import { MDNS_GROUP_V4, MDNS_GROUP_V6, MDNS_PORT } from './constants.ts'

/** A resource record as the DNS codec (dns-packet) reads and writes it. */
export interface MdnsRecord {
  readonly name: string
  readonly type: string
  readonly ttl?: number
  /** The cache-flush bit (RFC 6762 §10.2). */
  readonly flush?: boolean
  readonly data?: unknown
}

/** A question of a query. */
export interface MdnsQuestion {
  readonly name: string
  /** A record type, or `ANY`. */
  readonly type: string
}

/** An mDNS message: a query or a response. */
export interface MdnsPacket {
  readonly type?: 'query' | 'response'
  readonly id?: number
  readonly flags?: number
  readonly questions?: readonly MdnsQuestion[]
  readonly answers?: readonly MdnsRecord[]
  readonly authorities?: readonly MdnsRecord[]
  readonly additionals?: readonly MdnsRecord[]
}

/** Receives one decoded mDNS packet and where it came from. */
type PacketHandler = (packet: MdnsPacket, from: RemoteInfo) => void

/** Options of {@link openLinks}. */
export interface LinkOptions {
  /**
   * The interfaces to use, each as an IP address of this host: an IPv4
   * address (`'192.168.1.10'`, `'127.0.0.1'`) joins 224.0.0.251 there; an IPv6
   * address with its zone (`'::%eth0'`, `'fe80::1%eth0'`) joins ff02::fb on that interface.
   * Required and never guessed: nothing leaves through an interface you did not name.
   */
  readonly interfaces: readonly string[]
  /** The UDP port; 5353 unless a test isolates itself. */
  readonly mdnsPort?: number
}

/** Counters of the packets the links saw. */
interface LinkCounters {
  received: number
  /** Packets from a source not on the link of any of our interfaces (RFC 6762 §11), dropped. */
  offLink: number
  /** Datagrams that were not DNS packets (dropped by the library's decoder). */
  malformed: number
  sent: number
}

/** The multicast-dns sockets of one browser or advertisement, one per interface. */
export interface MdnsLinks {
  /** Multicasts `packet` on every interface, or sends it to `to` (a unicast reply) on the link it came from. */
  send(packet: MdnsPacket, to?: RemoteInfo): void
  /** Sets the receiver of every valid packet. */
  onPacket(handler: PacketHandler): void
  readonly counters: LinkCounters
  /** Closes every socket; idempotent (every call returns the same promise). */
  close(): Promise<void>
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>
}

/** The library's instance; `send` (a raw packet) exists but its type declarations omit it. */
type Mdns = ReturnType<typeof makeMdns> & {
  send(packet: MdnsPacket, to: { address: string; port: number } | undefined, cb: () => void): void
}

/**
 * Opens one multicast-dns socket per interface (RFC 6762 port 5353 shared
 * with any other responder on the host through SO_REUSEADDR).
 * @throws InvalidArgumentError for a missing or non-IP interface; the socket error when binding fails
 */
export async function openLinks(options: LinkOptions): Promise<MdnsLinks> {
  const interfaces = checkInterfaces(options.interfaces)
  const port = options.mdnsPort ?? MDNS_PORT
  const counters: LinkCounters = { received: 0, offLink: 0, malformed: 0, sent: 0 }
  const onLink = linkOf(interfaces)
  let handler: PacketHandler = () => {}
  const opened: { mdns: Mdns; family: 4 | 6 }[] = []
  try {
    for (const iface of interfaces) {
      const family = isIP(iface.split('%')[0] ?? '') === 6 ? 6 : 4
      const mdns = makeMdns({
        type: family === 6 ? 'udp6' : 'udp4',
        ip: family === 6 ? MDNS_GROUP_V6 : MDNS_GROUP_V4,
        interface: iface,
        bind: family === 6 ? '::' : '0.0.0.0',
        port,
        loopback: true,
        reuseAddr: true,
      }) as Mdns
      opened.push({ mdns, family })
      await new Promise<void>((resolve, reject) => {
        mdns.once('ready', resolve)
        mdns.once('error', reject)
      })
      mdns.on('error', () => {})
      mdns.on('warning', () => {
        counters.malformed++
      })
      mdns.on('packet', (packet: MdnsPacket, from: RemoteInfo) => {
        // A socket on port 5353 also hears groups other sockets of this host joined elsewhere:
        // only what comes from our interfaces' own subnets is ours to read (and to answer).
        if (!onLink.check(from.address.split('%')[0] ?? '', from.family === 'IPv6' ? 'ipv6' : 'ipv4')) {
          counters.offLink++
          return
        }
        counters.received++
        handler(packet, from)
      })
    }
  } catch (error) {
    await Promise.all(opened.map(({ mdns }) => destroy(mdns)))
    throw error
  }
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= Promise.all(opened.map(({ mdns }) => destroy(mdns))).then(() => {})
    return closing
  }
  return {
    counters,
    send(packet, to) {
      if (closing !== undefined) return
      for (const { mdns, family } of opened) {
        if (to !== undefined && (to.family === 'IPv6' ? 6 : 4) !== family) continue
        counters.sent++
        mdns.send(packet, to === undefined ? undefined : { address: to.address, port: to.port }, () => {})
        if (to !== undefined) return
      }
    },
    onPacket(next) {
      handler = next
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

function destroy(mdns: Mdns): Promise<void> {
  return new Promise((resolve) => mdns.destroy(() => resolve()))
}

/**
 * The subnets of `interfaces` (from the OS's netmasks; a single address when the OS does not list
 * it), plus IPv6 link-local addresses when an IPv6 interface is used.
 */
function linkOf(interfaces: readonly string[]): BlockList {
  const list = new BlockList()
  const known = Object.values(networkInterfaces()).flatMap((entries) => entries ?? [])
  for (const iface of interfaces) {
    const address = iface.split('%')[0] ?? iface
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    const entry = known.find((e) => e.address === address)
    const prefix = entry?.cidr?.split('/')[1]
    list.addSubnet(address, prefix === undefined ? (family === 'ipv6' ? 128 : 32) : Number(prefix), family)
    if (family === 'ipv6') list.addSubnet('fe80::', 10, 'ipv6')
  }
  return list
}

function checkInterfaces(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(
      "discovery needs \"interface\": the IP address of each network interface to use, e.g. '192.168.1.10' (or '127.0.0.1' to stay on this host); Pavillion never lets the OS pick one",
    )
  }
  return list.map((iface) => {
    if (typeof iface !== 'string' || isIP(iface.split('%')[0] ?? '') === 0) {
      throw new InvalidArgumentError(
        `discovery "interface" expected an IP address of this host such as '192.168.1.10' or 'fe80::1%eth0', got ${String(iface)}`,
      )
    }
    return iface
  })
}
