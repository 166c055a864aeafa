import type { Secret } from '@pavillion/crypto'
import type { DeliveryTarget } from '../delivery-tracker.ts'
import type { ServerInfo } from '../events.ts'
import type { RttOptions } from '../rtt-estimator.ts'
import type { PeerAddress } from '../transport.ts'
import { KnownServer } from './known-server.ts'
import type { ServerConnectionState } from './server-life.ts'

/** A server the client knows and where it stands with it (`Client.connections()`). */
export interface ServerConnection {
  readonly server: ServerInfo
  readonly state: ServerConnectionState
}

/** What a client last heard of one server: its status bytes, clock offset and smoothed RTT. */
export interface ServerState {
  readonly status: KnownServer['status']
  readonly clockOffset: number | undefined
  readonly srtt: number | undefined
}

/**
 * The servers a client knows, by source-address key: bounded by `maxServers`
 * (the longest-silent disconnected one is forgotten to make room), with the
 * retransmission timeouts their RTT estimates give.
 */
export class ServerTable {
  readonly #servers = new Map<string, KnownServer>()
  readonly #maxServers: number
  readonly #rtt: RttOptions
  readonly #forgotten: (key: string) => void

  /** `forgotten`: called with the key of a server evicted to make room. */
  constructor(maxServers: number, rtt: RttOptions, forgotten: (key: string) => void) {
    this.#maxServers = maxServers
    this.#rtt = rtt
    this.#forgotten = forgotten
  }

  /** The server at `key`, when known. */
  get(key: string): KnownServer | undefined {
    return this.#servers.get(key)
  }

  /** Every known server, connected or not. */
  values(): IterableIterator<KnownServer> {
    return this.#servers.values()
  }

  /** The keys of every known server. */
  keys(): IterableIterator<string> {
    return this.#servers.keys()
  }

  /** Every known server (connected or not), with its state. */
  connections(): ServerConnection[] {
    const out: ServerConnection[] = []
    for (const server of this.#servers.values())
      out.push({ server: server.info, state: server.life.connection })
    return out
  }

  /** Latest status bytes, clock offset and RTT of the server at `key`, when known. */
  stateOf(key: string): ServerState | undefined {
    const server = this.#servers.get(key)
    return server && { status: server.status, clockOffset: server.clockOffset, srtt: server.rtt.srtt }
  }

  /** The server keys this client holds (current and previous): what `close()` and eviction wipe. */
  ownedKeys(): Secret[] {
    const keys: Secret[] = []
    for (const server of this.#servers.values()) {
      if (server.skey !== undefined) keys.push(server.skey)
      if (server.previous !== undefined) keys.push(server.previous.skey)
    }
    return keys
  }

  /** Servers currently connected. */
  connected(): ServerInfo[] {
    const out: ServerInfo[] = []
    for (const server of this.#servers.values()) if (server.connected) out.push(server.info)
    return out
  }

  /**
   * The record of `key`, created for a server first heard at `from`;
   * undefined when the table is full of connected servers.
   */
  admit(
    now: number,
    from: PeerAddress,
    key: string,
    suite: number,
    publicKey: Uint8Array | undefined,
  ): KnownServer | undefined {
    const existing = this.#servers.get(key)
    if (existing !== undefined) return existing
    if (this.#servers.size >= this.#maxServers && !this.#evict()) return undefined
    const server = new KnownServer(from, suite, publicKey, now, this.#rtt)
    this.#servers.set(key, server)
    return server
  }

  /** Delivery targets for `bytes`: the servers of `keys` that are connected. */
  targets(keys: Iterable<string>, bytes: Uint8Array): DeliveryTarget<ServerInfo>[] {
    const targets: DeliveryTarget<ServerInfo>[] = []
    for (const key of keys) {
      const server = this.#servers.get(key)
      if (server?.connected) targets.push({ key, peer: server.info, to: server.address, bytes })
    }
    return targets
  }

  /** Retransmission timeout of `attempt` towards `key`, or towards the slowest connected server. */
  rto(key: string | undefined, attempt: number): number {
    const server = key === undefined ? undefined : this.#servers.get(key)
    if (server !== undefined) return server.rtt.backoff(attempt)
    let rto = 0
    for (const s of this.#servers.values()) if (s.connected) rto = Math.max(rto, s.rtt.backoff(attempt))
    return rto > 0 ? rto : Math.min(this.#rtt.maxRto, this.#rtt.initialRto * 2 ** attempt)
  }

  /** Feeds one RTT measurement towards `key`. */
  sampleRtt(key: string, rtt: number): void {
    this.#servers.get(key)?.rtt.sample(rtt)
  }

  /** Forgets the longest-silent disconnected server; false when every server is connected. */
  #evict(): boolean {
    let victim: KnownServer | undefined
    for (const server of this.#servers.values()) {
      if (!server.connected && (victim === undefined || server.lastSeenAt < victim.lastSeenAt))
        victim = server
    }
    if (victim === undefined) return false
    this.#servers.delete(victim.key)
    victim.wipeKeys()
    this.#forgotten(victim.key)
    return true
  }
}
