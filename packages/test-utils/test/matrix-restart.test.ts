import { setTimeout as sleep } from 'node:timers/promises'
import { ClosedError, TimeoutError } from '@pavillion/core'
import { NoAcknowledgementError } from '@pavillion/pubsub'
import { RemoteError } from '@pavillion/rpc'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, type ImpairmentProxy, startImpairmentProxy } from '../src/index.ts'
import {
  type ClientStack,
  Ledger,
  makeKeys,
  RECORD_FN,
  type ServerStack,
  startClient,
  startServer,
  TARGET,
} from './support/stack.ts'

// Reliability matrix over real UDP on 127.0.0.1: the server is closed mid-stream and a new one, with empty
// state but the same keys, starts on the same port. The client reaches it through an unimpaired proxy, so
// it knows both incarnations by one address (the proxy's) whatever ports their send sockets get.
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

type Outcome = 'acknowledged' | 'failed'

describe('server restarted with empty state mid-stream', () => {
  it.each([
    { downtime: 0, quit: true },
    { downtime: 3000, quit: true },
    { downtime: 1000, quit: false },
  ])(
    'after $downtime ms down (quit reaches the client: $quit): the client reconnects, nothing acknowledged is lost, every answered call ran once',
    async ({ downtime, quit }) => {
      const keys = await makeKeys()
      const ledger = new Ledger()
      const port = await freePort()
      let server: ServerStack = await startServer(keys, ledger, 'old', { port })
      const proxy: ImpairmentProxy = await startImpairmentProxy({
        target: { address: '127.0.0.1', port },
        seed: downtime + (quit ? 0 : 1),
      })
      const client: ClientStack = await startClient(keys, proxy.address, {
        timing: { handshakeRetryMax: 500 },
        errors: ledger.errors,
      })
      open.push(proxy, { close: () => server.close() }, client)
      await client.client.waitForServer({ timeout: 5000 })
      let connections = 0
      client.client.on('server:connected', () => connections++)

      // A bounded stream: one reliable publish and one call every 40 ms, each allowed 6 s.
      const rounds = Math.ceil((downtime + 2000) / 40)
      const restartAt = 10
      const publishes: Promise<{ name: string; outcome: Outcome; error?: unknown }>[] = []
      const calls: Promise<{ arg: string; outcome: Outcome; error?: unknown }>[] = []
      let restarted: Promise<void> | undefined
      for (let i = 0; i < rounds; i++) {
        if (i === restartAt) {
          // Without quit the old server vanishes as if it crashed: the client learns from the new one (§8.5).
          if (!quit) proxy.setImpairment('fromTarget', { blackhole: true })
          await server.close()
          proxy.setImpairment('fromTarget', {})
          restarted = (async () => {
            await sleep(downtime)
            server = await startServer(keys, ledger, 'new', { port })
          })()
          if (downtime === 0) await restarted
        }
        const name = `p${i}`
        publishes.push(
          client.pubsub.publish(TARGET, name, new TextEncoder().encode(name), { timeout: 6000 }).then(
            (report) => ({ name, outcome: report.outcome === 'acknowledged' ? 'acknowledged' : 'failed' }),
            (error: unknown) => ({ name, outcome: 'failed', error }),
          ),
        )
        const arg = `c${i}`
        calls.push(
          client.rpc.call(RECORD_FN, new TextEncoder().encode(arg), { timeout: 6000 }).then(
            () => ({ arg, outcome: 'acknowledged' }),
            (error: unknown) => ({ arg, outcome: 'failed', error }),
          ),
        )
        await sleep(40)
      }
      await restarted
      const published = await Promise.all(publishes)
      const called = await Promise.all(calls)

      // The client continues with the new server.
      await client.client.waitForServer({ timeout: 5000 })
      const after = await client.rpc.call(RECORD_FN, new TextEncoder().encode('after'), { timeout: 5000 })
      expect(new TextDecoder().decode(after)).toBe('new')
      const report = await client.pubsub.publish(TARGET, 'after', Uint8Array.of(1), { timeout: 5000 })
      expect(report.outcome).toBe('acknowledged')
      expect(ledger.received).toContain('new:after')

      for (const p of published) {
        const times = Ledger.count(ledger.received, p.name)
        if (p.outcome === 'acknowledged') expect(times, `${p.name} acknowledged, delivered ${times}×`).toBe(1)
        else {
          expect(p.error, `${p.name}: ${String(p.error)}`).toBeInstanceOf(NoAcknowledgementError)
          expect(times).toBeLessThanOrEqual(1)
        }
      }
      for (const c of called) {
        const times = Ledger.count(ledger.ran, c.arg)
        if (c.outcome === 'acknowledged') expect(times, `${c.arg} answered, ran ${times}×`).toBe(1)
        else {
          expect(c.error, `${c.arg}: ${String(c.error)}`).toSatisfy(
            (e) => e instanceof TimeoutError || e instanceof RemoteError || e instanceof ClosedError,
          )
          expect(times).toBeLessThanOrEqual(1)
        }
      }
      const ok = (list: { outcome: Outcome }[]) => list.filter((x) => x.outcome === 'acknowledged').length
      const byServer = (list: string[], label: string) => list.filter((x) => x.startsWith(`${label}:`)).length
      console.info(
        `restart after ${downtime} ms (quit ${quit}): publishes ${ok(published)}/${published.length} acknowledged ` +
          `(old ${byServer(ledger.received, 'old')}, new ${byServer(ledger.received, 'new')} delivered); ` +
          `calls ${ok(called)}/${called.length} answered (old ran ${byServer(ledger.ran, 'old')}, ` +
          `new ran ${byServer(ledger.ran, 'new')}); reconnections ${connections}; ` +
          `failures ${[...published, ...called]
            .filter((x) => x.outcome === 'failed')
            .map((x) => (x.error as Error).name)
            .join(',')}`,
      )
      expect(connections).toBeGreaterThanOrEqual(1)
      expect(ok(published)).toBeGreaterThan(restartAt - 2)
      expect(ok(called)).toBeGreaterThan(restartAt - 2)
      expect(ledger.errors).toEqual([])
    },
    20_000,
  )
})
