import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { InvalidArgumentError } from '@pavillion/core'
import type { KeyPair } from '@pavillion/crypto'
import { type Advertisement, advertise, fingerprintOf, PROTOCOL_VERSION } from '@pavillion/discovery'

/** How a server advertises itself over mDNS (DNS-SD `_pavillion._udp`). */
export interface ServerAdvertiseOptions {
  /** The name clients find it by, e.g. `kitchen-controller` (renamed `… (2)` if taken). */
  readonly name: string
  /**
   * The IP addresses of the interfaces to advertise on (e.g. `['192.168.1.10']`, `['127.0.0.1']`).
   * Default: the server's bind address when it is a specific non-loopback one. A server bound to
   * loopback only, or to every interface, advertises only on interfaces named here.
   */
  readonly interfaces?: readonly string[]
  /** A human name for the TXT record. Default: `name`. */
  readonly label?: string
}

/** What the server knows once bound, for its advertisement. */
export interface AdvertisedServer {
  readonly port: number
  readonly bind: string
  readonly keyPair: KeyPair | undefined
  readonly group: string | undefined
}

/**
 * Starts the server's advertisement, or nothing when `advertise` is absent,
 * false, or the server is bound to loopback only without explicit interfaces.
 * @throws InvalidArgumentError when the server is bound to every interface and no interface is named
 */
export async function advertiseServer(
  advertiseOption: false | string | ServerAdvertiseOptions | undefined,
  server: AdvertisedServer,
): Promise<Advertisement | undefined> {
  if (advertiseOption === undefined || advertiseOption === false) return undefined
  const options = typeof advertiseOption === 'string' ? { name: advertiseOption } : advertiseOption
  if (typeof options !== 'object' || options === null || typeof options.name !== 'string') {
    throw new InvalidArgumentError('"advertise" expected a name or { name, interfaces? }')
  }
  const wildcard = server.bind === '0.0.0.0' || server.bind === '::'
  const interfaces = options.interfaces ?? (wildcard || isLoopback(server.bind) ? undefined : [server.bind])
  if (interfaces === undefined) {
    if (isLoopback(server.bind)) return undefined
    throw new InvalidArgumentError(
      '"advertise.interfaces" is required for a server bound to every interface: give the IP address of each interface to advertise on, e.g. [\'192.168.1.10\']; Pavillion never lets the OS pick one',
    )
  }
  const addresses = wildcard ? () => addressesOf(interfaces) : [server.bind]
  return advertise({
    interfaces,
    name: options.name,
    port: server.port,
    addresses,
    info: {
      name: options.label ?? options.name,
      suites: server.keyPair === undefined ? ['psk'] : ['psk', 'ecc'],
      version: PROTOCOL_VERSION,
      ...(server.keyPair === undefined ? {} : { fingerprint: fingerprintOf(server.keyPair.publicKey) }),
      ...(server.group === undefined ? {} : { group: server.group }),
    },
  })
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1'
}

/** Every address of the OS interfaces that hold one of `interfaces` (so a DHCP change is re-announced). */
function addressesOf(interfaces: readonly string[]): string[] {
  const wanted = new Set(interfaces.map((i) => i.split('%')[0]))
  const out: string[] = []
  for (const entries of Object.values(networkInterfaces())) {
    const list = entries ?? []
    if (!list.some((e) => wanted.has(e.address))) continue
    for (const e of list) if (isIP(e.address) !== 0 && !out.includes(e.address)) out.push(e.address)
  }
  return out.length > 0 ? out : [...wanted].filter((a): a is string => a !== undefined)
}
