import { setTimeout as sleep } from 'node:timers/promises'
import { ClosedError, TimeoutError } from '@pavillion/core'
import { NoAcknowledgementError } from '@pavillion/pubsub'
import { afterEach, describe, expect, it } from 'vitest'
import { startImpairmentProxy } from '../src/index.ts'
import {
  activeResources,
  grownResources,
  Ledger,
  makeKeys,
  RECORD_FN,
  startClient,
  startServer,
  TARGET,
} from './support/stack.ts'
import { waitUntil } from './support/udp.ts'

// Reliability matrix over real UDP on 127.0.0.1: endpoints that come and go.
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

/** How a promise settled, or 'hung' when it did not within `ms` (a bound, far above the operation's timeout). */
async function settled(promise: Promise<unknown>, ms: number): Promise<{ error?: unknown; hung?: true }> {
  let guard: NodeJS.Timeout | undefined
  const hung = new Promise<{ hung: true }>((resolve) => {
    guard = setTimeout(() => resolve({ hung: true }), ms)
  })
  try {
    return await Promise.race([
      promise.then(
        () => ({}),
        (error: unknown) => ({ error }),
      ),
      hung,
    ])
  } finally {
    clearTimeout(guard)
  }
}

describe('a server that never comes back', () => {
  it.each(['quit', 'silent'] as const)(
    'server gone (%s): pending publishes and calls reject with typed errors in bounded time; close leaves no handle',
    async (how) => {
      const before = await activeResources()
      const keys = await makeKeys()
      const ledger = new Ledger()
      const server = await startServer(keys, ledger, 'gone', { port: 0 })
      const proxy = await startImpairmentProxy({ target: server.transport.listenAddress(), seed: 3 })
      const client = await startClient(keys, proxy.address, { errors: ledger.errors })
      open.push(proxy, server, client)
      await client.client.waitForServer({ timeout: 5000 })
      expect(new TextDecoder().decode(await client.rpc.call(RECORD_FN, undefined, { timeout: 5000 }))).toBe(
        'gone',
      )

      // 'quit': the client is told; 'silent': it is not, and keeps retransmitting into the void.
      if (how === 'silent') proxy.setImpairment('fromTarget', { blackhole: true })
      await server.close()
      if (how === 'quit') expect(await waitUntil(() => client.client.servers().length === 0, 5000)).toBe(true)
      else expect(client.client.servers()).toHaveLength(1)

      const publishes = Array.from({ length: 5 }, (_, i) =>
        client.pubsub.publish(TARGET, `p${i}`, Uint8Array.of(i), { timeout: 600 }),
      )
      const calls = Array.from({ length: 5 }, (_, i) =>
        client.rpc.call(RECORD_FN, Uint8Array.of(i), { timeout: 600 }),
      )
      const outcomes = await Promise.all([...publishes, ...calls].map((p) => settled(p, 10_000)))
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.hung, `operation ${i} never settled`).toBeUndefined()
        expect(outcome.error).toBeInstanceOf(i < publishes.length ? NoAcknowledgementError : TimeoutError)
      }
      const waited = outcomes.slice(publishes.length).map((o) => (o.error as TimeoutError).waited)
      const attempts = outcomes.slice(publishes.length).map((o) => (o.error as TimeoutError).attempts)
      const reports = outcomes
        .slice(0, publishes.length)
        .map((o) => (o.error as NoAcknowledgementError).report)
      for (const report of reports) expect(report.acked).toEqual([])

      // Operations still pending when the client closes reject with ClosedError.
      const late = [
        client.pubsub.publish(TARGET, 'late', Uint8Array.of(1), { timeout: 30_000 }),
        client.rpc.call(RECORD_FN, Uint8Array.of(1), { timeout: 30_000 }),
      ]
      await sleep(20)
      await client.close()
      for (const outcome of await Promise.all(late.map((p) => settled(p, 5000)))) {
        expect(outcome.error).toBeInstanceOf(ClosedError)
      }
      await proxy.close()
      const after = await activeResources()
      console.info(
        `server gone (${how}): calls waited ${waited.map(Math.round).join('/')} ms over ${attempts.join('/')} transmissions; ` +
          `publish transmissions ${reports.map((r) => r.transmissions).join('/')}; ` +
          `resources before ${JSON.stringify([...before])} after ${JSON.stringify([...after])}`,
      )
      expect(grownResources(before, after)).toEqual([])
      expect(ledger.ran).toEqual(['gone:'])
      expect(ledger.errors).toEqual([])
    },
    20_000,
  )
})

describe('a client restarting 20 times in a row against one server', () => {
  it('every round succeeds, each session closes with quit, no handle is left open', async () => {
    const keys = await makeKeys()
    const ledger = new Ledger()
    const server = await startServer(keys, ledger, 'steady', { port: 0 })
    open.push(server)
    const opened: string[] = []
    const closed: string[] = []
    server.server.on('session:opened', ({ client }) => opened.push(client.key))
    server.server.on('session:closed', ({ reason }) => closed.push(reason))
    const before = await activeResources()
    const peak: number[] = []
    for (let round = 0; round < 20; round++) {
      const client = await startClient(keys, server.transport.listenAddress(), { errors: ledger.errors })
      try {
        await client.client.waitForServer({ timeout: 5000 })
        const answer = await client.rpc.call(RECORD_FN, new TextEncoder().encode(`r${round}`), {
          timeout: 5000,
        })
        expect(new TextDecoder().decode(answer)).toBe('steady')
        const report = await client.pubsub.publish(TARGET, `r${round}`, Uint8Array.of(round), {
          timeout: 5000,
        })
        expect(report.outcome).toBe('acknowledged')
        peak.push(server.server.sessions().length)
      } finally {
        await client.close()
      }
      expect(await waitUntil(() => server.server.sessions().length === 0, 5000)).toBe(true)
    }
    const after = await activeResources()
    console.info(
      `20 client restarts: sessions opened ${opened.length}, closed ${closed.length} (${[...new Set(closed)]}); ` +
        `peak sessions ${Math.max(...peak)}; resources ${JSON.stringify([...before])} → ${JSON.stringify([...after])}`,
    )
    expect(new Set(opened).size).toBe(20)
    expect(closed).toEqual(Array(20).fill('quit'))
    expect(Math.max(...peak)).toBe(1)
    expect(ledger.ran).toEqual(Array.from({ length: 20 }, (_, i) => `steady:r${i}`))
    expect(ledger.received).toEqual(Array.from({ length: 20 }, (_, i) => `steady:r${i}`))
    expect(grownResources(before, after)).toEqual([])
    expect(ledger.errors).toEqual([])
  })
})
