import { Client, MemoryClientRegistry, Server, TimeoutError } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { ClientPubSub, NoAcknowledgementError, ServerPubSub } from '@pavillion/pubsub'
import { RpcClient, RpcServer } from '@pavillion/rpc'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { startImpairmentProxy } from './impairment-proxy.ts'
import type { ProxyImpairment } from './proxy-options.ts'
import {
  collector,
  grownHandles,
  type HandleTally,
  type MemorySample,
  sampleMemory,
  tallyHandles,
} from './soak-measure.ts'

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long traffic flows, seconds (default 60). */
  readonly seconds?: number
  /** Seed of the proxy's impairments (default 1). */
  readonly seed?: number
  /** Impairment of both directions (default 10% loss, 5% duplication, 5% reordering). */
  readonly impairment?: ProxyImpairment
  /** Allowed heap growth, as a fraction of the starting heap (default 0.5: +50%). */
  readonly heapGrowth?: number
  /** Where the report's lines go (default nowhere). */
  readonly log?: (line: string) => void
  /** Called about every 0.5 s while traffic flows: seconds elapsed, of the total, and operations pending. */
  readonly progress?: (elapsed: number, total: number, pending: number) => void
}

/** What a soak did and whether it stayed flat. */
export interface SoakReport {
  readonly seconds: number
  readonly seed: number
  /** Operations started, by kind. */
  readonly operations: Record<string, number>
  /** Operations that failed the way the impairment allows (timeouts, nobody acknowledged), by kind and error. */
  readonly expectedFailures: Record<string, number>
  /** Anything else: other errors, 'error' events, a message or call handled twice. Empty when healthy. */
  readonly unexpected: string[]
  readonly memory: { readonly start: MemorySample; readonly end: MemorySample }
  readonly handles: { readonly start: HandleTally; readonly end: HandleTally; readonly grown: string[] }
  /** Heap growth from start to end, as a fraction of the start. */
  readonly heapGrowth: number
  /** True when the heap stayed within bound, no handle was left and nothing unexpected happened. */
  readonly ok: boolean
}

/** Default impairment of both directions. */
const SOAK_IMPAIRMENT: ProxyImpairment = { loss: 0.1, duplicate: 0.05, reorder: 0.05 }

/** Most operations in flight at once; a tick that would exceed it starts nothing. */
const MAX_PENDING = 64
/** Timeout of every reliable operation, ms. */
const OP_TIMEOUT = 2000
/**
 * The memory baseline is taken after the first 1/WARM_UP of the run, once code is compiled and the bounded
 * caches (the RPC response cache holds 1024 calls, about 10 s of soak traffic) have mostly filled.
 */
const WARM_UP = 6
/** Pause between ticks, ms. */
const TICK = 10

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs one server and one client on 127.0.0.1, the client behind an
 * impairment proxy, with every kind of traffic at once — RPC calls,
 * reliable and unreliable publishes both ways, time syncs — for `seconds`;
 * samples memory (after forced GC) and active handles before and after.
 * Only ever sends to 127.0.0.1.
 */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const seconds = options.seconds ?? 60
  const seed = options.seed ?? 1
  const log = options.log ?? (() => {})
  const gc = collector()
  const impairment = options.impairment ?? SOAK_IMPAIRMENT
  // Logged before the handles are tallied: the first write may open a handle for stdout.
  log(`soak: ${seconds} s, seed ${seed}, impairment ${JSON.stringify(impairment)}`)
  const startHandles = await tallyHandles()
  const operations: Record<string, number> = {}
  const expectedFailures: Record<string, number> = {}
  const unexpected: string[] = []
  const count = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1
  }

  const crypto = await loadCrypto()
  const clientId = new TextEncoder().encode('soak-client-0001')
  const psk = crypto.generatePsk()
  const serverTransport = await createUdpTransport({
    bind: { address: '127.0.0.1', port: 0 },
    separateSendSocket: true,
  })
  const server = new Server({
    crypto,
    runtime: nodeRuntime(),
    transport: serverTransport,
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
  })
  const proxy = await startImpairmentProxy({
    target: serverTransport.listenAddress(),
    seed,
    toTarget: impairment,
    fromTarget: impairment,
  })
  const clientTransport = await createUdpTransport({ bind: { address: '127.0.0.1' } })
  const client = new Client({
    crypto,
    runtime: nodeRuntime(),
    destination: proxy.address,
    credentials: { type: 'psk', clientId, psk },
    transport: clientTransport,
    timing: { handshakeRetryMax: 500 },
  })
  const rpcServer = new RpcServer(server)
  const serverPubSub = new ServerPubSub(server)
  const rpc = new RpcClient(client)
  const clientPubSub = new ClientPubSub(client)

  const runs = new Map<string, number>()
  const upDelivered = new Map<string, number>()
  const downDelivered = new Map<string, number>()
  const once = (table: Map<string, number>, key: string, what: string) => {
    const times = (table.get(key) ?? 0) + 1
    table.set(key, times)
    if (times === 2) unexpected.push(`${what} ${key} handled twice`)
  }
  rpcServer.handle(401, (args) => {
    once(runs, new TextDecoder().decode(args), 'call')
    return args
  })
  serverPubSub.subscribe('soak-up', (m) => {
    if (m.reliable) once(upDelivered, m.name, 'upstream publish')
  })
  clientPubSub.subscribe('soak-down', (m) => {
    if (m.reliable) once(downDelivered, m.name, 'downstream publish')
  })
  let syncs = 0
  client.on('time:sync', () => syncs++)
  const report =
    (name: string) =>
    ({ error }: { error: unknown }) => {
      unexpected.push(`${name} error event: ${String(error)}`)
    }
  server.on('error', report('server'))
  client.on('error', report('client'))
  serverPubSub.on('error', report('server pub/sub'))
  clientPubSub.on('error', report('client pub/sub'))

  let pending = 0
  const track = (kind: string, operation: () => Promise<unknown>) => {
    count(operations, kind)
    pending++
    let promise: Promise<unknown>
    try {
      promise = operation()
    } catch (error) {
      promise = Promise.reject(error)
    }
    return promise
      .then(
        () => {},
        (error: unknown) => {
          if (error instanceof TimeoutError || error instanceof NoAcknowledgementError) {
            count(expectedFailures, `${kind}: ${error.name}`)
          } else
            unexpected.push(
              `${kind}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
            )
        },
      )
      .finally(() => {
        pending--
      })
  }

  try {
    await client.waitForServer({ timeout: 10_000 })
    log(`start: handles ${JSON.stringify(startHandles)}`)
    let startMemory: MemorySample | undefined
    const inFlight = new Set<Promise<void>>()
    const start = performance.now()
    for (let tick = 0; performance.now() - start < seconds * 1000; tick++) {
      if (startMemory === undefined && performance.now() - start >= (seconds * 1000) / WARM_UP) {
        startMemory = sampleMemory(gc)
        log(`after warm-up: heapUsed ${mib(startMemory.heapUsed)}, rss ${mib(startMemory.rss)}`)
      }
      if (pending + 5 <= MAX_PENDING) {
        const id = `t${tick}`
        const bytes = new TextEncoder().encode(id)
        for (const p of [
          track('rpc call', () => rpc.call(401, bytes, { timeout: OP_TIMEOUT })),
          track('client reliable publish', () =>
            clientPubSub.publish('soak-up', id, bytes, { timeout: OP_TIMEOUT }),
          ),
          track('client unreliable publish', () =>
            clientPubSub.publish('soak-up', id, bytes, { reliable: false }),
          ),
          track('server reliable publish', () =>
            serverPubSub.publish('soak-down', id, bytes, { timeout: OP_TIMEOUT }),
          ),
          track('server unreliable publish', () =>
            serverPubSub.publish('soak-down', id, bytes, { reliable: false }),
          ),
        ]) {
          inFlight.add(p)
          void p.finally(() => inFlight.delete(p))
        }
        if (tick % 50 === 0) {
          count(operations, 'time sync')
          client.requestTimeSync()
        }
      }
      if (tick % 50 === 0) options.progress?.((performance.now() - start) / 1000, seconds, pending)
      await sleep(TICK)
    }
    await Promise.all(inFlight)
    startMemory ??= sampleMemory(gc)
    const endMemory = sampleMemory(gc)
    const { toTarget, fromTarget } = proxy.stats
    log(
      `proxy: to server ${toTarget.dropped} dropped, ${toTarget.duplicated} duplicated, ${toTarget.reordered} reordered ` +
        `of ${toTarget.received}; back ${fromTarget.dropped} dropped, ${fromTarget.duplicated} duplicated, ` +
        `${fromTarget.reordered} reordered of ${fromTarget.received}; time syncs answered ${syncs}`,
    )
    await closeAll()
    const endHandles = await tallyHandles()
    const grown = grownHandles(startHandles, endHandles)
    const heapGrowth = (endMemory.heapUsed - startMemory.heapUsed) / startMemory.heapUsed
    const bound = options.heapGrowth ?? 0.5
    const result: SoakReport = {
      seconds,
      seed,
      operations,
      expectedFailures,
      unexpected,
      memory: { start: startMemory, end: endMemory },
      handles: { start: startHandles, end: endHandles, grown },
      heapGrowth,
      ok: heapGrowth <= bound && grown.length === 0 && unexpected.length === 0,
    }
    log(`operations: ${JSON.stringify(operations)}`)
    log(`expected failures: ${JSON.stringify(expectedFailures)}`)
    log(`unexpected: ${unexpected.length === 0 ? 'none' : unexpected.slice(0, 20).join('; ')}`)
    log(
      `end: heapUsed ${mib(endMemory.heapUsed)} (${(heapGrowth * 100).toFixed(1)}%, bound +${bound * 100}%), ` +
        `rss ${mib(endMemory.rss)}, handles ${JSON.stringify(endHandles)}${grown.length > 0 ? ` GREW: ${grown.join(', ')}` : ''}`,
    )
    log(result.ok ? 'soak: OK' : 'soak: FAILED')
    return result
  } finally {
    await closeAll()
  }

  async function closeAll(): Promise<void> {
    rpc.close()
    clientPubSub.close()
    await client.close()
    rpcServer.close()
    serverPubSub.close()
    await server.close()
    await proxy.close()
    await clientTransport.close()
    await serverTransport.close()
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
