import { DEFAULT_PORT, isMulticast, parseAddress } from 'pavillion'
import { UsageError } from '../usage-error.ts'

/** A checked ADDR argument. */
export interface AddressArg {
  /** As given (host names are resolved when the client starts). */
  readonly text: string
  readonly host: string
  readonly port: number
  /** True for a multicast group (then `--interface` is required). */
  readonly multicast: boolean
  /** The advertised name to find by discovery (a bare name: no `:`, no `.`); `--interface` is required. */
  readonly discovered?: string
  /** True for a `.local` host, resolved through mDNS (`--interface` is required). */
  readonly local: boolean
}

/**
 * Checks ADDR: `HOST:PORT`, `[IPV6]:PORT`, `HOST` (port 1783), a multicast
 * group, `NAME.local[:PORT]`, or a bare advertised NAME (letters, digits, `-`
 * and `_`: no `:` and no `.`; `localhost` stays a host) found by discovery.
 * @throws UsageError saying what form to use
 */
export function addressArg(text: string): AddressArg {
  const trimmed = text.trim()
  if (/^[a-z0-9_][a-z0-9_-]*$/i.test(trimmed) && trimmed.toLowerCase() !== 'localhost') {
    return { text, host: trimmed, port: DEFAULT_PORT, multicast: false, discovered: trimmed, local: false }
  }
  try {
    const { host, port } = parseAddress(text, { option: 'ADDR', defaultPort: DEFAULT_PORT })
    return { text, host, port, multicast: isMulticast(host), local: /\.local\.?$/i.test(host) }
  } catch (error) {
    throw new UsageError(`${(error as Error).message}`)
  }
}
