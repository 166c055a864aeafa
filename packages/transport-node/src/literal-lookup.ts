import type { LookupOneOptions } from 'node:dns'
import { InvalidArgumentError } from '@pavillion/core'
import { ipVersion, type SocketFamily } from './ip-address.ts'

/** Literals remembered as checked, per socket. */
const MAX_CHECKED = 4096

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void

/**
 * The `lookup` of every socket: accepts only IP literals of the socket's
 * family and answers synchronously. Host names are never resolved, and because
 * the answer is synchronous `dgram` hands the datagram to the kernel inside
 * `send()` instead of on a later tick.
 *
 * @throws InvalidArgumentError (out of `send()`) for anything that is not such a literal.
 */
export function literalLookup(family: SocketFamily) {
  const version = family === 'udp4' ? 4 : 6
  // A server answers many peers in turn: each literal is checked once (the check is a regular
  // expression), then found in a bounded set (emptied when full; the engine keeps one string per peer).
  const checked = new Set<string>()
  return (address: string, _options: LookupOneOptions, callback: LookupCallback): void => {
    if (!checked.has(address)) {
      if (ipVersion(address) !== version) {
        throw new InvalidArgumentError(
          `'${address}' is not an IPv${version} literal; a ${family} transport sends only to IPv${version} addresses and never resolves host names`,
        )
      }
      if (checked.size >= MAX_CHECKED) checked.clear()
      checked.add(address)
    }
    callback(null, address, version)
  }
}
