import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
import { loadCrypto, type PavillionCrypto, parsePsk } from '@pavillion/crypto'
import { ClientPubSub, ServerPubSub } from '@pavillion/pubsub'
import { RpcClient, RpcServer } from '@pavillion/rpc'
import { collector, sampleMemory } from '@pavillion/test-utils'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { cpuMsSince, STARTED } from '../measure.ts'
import type { RoleInstance } from '../scenario.ts'

/** Every child of a two-process scenario talks through this interface only. */
export const LOOPBACK = '127.0.0.1'
/** SO_RCVBUF of every bench socket (the kernel caps it): hundreds of datagrams in flight overflow the default. */
export const RECEIVE_BUFFER = 4 * 1024 * 1024
/** The RPC function the bench servers echo. */
const ECHO = 401
/** The topic the bench servers subscribe to. */
const TOPIC = 'bench'

/** The 16-byte client ID of bench client `index`. */
function clientIdOf(index: number): Uint8Array {
  return new TextEncoder().encode(`bench-${String(index).padStart(10, '0')}`)
}

/** Parameters of a Pavillion bench server process. */
export interface ServerParams {
  /** The PSK every bench client uses (hex). */
  readonly psk: string
  /** How many client IDs it knows (0 … clients − 1). */
  readonly clients: number
  /** Join this group on 127.0.0.1 at `port` instead of listening on 127.0.0.1:0. */
  readonly group?: { readonly address: string; readonly port: number }
}

/** What the parent asks a server process: its counters, and with `memory` also its memory after forced collections. */
interface ServerRequest {
  readonly memory?: boolean
}

/** A Pavillion server (core `Server`, RPC echo, a subscriber) in this process; `info` is its port. */
export async function serverRole(params: ServerParams): Promise<RoleInstance> {
  const crypto = await loadCrypto()
  const psk = parsePsk(params.psk)
  const registry = new MemoryClientRegistry()
  for (let i = 0; i < params.clients; i++) registry.addPsk(clientIdOf(i), psk)
  const transport = await createUdpTransport(
    params.group === undefined
      ? { bind: { address: LOOPBACK, port: 0 }, separateSendSocket: true, receiveBufferSize: RECEIVE_BUFFER }
      : {
          receiveBufferSize: RECEIVE_BUFFER,
          bind: { address: '0.0.0.0', port: params.group.port },
          reuseAddress: true,
          separateSendSocket: true,
          multicast: { group: params.group.address, interface: LOOPBACK, ttl: 0 },
        },
  )
  const server = new Server({
    transport,
    runtime: nodeRuntime(),
    crypto,
    clients: registry,
    limits: { maxSessions: Math.max(4096, params.clients), maxPending: Math.max(1024, params.clients) },
  })
  const rpc = new RpcServer(server)
  rpc.handle(ECHO, (args) => args)
  const pubsub = new ServerPubSub(server)
  let received = 0
  pubsub.subscribe(TOPIC, () => {
    received++
  })
  return {
    info: { port: transport.listenAddress().port },
    request: async (request: ServerRequest = {}) => ({
      received,
      sessions: server.sessions().length,
      cpuMs: cpuMsSince(STARTED),
      ...server.stats(),
      ...(request.memory ? sampleMemory(collector()) : {}),
    }),
    async close() {
      pubsub.close()
      rpc.close()
      await server.close()
    },
  }
}

/** Parameters of a Pavillion bench client process. */
export interface ClientParams {
  readonly psk: string
  /** The server's port (or the group's). */
  readonly port: number
  /** Send to this group through 127.0.0.1 instead of 127.0.0.1:port. */
  readonly group?: string
  /** How many servers answer (a group's size). Default 1. */
  readonly servers?: number
  /** How many clients this process runs, each with its own socket. Default 1. */
  readonly clients?: number
}

/** One connected bench client with RPC and pub/sub attached. */
export interface BenchClient {
  readonly client: Client
  readonly rpc: RpcClient
  readonly pubsub: ClientPubSub
}

/** Opens `params.clients` clients (in batches, so handshakes do not pile up) and waits until each knows every server. */
export async function openClients(
  params: ClientParams,
): Promise<{ crypto: PavillionCrypto; clients: BenchClient[] }> {
  const crypto = await loadCrypto()
  const psk = parsePsk(params.psk)
  const servers = params.servers ?? 1
  const clients: BenchClient[] = []
  const open = async (index: number): Promise<BenchClient> => {
    const transport = await createUdpTransport(
      params.group === undefined
        ? { bind: { address: LOOPBACK }, receiveBufferSize: RECEIVE_BUFFER }
        : {
            bind: { address: LOOPBACK },
            receiveBufferSize: RECEIVE_BUFFER,
            multicast: { interface: LOOPBACK, ttl: 0 },
          },
    )
    const client = new Client({
      transport,
      runtime: nodeRuntime(),
      crypto,
      destination: { address: params.group ?? LOOPBACK, port: params.port },
      credentials: { type: 'psk', clientId: clientIdOf(index), psk },
    })
    const opened = { client, rpc: new RpcClient(client), pubsub: new ClientPubSub(client) }
    clients.push(opened)
    await client.waitForServer({ timeout: 10_000 })
    const until = performance.now() + 10_000
    while (client.servers().length < servers) {
      if (performance.now() > until)
        throw new Error(`client ${index} sees ${client.servers().length} of ${servers} servers`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return opened
  }
  const count = params.clients ?? 1
  for (let first = 0; first < count; first += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - first) }, (_, i) => open(first + i)))
  }
  return { crypto, clients }
}

/** Closes every client. */
export async function closeClients(clients: readonly BenchClient[]): Promise<void> {
  await Promise.all(
    clients.map(({ client, rpc, pubsub }) => {
      rpc.close()
      pubsub.close()
      return client.close()
    }),
  )
}

/** One RPC echo of `args`; throws unless the same length comes back. */
export async function echo(rpc: RpcClient, args: Uint8Array): Promise<void> {
  const result = await rpc.call(ECHO, args, { timeout: 5000 })
  if (result.length !== args.length) throw new Error('echo returned the wrong length')
}

/** One reliable publish that `servers` servers must acknowledge. */
export async function publish(pubsub: ClientPubSub, payload: Uint8Array, servers: number): Promise<void> {
  const report = await pubsub.publish(TOPIC, 'm', payload, { timeout: 5000, expect: 'all' })
  if (report.outcome !== 'acknowledged' || report.acked.length !== servers) {
    throw new Error(`publish ${report.outcome}, ${report.acked.length} of ${servers} acknowledged`)
  }
}
