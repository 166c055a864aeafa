import { TimeoutError } from '@pavillion/core'
import { afterAll, describe, expect, it } from 'vitest'
import { startImpairmentProxy } from '../src/index.ts'
import { burstLoss } from './support/cell.ts'
import { Ledger, makeKeys, RECORD_FN, startClient, startServer } from './support/stack.ts'

// Reliability matrix over real UDP through the impairment proxy: RPC calls (@pavillion/rpc on core) under
// Gilbert–Elliott burst loss each way. At most once: no argument ever runs twice; an answered call ran once.
const open: { close(): Promise<void> }[] = []
afterAll(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

const CALLS = 60
const IN_FLIGHT = 8
const TIMEOUT = 3000

type Outcome = { arg: string; result: string } | { arg: string; error: unknown }

describe.concurrent('RPC calls under loss each way, Gilbert–Elliott bursts (mean 2)', () => {
  it.each([0.1, 0.3, 0.5])(
    'loss %d: every answered call ran once and returned its result; every other one timed out',
    async (rate) => {
      const keys = await makeKeys()
      const ledger = new Ledger()
      const server = await startServer(keys, ledger, 'srv', { port: 0 })
      open.push(server)
      const proxy = await startImpairmentProxy({
        target: { address: '127.0.0.1', port: server.transport.localAddress().port },
        seed: 1000 + Math.round(rate * 100),
      })
      open.push(proxy)
      const client = await startClient(keys, proxy.address, {
        errors: ledger.errors,
        timing: { handshakeRetryMax: 500 },
      })
      open.push(client)
      // The session is set up unimpaired (the handshake under loss is matrix-sessions' job); then the loss starts.
      await client.client.waitForServer({ timeout: 5000 })
      proxy.setImpairment('toTarget', burstLoss(rate))
      proxy.setImpairment('fromTarget', burstLoss(rate))

      // A bounded pool: IN_FLIGHT workers take the next of CALLS arguments until none is left.
      const outcomes: Outcome[] = []
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < CALLS) {
          const arg = `rpc${rate}-${next++}`
          try {
            const answer = await client.rpc.call(RECORD_FN, new TextEncoder().encode(arg), {
              timeout: TIMEOUT,
            })
            outcomes.push({ arg, result: new TextDecoder().decode(answer) })
          } catch (error) {
            outcomes.push({ arg, error })
          }
        }
      }
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
      expect(outcomes).toHaveLength(CALLS)

      let answered = 0
      let timedOut = 0
      let ranAnyway = 0
      const attempts: number[] = []
      for (const outcome of outcomes) {
        const runs = Ledger.count(ledger.ran, outcome.arg)
        expect(runs, `${outcome.arg} ran ${runs} times`).toBeLessThanOrEqual(1)
        if ('result' in outcome) {
          answered++
          expect(runs, `${outcome.arg} was answered without running once`).toBe(1)
          expect(outcome.result).toBe('srv')
        } else {
          timedOut++
          expect(outcome.error, `${outcome.arg}: ${String(outcome.error)}`).toBeInstanceOf(TimeoutError)
          const { attempts: n } = outcome.error as TimeoutError
          expect(n).toBeGreaterThan(1)
          attempts.push(n)
          if (runs === 1) ranAnyway++ // the call arrived; every answer to it was lost
        }
      }
      // Nothing ran that was not called.
      const called = new Set(outcomes.map((o) => `srv:${o.arg}`))
      expect(ledger.ran.filter((entry) => !called.has(entry))).toEqual([])
      expect(ledger.errors).toEqual([])
      const { toTarget, fromTarget } = proxy.stats
      expect(toTarget.dropped).toBeGreaterThan(0)
      expect(fromTarget.dropped).toBeGreaterThan(0)
      expect(answered).toBeGreaterThan(CALLS / 2)
      const rpcStats = server.rpc.stats()
      console.info(
        `rpc loss ${rate}: ${answered} answered, ${timedOut} TimeoutError (${ranAnyway} of them ran once, ` +
          `attempts ${attempts.join('/') || '-'}); handler runs ${ledger.ran.length}, ` +
          `server rpc stats ${JSON.stringify(rpcStats)}; proxy dropped ${toTarget.dropped}/${toTarget.received} ` +
          `to the server, ${fromTarget.dropped}/${fromTarget.received} back; ` +
          `client retransmissions ${client.client.stats().retransmissions}`,
      )
    },
  )
})
