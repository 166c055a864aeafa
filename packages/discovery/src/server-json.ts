import type { SuiteName } from './service-info.ts'
import type { DiscoveredServer } from './service-table.ts'

/**
 * What every JSON view of a discovered server shows (the CLI's `discover --json`,
 * the dashboard's list, the MQTT bridge's `$discovered` topics): only what the
 * server advertised, nothing checked and no secret.
 */
export interface ServerJson {
  /** The DNS-SD instance label (unique on the link). */
  readonly instance: string
  /** The human name from its TXT record. */
  readonly name: string
  /** The host name its SRV record names. */
  readonly host: string
  readonly addresses: readonly string[]
  readonly port: number
  readonly suites: readonly SuiteName[]
  /** {@link fingerprintOf} its X25519 public key (32 hex), or null when it offers no ECC key. */
  readonly fingerprint: string | null
}

/**
 * `server` as a plain object for `JSON.stringify`, in a fixed key order, with
 * copies of its arrays and `null` for an absent fingerprint. A view spreads it
 * and adds its own fields (`{ type, ...serverJson(server), version: server.version }`).
 *
 * @example
 * ```ts
 * import { discover, serverJson } from '@pavillion/discovery'
 *
 * for await (const { type, server } of discover({ interfaces: ['127.0.0.1'], timeoutMs: 500 })) {
 *   console.log(JSON.stringify({ type, ...serverJson(server), group: server.group ?? null }))
 * }
 * ```
 */
export function serverJson(server: DiscoveredServer): ServerJson {
  return {
    instance: server.instance,
    name: server.name,
    host: server.host,
    addresses: [...server.addresses],
    port: server.port,
    suites: [...server.suites],
    fingerprint: server.fingerprint ?? null,
  }
}
