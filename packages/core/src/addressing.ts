import type { PeerAddress } from './transport.ts'

/** True for an IPv4 address in 224.0.0.0/4 or an IPv6 address in ff00::/8 (PROTOCOL.md §2.2, without the `.local` quirk). */
export function isMulticast(address: PeerAddress | string): boolean {
  const text = typeof address === 'string' ? address : address.address
  if (/^ff/i.test(text)) return true
  const match = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(text)
  if (match === null) return false
  const first = Number(match[1])
  return first >= 224 && first <= 239
}

/** True when two addresses name the same socket. */
export function sameAddress(a: PeerAddress, b: PeerAddress): boolean {
  return a.port === b.port && a.address === b.address
}
