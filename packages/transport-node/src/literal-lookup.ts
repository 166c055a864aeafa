import type { LookupOneOptions } from 'node:dns'
import { ipVersion, type SocketFamily } from './ip-address.ts'

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void

/**
 * The `lookup` of every socket: accepts only IP literals of the socket's
 * family and answers synchronously. Host names are never resolved, and because
 * the answer is synchronous `dgram` hands the datagram to the kernel inside
 * `send()` instead of on a later tick.
 *
 * @throws TypeError (out of `send()`) for anything that is not such a literal.
 */
export function literalLookup(family: SocketFamily) {
  const version = family === 'udp4' ? 4 : 6
  // Consecutive sends mostly go to the same peer: its literal is checked once (the check is a regular expression).
  let lastChecked: string | undefined
  return (address: string, _options: LookupOneOptions, callback: LookupCallback): void => {
    if (address !== lastChecked) {
      if (ipVersion(address) !== version) {
        throw new TypeError(
          `'${address}' is not an IPv${version} literal; a ${family} transport sends only to IPv${version} addresses and never resolves host names`,
        )
      }
      lastChecked = address
    }
    callback(null, address, version)
  }
}
