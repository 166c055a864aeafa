import type {
  ClientInfo,
  DeviceStatus,
  Message,
  PavillionClient,
  PavillionServer,
  ServerInfo,
} from 'pavillion'
import { type BytesView, viewOf } from './bytes-view.ts'

/** The most peers of one node listed in a snapshot (the rest are counted in `more`). */
const MAX_PEERS_SHOWN = 256

/** Status bytes as the page shows them. */
export interface StatusView {
  readonly battery: number | null
  readonly batteryState: string
  readonly network: string
  readonly rssi: number | null
  readonly temperature: number
}

/** One peer of a node: a server a client knows, or a client in a server's sessions. No key material. */
export interface PeerView {
  readonly key: string
  readonly suite: 'psk' | 'ecc'
  /** Clients only: the client ID (text when printable, else hex) and whether it is a guest. */
  readonly clientId?: string
  readonly guest?: boolean
  /** Smoothed round-trip time, ms, once measured. */
  readonly rtt: number | null
  readonly status: StatusView | null
  /** Wall-clock ms of the last thing this dashboard saw from the peer (handshake, status, message, answer). */
  readonly lastSeen: number | null
}

/** One node of this dashboard and what it knows. */
export interface NodeView {
  /** `c0`, `c1`… for clients, `s0`… for servers: how the page names a node in its commands. */
  readonly id: string
  readonly kind: 'client' | 'server'
  /** Where a client sends (server or group), where a server listens. */
  readonly address: string
  /** Servers (for a client) or sessions (for a server). */
  readonly peers: readonly PeerView[]
  /** Peers not listed because of {@link MAX_PEERS_SHOWN}. */
  readonly more: number
}

/** One message as the page lists it. */
export interface MessageView {
  readonly at: number
  readonly node: string
  /** `in`: received by the node; `out`: published from the page. */
  readonly direction: 'in' | 'out'
  readonly target: string
  readonly name: string
  readonly payload: BytesView
  readonly reliable: boolean
  /** The sender's address key (in), or the node's (out). */
  readonly peer: string
}

/** `host:port`, with brackets for IPv6. */
export function hostPort(address: { readonly address: string; readonly port: number }): string {
  return address.address.includes(':')
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`
}

function statusView(status: DeviceStatus | undefined): StatusView | null {
  if (status === undefined) return null
  const { network } = status
  return {
    battery: status.battery.percent === undefined ? null : Math.round(status.battery.percent),
    batteryState: status.battery.state,
    network: network.type,
    rssi: network.type === 'wlan' || network.type === 'wwan' ? network.rssi : null,
    temperature: status.temperature,
  }
}

function idText(id: Uint8Array): string {
  const view = viewOf(id)
  return view.text ?? view.hex
}

/**
 * Watches the dashboard's nodes: keeps when each peer was last seen and
 * turns every message they receive into a {@link MessageView}. It reads only
 * public state (addresses, client IDs, RTT, status bytes), never keys.
 */
export class NodeWatcher {
  readonly #clients: readonly PavillionClient[]
  readonly #servers: readonly PavillionServer[]
  /** Last seen, per node id, per peer key; pruned to the node's current peers at each snapshot. */
  readonly #seen = new Map<string, Map<string, number>>()
  readonly #stop = new AbortController()

  /** Starts watching; `onMessage` gets every message any node receives. */
  constructor(
    clients: readonly PavillionClient[],
    servers: readonly PavillionServer[],
    onMessage: (message: MessageView) => void,
  ) {
    this.#clients = clients
    this.#servers = servers
    const { signal } = this.#stop
    clients.forEach((client, i) => {
      const id = `c${i}`
      const touch = ({ server }: { server: ServerInfo }) => this.touch(id, server.key)
      client.on('server:connected', touch, { signal })
      client.on('server:status', touch, { signal })
      client.subscribe('*', (m) => onMessage(this.#received(id, m)), { signal })
    })
    servers.forEach((server, i) => {
      const id = `s${i}`
      server.on('session:opened', (detail) => this.touch(id, detail.client.key), { signal })
      server.subscribe('*', (m) => onMessage(this.#received(id, m)), { signal })
    })
  }

  /** The client node `id` (`c0`…), if there is one. */
  client(id: string): PavillionClient | undefined {
    return /^c\d{1,4}$/.test(id) ? this.#clients[Number(id.slice(1))] : undefined
  }

  /** The server node `id` (`s0`…), if there is one. */
  server(id: string): PavillionServer | undefined {
    return /^s\d{1,4}$/.test(id) ? this.#servers[Number(id.slice(1))] : undefined
  }

  /** Records that node `id` heard from peer `key` now. */
  touch(id: string, key: string, at: number = Date.now()): void {
    const seen = this.#seen.get(id) ?? new Map<string, number>()
    seen.set(key, at)
    this.#seen.set(id, seen)
  }

  /** Every node and its peers, now. */
  snapshot(): NodeView[] {
    const nodes: NodeView[] = []
    this.#clients.forEach((client, i) => {
      const id = `c${i}`
      const servers = client.servers()
      nodes.push(
        this.#node(id, 'client', hostPort(client.destination), servers, (s) => {
          const state = client.core.serverState(s.key)
          return {
            key: s.key,
            suite: s.suite === 1 ? 'psk' : 'ecc',
            rtt: state?.srtt ?? null,
            status: statusView(client.status(s.key)),
          }
        }),
      )
    })
    this.#servers.forEach((server, i) => {
      const sessions = server.sessions()
      nodes.push(
        this.#node(`s${i}`, 'server', hostPort(server.address), sessions, (c: ClientInfo) => ({
          key: c.key,
          suite: c.suite === 1 ? 'psk' : 'ecc',
          clientId: idText(c.identity),
          guest: c.guest,
          rtt: server.core.srtt(c.key) ?? null,
          status: null,
        })),
      )
    })
    return nodes
  }

  /** Stops watching (listeners and subscriptions removed). Idempotent; resolves at once. */
  close(): Promise<void> {
    this.#stop.abort()
    return Promise.resolve()
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #node<P extends { readonly key: string }>(
    id: string,
    kind: 'client' | 'server',
    address: string,
    peers: readonly P[],
    view: (peer: P) => Omit<PeerView, 'lastSeen'>,
  ): NodeView {
    const seen = this.#seen.get(id)
    if (seen !== undefined) {
      const current = new Set(peers.map((p) => p.key))
      for (const key of seen.keys()) if (!current.has(key)) seen.delete(key)
    }
    const shown = peers.slice(0, MAX_PEERS_SHOWN)
    return {
      id,
      kind,
      address,
      peers: shown.map((p) => ({ ...view(p), lastSeen: seen?.get(p.key) ?? null })),
      more: peers.length - shown.length,
    }
  }

  #received(id: string, m: Message<ServerInfo | ClientInfo>): MessageView {
    const at = Date.now()
    this.touch(id, m.sender.key, at)
    return {
      at,
      node: id,
      direction: 'in',
      target: m.target,
      name: m.name,
      payload: viewOf(m.payload),
      reliable: m.reliable,
      peer: m.sender.key,
    }
  }
}
