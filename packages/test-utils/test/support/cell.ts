import {
  addressKey,
  Client,
  type ClientTiming,
  type DeliveryReport,
  MemoryClientRegistry,
  type RttOptions,
  Server,
  type ServerInfo,
} from '@pavillion/core'
import { loadCrypto, type PavillionCrypto } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { decodeAppPayload, encodeApp } from '@pavillion/wire'
import { expect } from 'vitest'
import { type ImpairmentProxy, type ProxyImpairment, startImpairmentProxy } from '../../src/index.ts'

/** What one cell of the reliability matrix sets up. */
export interface CellOptions {
  readonly seed: number
  readonly toTarget?: ProxyImpairment
  readonly fromTarget?: ProxyImpairment
  /** Clients, all through the same proxy. Default 1. */
  readonly clients?: number
  readonly rtt?: Partial<RttOptions>
  readonly timing?: Partial<ClientTiming>
}

let cryptoPromise: Promise<PavillionCrypto> | undefined

/**
 * A real server on 127.0.0.1 behind an impairment proxy, with PSK clients
 * that reach it only through the proxy. Counts every reliable message the
 * server application receives, by name.
 */
export class Cell {
  readonly server: Server
  readonly proxy: ImpairmentProxy
  readonly clients: Client[]
  /** Reliable messages the server application received, by name. */
  readonly delivered = new Map<string, number>()
  /** Reliable messages whose body was not the bytes sent with that name. */
  readonly altered: string[] = []
  /** 'error' events of every facade. */
  readonly errors: unknown[] = []

  private constructor(server: Server, proxy: ImpairmentProxy, clients: Client[]) {
    this.server = server
    this.proxy = proxy
    this.clients = clients
    server.on('message', (event) => {
      const message = decodeAppPayload(event.opcode, event.payload)
      if (message.type !== 'reliable') return
      const { name, body } = message
      this.delivered.set(name, (this.delivered.get(name) ?? 0) + 1)
      if (new TextDecoder().decode(body) !== name) this.altered.push(name)
    })
    server.on('error', ({ error }) => this.errors.push(error))
    for (const client of clients) client.on('error', ({ error }) => this.errors.push(error))
  }

  static async start(options: CellOptions): Promise<Cell> {
    cryptoPromise ??= loadCrypto()
    const crypto = await cryptoPromise
    const registry = new MemoryClientRegistry()
    const credentials = Array.from({ length: options.clients ?? 1 }, (_, i) => {
      const clientId = new TextEncoder().encode(`mx-client-${String(i).padStart(6, '0')}`)
      const psk = crypto.generatePsk()
      registry.addPsk(clientId, psk)
      return { type: 'psk' as const, clientId, psk }
    })
    const serverTransport = await createUdpTransport({
      bind: { address: '127.0.0.1', port: 0 },
      separateSendSocket: true,
    })
    const server = new Server({
      crypto,
      runtime: nodeRuntime(),
      clients: registry,
      transport: serverTransport,
    })
    const proxy = await startImpairmentProxy({
      target: serverTransport.listenAddress(),
      seed: options.seed,
      ...(options.toTarget === undefined ? {} : { toTarget: options.toTarget }),
      ...(options.fromTarget === undefined ? {} : { fromTarget: options.fromTarget }),
    })
    const clients = await Promise.all(
      credentials.map(
        async (c) =>
          new Client({
            crypto,
            runtime: nodeRuntime(),
            destination: proxy.address,
            credentials: c,
            transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
            ...(options.rtt === undefined ? {} : { rtt: options.rtt }),
            ...(options.timing === undefined ? {} : { timing: options.timing }),
          }),
      ),
    )
    return new Cell(server, proxy, clients)
  }

  /** The key every client knows the server by: the proxy's address. */
  get serverKey(): string {
    return addressKey(this.proxy.address)
  }

  /** Closes the clients, then the server, then the proxy. */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()))
    await this.server.close()
    await this.proxy.close()
  }
}

/** A reliable message named `name`. */
export function reliable(name: string): Uint8Array {
  return encodeApp({ type: 'reliable', target: 'matrix', name, body: new TextEncoder().encode(name) })
}

/** Sends `count` tracked reliable messages named `${prefix}-${i}`, all at once; resolves with their reports. */
export function stream(
  client: Client,
  prefix: string,
  count: number,
  timeout: number,
): Promise<{ name: string; report: DeliveryReport<ServerInfo> }[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `${prefix}-${i}`
      return { name, report: await client.sendTracked(reliable(name), { timeout }).done }
    }),
  )
}

/**
 * The matrix's invariants: every acknowledged message reached the server
 * application exactly once; nothing reached it twice or unsent; every send
 * that gave up says `deadline` and names the server as missing.
 */
export function expectExactlyOnce(
  cell: Cell,
  results: { name: string; report: DeliveryReport<ServerInfo> }[],
): { acknowledged: number; deadline: number } {
  expect(cell.altered).toEqual([])
  const sent = new Set(results.map((r) => r.name))
  for (const [name, times] of cell.delivered) {
    if (!sent.has(name)) continue // another stream of the same cell
    expect(times, `${name} delivered ${times} times`).toBe(1)
  }
  let acknowledged = 0
  let deadline = 0
  for (const { name, report } of results) {
    if (report.outcome === 'acknowledged') {
      acknowledged++
      expect(cell.delivered.get(name), `${name} was acknowledged but not delivered`).toBe(1)
      expect(report.acked.map((s) => s.key)).toEqual([cell.serverKey])
    } else {
      deadline++
      expect(report.outcome).toBe('deadline')
      expect(report.missing.map((s) => s.key)).toEqual([cell.serverKey])
    }
  }
  return { acknowledged, deadline }
}

/** Gilbert–Elliott loss with mean bursts of 2 (leaving the bad state with p = 0.5) and a stationary loss rate `rate`. */
export function burstLoss(rate: number): ProxyImpairment {
  return { burst: { pGoodToBad: (0.5 * rate) / (1 - rate), pBadToGood: 0.5 } }
}
