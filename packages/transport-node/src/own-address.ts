import { networkInterfaces } from 'node:os'
import type { PeerAddress } from '@pavillion/core'

/** How often, at most, the interface list is read again after an unknown address matched our port. */
const REFRESH_INTERVAL_MS = 1000

/**
 * Recognises datagrams that came from the sending socket itself, such as
 * looped-back multicast (PROTOCOL.md D14). A socket bound to a concrete
 * address matches only that address; a socket bound to all interfaces
 * matches every address of this host at its port.
 */
export class OwnAddress {
  readonly #local: PeerAddress
  readonly #wildcard: boolean
  #hostAddresses = new Set<string>()
  #readAt = Number.NEGATIVE_INFINITY

  constructor(local: PeerAddress) {
    this.#local = local
    this.#wildcard = local.address === '0.0.0.0' || local.address === '::'
  }

  test(address: PeerAddress): boolean {
    if (address.port !== this.#local.port) return false
    if (address.address === this.#local.address) return true
    if (!this.#wildcard) return false
    const zone = address.address.indexOf('%')
    const host = zone < 0 ? address.address : address.address.slice(0, zone)
    if (this.#hostAddresses.has(host)) return true
    // Interfaces come and go (DHCP, a cable plugged in): read them again, but not for every stranger.
    const now = performance.now()
    if (now - this.#readAt < REFRESH_INTERVAL_MS) return false
    this.#readAt = now
    this.#hostAddresses = readHostAddresses()
    return this.#hostAddresses.has(host)
  }
}

/** Every address of every interface, with IPv4 ones also in IPv4-mapped IPv6 form (dual-stack sockets). */
function readHostAddresses(): Set<string> {
  const addresses = new Set<string>()
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      addresses.add(entry.address)
      if (entry.family === 'IPv4') addresses.add(`::ffff:${entry.address}`)
    }
  }
  return addresses
}
