import type { Message, ServerInfo } from 'pavillion'
import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, withClient } from '../args/client-flags.ts'
import { integerFlag, parseCommand } from '../args/parse.ts'
import { textArg } from '../args/text.ts'
import { bytesField, bytesText } from '../bytes.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { RuntimeFailure, UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  ...CLIENT_FLAGS,
  count: { type: 'string' },
  hex: { type: 'boolean' },
} as const

/**
 * `pavillion sub ADDR TARGET...`: prints every message servers send to one
 * of the targets until interrupted (exit 0), `--count` messages arrived
 * (exit 0) or `--timeout` passed (exit 1 when `--count` was not reached).
 */
export async function sub(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('sub', argv, FLAGS)
  if (values.help === true) return printHelp('sub', io)
  const [addressText, ...targetTexts] = args
  const targets = targetTexts.map((target) => textArg('TARGET', target))
  if (addressText === undefined || targets.length === 0) {
    throw new UsageError(
      'missing ADDR or TARGET; usage: pavillion sub ADDR TARGET... (see pavillion sub --help)',
    )
  }
  const address = addressArg(addressText)
  const count =
    values.count === undefined ? undefined : integerFlag('count', values.count, 1, 1, 1_000_000_000)
  const timeout =
    values.timeout === undefined ? undefined : integerFlag('timeout', values.timeout, 0, 1, 86_400_000)
  const out = new Output(io, values.json === true)
  const hex = values.hex === true
  return withClient(address, values, io, async (client, signal) => {
    let received = 0
    const done = new AbortController()
    const stop = AbortSignal.any([
      signal,
      done.signal,
      ...(timeout === undefined ? [] : [AbortSignal.timeout(timeout)]),
    ])
    const print = (m: Message<ServerInfo>) => {
      if (stop.aborted) return
      received++
      out.record(
        'message:received',
        {
          target: m.target,
          name: m.name,
          payload: bytesField(m.payload),
          reliable: m.reliable,
          from: m.sender.key,
        },
        `${m.target}/${m.name} ${bytesText(m.payload, hex)} ${out.style.dim(`from ${m.sender.key}`)}`,
      )
      if (count !== undefined && received >= count) done.abort()
    }
    // Where it stands goes to stderr, so that stdout stays the messages alone.
    client.on(
      'state:changed',
      ({ state }) => {
        if (state === 'connected') io.stderr.write(`connected to ${addressText}\n`)
        else if (state === 'reconnecting') io.stderr.write(`reconnecting to ${addressText}…\n`)
      },
      { signal: stop },
    )
    // One wildcard listener filters the targets (any number of them, one abort listener).
    const wanted = new Set(targets)
    client.subscribe(
      '*',
      (m) => {
        if (wanted.has('*') || wanted.has(m.target)) print(m)
      },
      { signal: stop },
    )
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }))
    // An interrupt or the count ends a subscription normally; so does a timeout without --count.
    if (signal.aborted && !io.signal.aborted) throw signal.reason
    if (count !== undefined && received < count && !io.signal.aborted) {
      throw new RuntimeFailure(`received ${received} of ${count} messages within ${timeout} ms`)
    }
    return EXIT.ok
  })
}
