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
}

/**
 * Checks ADDR: `HOST:PORT`, `[IPV6]:PORT`, `HOST` (port 1783) or a multicast group.
 * @throws UsageError saying what form to use
 */
export function addressArg(text: string): AddressArg {
  try {
    const { host, port } = parseAddress(text, { option: 'ADDR', defaultPort: DEFAULT_PORT })
    return { text, host, port, multicast: isMulticast(host) }
  } catch (error) {
    throw new UsageError(`${(error as Error).message}`)
  }
}
