import { setTimeout as sleep } from 'node:timers/promises'
import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { CALL_LIMIT, checkPayloadSize } from '../args/limits.ts'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  ...CLIENT_FLAGS,
  count: { type: 'string' },
  interval: { type: 'string' },
  fn: { type: 'string' },
  size: { type: 'string' },
} as const

/** Default timeout per call and for the first connection, ms. */
const PING_TIMEOUT = 2000

/**
 * `pavillion ping ADDR`: calls the echo function `--count` times, one after
 * the other, and prints each round trip and the statistics. The first
 * connection is made before the first call, so no round trip includes the
 * handshake. Exit 0 only when every call was answered with its own bytes.
 */
export async function ping(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('ping', argv, FLAGS)
  if (values.help === true) return printHelp('ping', io)
  const [addressText = ''] = positionals('ping', args, ['ADDR'])
  const address = addressArg(addressText)
  const count = integerFlag('count', values.count, 4, 1, 1_000_000)
  const interval = integerFlag('interval', values.interval, 200, 0, 3_600_000)
  const fn = integerFlag('fn', values.fn, 0, 0, 65535)
  const size = integerFlag('size', values.size, 16, 0, Number.MAX_SAFE_INTEGER)
  checkPayloadSize('--size', size, CALL_LIMIT)
  const timeout = timeoutFlag(values, PING_TIMEOUT)
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    const server = await client.waitForServer({ timeout, signal })
    out.text(`PING ${address.text} (${server.key}) function ${fn}, ${size} bytes`)
    const rtts: number[] = []
    for (let seq = 1; seq <= count; seq++) {
      if (seq > 1 && interval > 0) await sleep(interval, undefined, { signal })
      const payload = new Uint8Array(size).map((_, i) => (seq + i) & 0xff)
      const started = performance.now()
      try {
        const echoed = await client.call(fn, payload, { timeout, signal })
        const rtt = performance.now() - started
        const same = echoed.length === payload.length && echoed.every((b, i) => b === payload[i])
        if (same) rtts.push(rtt)
        out.record(
          'reply',
          { seq, bytes: echoed.length, rtt: round(rtt), match: same },
          `${echoed.length} bytes: seq=${seq} time=${rtt.toFixed(2)} ms${same ? '' : ' (different bytes: not an echo)'}`,
        )
      } catch (error) {
        if (signal.aborted) throw error
        out.record('lost', { seq, error: (error as Error).message }, `seq=${seq} ${(error as Error).message}`)
      }
    }
    const stats = statistics(rtts)
    const lost = Math.round(((count - rtts.length) / count) * 100)
    out.record(
      'summary',
      { sent: count, received: rtts.length, loss: lost, ...stats },
      `${count} calls, ${rtts.length} replies, ${lost}% lost` +
        (rtts.length === 0
          ? ''
          : `; rtt min/avg/max/mdev = ${stats.min}/${stats.avg}/${stats.max}/${stats.mdev} ms`),
    )
    return rtts.length === count ? EXIT.ok : EXIT.failure
  })
}

/** min/avg/max/mean deviation of the round trips, ms (two decimals); zeros when none. */
function statistics(rtts: readonly number[]) {
  if (rtts.length === 0) return { min: 0, avg: 0, max: 0, mdev: 0 }
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length
  const mdev = Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / rtts.length)
  const min = rtts.reduce((a, b) => Math.min(a, b))
  const max = rtts.reduce((a, b) => Math.max(a, b))
  return { min: round(min), avg: round(avg), max: round(max), mdev: round(mdev) }
}

const round = (ms: number) => Math.round(ms * 100) / 100
