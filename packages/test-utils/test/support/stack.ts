import {
  Client,
  type ClientTiming,
  MemoryClientRegistry,
  type PeerAddress,
  Server,
  type Transport,
} from '@pavillion/core'
import { type KeyPair, loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { ClientPubSub, ServerPubSub } from '@pavillion/pubsub'
import { RpcClient, RpcServer } from '@pavillion/rpc'
import { nodeRuntime, type UdpTransport } from '@pavillion/transport-node'
import { loopbackClientTransport, loopbackServerTransport } from '@pavillion/transport-node/testing'

/** The function every matrix server serves: records who ran it, answers with the server's label. */
export const RECORD_FN = 401
/** The pub/sub target every matrix server listens to. */
export const TARGET = 'matrix'

/** Keys shared by one scenario's servers (every incarnation) and clients. */
export interface Keys {
  readonly crypto: PavillionCrypto
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
  readonly keyPair: KeyPair
}

let cryptoPromise: Promise<PavillionCrypto> | undefined

/** Fresh keys (one PSK client, one server key pair). */
export async function makeKeys(): Promise<Keys> {
  cryptoPromise ??= loadCrypto()
  const crypto = await cryptoPromise
  return {
    crypto,
    clientId: new TextEncoder().encode('matrix-client-01'),
    psk: crypto.generatePsk(),
    keyPair: crypto.generateKeyPair(),
  }
}

/** What the applications of every server of a scenario received: `label:what`, in arrival order. */
export class Ledger {
  /** RPC arguments each handler ran with, as `label:args`. */
  readonly ran: string[] = []
  /** Names of reliable publications each server application received, as `label:name`. */
  readonly received: string[] = []
  /** 'error' events of every facade and layer. */
  readonly errors: unknown[] = []

  /** How many times `what` reached any server's application in `list`. */
  static count(list: readonly string[], what: string): number {
    return list.filter((entry) => entry.slice(entry.indexOf(':') + 1) === what).length
  }
}

/** A core server with RPC and pub/sub on it. */
export interface ServerStack {
  readonly label: string
  readonly server: Server
  readonly rpc: RpcServer
  readonly pubsub: ServerPubSub
  readonly transport: UdpTransport
  /** The transport the server drives (the UDP one, or a wrapper of it). */
  readonly wrapped: Transport
  close(): Promise<void>
}

/** Where a server listens: a port on 127.0.0.1, or a multicast group port (interface 127.0.0.1). */
export type Listen = { readonly port: number } | { readonly group: string; readonly port: number }

/**
 * Starts a server answering {@link RECORD_FN} and listening to {@link TARGET},
 * recording both in `ledger` under `label`. `wrap` may decorate its transport.
 */
export async function startServer(
  keys: Keys,
  ledger: Ledger,
  label: string,
  listen: Listen,
  wrap: (transport: UdpTransport) => Transport = (t) => t,
): Promise<ServerStack> {
  const transport = await loopbackServerTransport(listen)
  const wrapped = wrap(transport)
  const server = new Server({
    transport: wrapped,
    runtime: nodeRuntime(),
    crypto: keys.crypto,
    keyPair: keys.keyPair,
    clients: new MemoryClientRegistry().addPsk(keys.clientId, keys.psk),
  })
  server.on('error', ({ error }) => ledger.errors.push(error))
  const rpc = new RpcServer(server)
  rpc.handle(RECORD_FN, (args) => {
    ledger.ran.push(`${label}:${new TextDecoder().decode(args)}`)
    return new TextEncoder().encode(label)
  })
  const pubsub = new ServerPubSub(server)
  pubsub.on('error', ({ error }) => ledger.errors.push(error))
  pubsub.subscribe(TARGET, (m) => {
    if (m.reliable) ledger.received.push(`${label}:${m.name}`)
  })
  return {
    label,
    server,
    rpc,
    pubsub,
    transport,
    wrapped,
    close: async () => {
      await server.close()
      await transport.close()
    },
  }
}

/** A core client with RPC and pub/sub on it. */
export interface ClientStack {
  readonly client: Client
  readonly rpc: RpcClient
  readonly pubsub: ClientPubSub
  close(): Promise<void>
}

/** A PSK client sending to `destination` (a group through the interface 127.0.0.1 when it is one). */
export async function startClient(
  keys: Keys,
  destination: PeerAddress,
  options: {
    timing?: Partial<ClientTiming>
    errors?: unknown[]
    /** Decorates the client's transport (default: none). */
    wrap?: (transport: UdpTransport) => Transport
  } = {},
): Promise<ClientStack> {
  const transport = await loopbackClientTransport(destination)
  const client = new Client({
    transport: options.wrap === undefined ? transport : options.wrap(transport),
    runtime: nodeRuntime(),
    crypto: keys.crypto,
    destination,
    credentials: { type: 'psk', clientId: keys.clientId, psk: keys.psk },
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  })
  if (options.errors !== undefined) {
    const errors = options.errors
    client.on('error', ({ error }) => errors.push(error))
  }
  const rpc = new RpcClient(client)
  const pubsub = new ClientPubSub(client)
  return {
    client,
    rpc,
    pubsub,
    close: async () => {
      rpc.close()
      pubsub.close()
      await client.close()
      await transport.close()
    },
  }
}

/** Active libuv resources by type (`process.getActiveResourcesInfo()`), after two turns of the event loop. */
export async function activeResources(): Promise<Map<string, number>> {
  // A closed UDP handle leaves libuv's list one loop turn after close() called back.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve))
  const tally = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) tally.set(type, (tally.get(type) ?? 0) + 1)
  return tally
}

/** Types of resource with more instances in `after` than in `before`, as `type: before → after`. */
export function grownResources(before: Map<string, number>, after: Map<string, number>): string[] {
  const grown: string[] = []
  for (const [type, count] of after) {
    const was = before.get(type) ?? 0
    if (count > was) grown.push(`${type}: ${was} → ${count}`)
  }
  return grown
}
