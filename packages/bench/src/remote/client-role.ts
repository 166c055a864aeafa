import { type Budget, lanes, paced, series } from '../measure.ts'
import type { RoleInstance } from '../scenario.ts'
import { type BenchClient, type ClientParams, closeClients, echo, openClients, publish } from './peers.ts'

/** What a measured operation is: an RPC echo or a reliable publish. */
type Operation = 'rpc' | 'publish'

/** Requests a Pavillion client process answers. */
export type ClientRequest =
  | {
      readonly kind: 'rate'
      readonly op: Operation
      readonly size: number
      /** Operations in flight on the first client; with several clients, one each instead. */
      readonly window: number
      readonly budget: Budget
    }
  /** The clients' endpoint counters, summed (retransmissions, duplicates…). */
  | { readonly kind: 'stats' }
  /** `count` sequential RPC echoes from the first client: latencies and this process's CPU time. */
  | { readonly kind: 'series'; readonly size: number; readonly count: number }
  /** Every client, for `seconds`: one operation every `periodMs`, RPC echoes and reliable publishes in turn. */
  | { readonly kind: 'paced'; readonly size: number; readonly periodMs: number; readonly seconds: number }

/** Pavillion clients in this process (one or many), measured on the parent's request. */
export async function clientRole(params: ClientParams): Promise<RoleInstance> {
  const { clients } = await openClients(params)
  const servers = params.servers ?? 1
  const operation = (c: BenchClient, op: Operation, payload: Uint8Array) =>
    op === 'rpc' ? () => echo(c.rpc, payload) : () => publish(c.pubsub, payload, servers)
  return {
    async request(request: ClientRequest): Promise<unknown> {
      if (request.kind === 'stats') return sumStats(clients.map((c) => c.client.stats()))
      const payload = new Uint8Array(request.size)
      if (request.kind === 'series') return series(operation(clients[0]!, 'rpc', payload), request.count)
      if (request.kind === 'paced') {
        const kinds = (c: BenchClient) =>
          (['rpc', 'publish'] as const).map((op) => ({ kind: op, run: operation(c, op, payload) }))
        return paced(clients.map(kinds), request.periodMs, request.seconds)
      }
      const ops =
        clients.length > 1
          ? clients.map((c) => operation(c, request.op, payload))
          : Array.from({ length: request.window }, () => operation(clients[0]!, request.op, payload))
      return lanes(ops, request.budget)
    },
    close: () => closeClients(clients),
  }
}

/** Adds up counter records field by field. */
function sumStats(records: readonly object[]): Record<string, number> {
  const sum: Record<string, number> = {}
  for (const record of records) {
    for (const [key, value] of Object.entries(record))
      if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value
  }
  return sum
}
