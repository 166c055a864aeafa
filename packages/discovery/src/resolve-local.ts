import { isIP } from 'node:net'
import type { AbortOptions } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { MAX_RECORDS_PER_PACKET, MDNS_PORT } from './constants.ts'
import { DiscoveryError } from './errors.ts'
import { type LinkOptions, openLinks } from './mdns-links.ts'

/** Options of {@link resolveLocalName}. */
export interface ResolveLocalOptions extends LinkOptions, AbortOptions {
  /** How long to wait for an answer, ms (default 2000); the query is repeated after 1 s. */
  readonly timeoutMs?: number
}

/** True for a name that multicast DNS resolves (RFC 6762 §3: under `.local`). */
export function isLocalName(host: string): boolean {
  return /\.local\.?$/i.test(host) && isIP(host) === 0
}

/**
 * Resolves a `.local` host name through multicast DNS (A and AAAA queries on
 * the given interfaces) to its addresses, IPv4 first.
 * @throws DiscoveryError (`not-found`) when nobody answers in time; `signal.reason` on abort
 */
export async function resolveLocalName(host: string, options: ResolveLocalOptions): Promise<string[]> {
  if (!isLocalName(host)) throw new InvalidArgumentError(`"${host}" is not a .local host name`)
  options.signal?.throwIfAborted()
  const timeoutMs = options.timeoutMs ?? 2_000
  const name = host.replace(/\.$/, '').toLowerCase()
  const links = await openLinks(options)
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const found = new Set<string>()
      links.onPacket((packet, from) => {
        if (packet.type !== 'response' || from.port !== MDNS_PORT) return
        const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(
          0,
          MAX_RECORDS_PER_PACKET,
        )
        for (const r of records) {
          if ((r.type === 'A' || r.type === 'AAAA') && r.name.toLowerCase() === name && isIP(String(r.data)))
            found.add(String(r.data))
        }
        if (found.size > 0) finish()
      })
      const ask = () =>
        links.send({
          type: 'query',
          questions: [
            { name, type: 'A' },
            { name, type: 'AAAA' },
          ],
        })
      const again = setTimeout(ask, 1_000)
      const timer = setTimeout(finish, timeoutMs)
      const onAbort = () => finish()
      options.signal?.addEventListener('abort', onAbort, { once: true })
      function finish() {
        clearTimeout(again)
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        if (options.signal?.aborted) reject(options.signal.reason)
        else if (found.size > 0) resolve([...found].sort((a, b) => isIP(a) - isIP(b)))
        else reject(new DiscoveryError('not-found', `no answer for ${name} within ${timeoutMs} ms`))
      }
      ask()
    })
  } finally {
    await links.close()
  }
}
