import { isIP } from 'node:net'

/** A socket family as `node:dgram` names it. */
export type SocketFamily = 'udp4' | 'udp6'

/** The IP version (4 or 6) of a literal, ignoring an IPv6 zone (`fe80::1%eth0`); 0 when it is not an IP literal. */
export function ipVersion(address: string): 0 | 4 | 6 {
  const zone = address.indexOf('%')
  return isIP(zone < 0 ? address : address.slice(0, zone)) as 0 | 4 | 6
}

/** The address that means "every interface" for `family`. */
export function wildcardAddress(family: SocketFamily): string {
  return family === 'udp4' ? '0.0.0.0' : '::'
}

/**
 * True for an IPv4 address in 224.0.0.0/4 or an IPv6 address in ff00::/8.
 * Cheap enough for every send: it reads at most five characters.
 */
export function isGroupAddress(address: string): boolean {
  if ((address.charCodeAt(0) | 0x20) === 0x66) {
    return (address.charCodeAt(1) | 0x20) === 0x66 && address.charCodeAt(4) === 0x3a // "ffxx:"
  }
  if (address.charCodeAt(0) !== 0x32 || address.charCodeAt(3) !== 0x2e) return false // "2xx."
  const octet = 200 + (address.charCodeAt(1) - 0x30) * 10 + (address.charCodeAt(2) - 0x30)
  return octet >= 224 && octet <= 239
}
