import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, withClient } from '../args/client-flags.ts'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { registerArg, TYPE_FLAG, typeFlag, valueField, valueText } from '../args/register-args.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { RuntimeFailure } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  ...CLIENT_FLAGS,
  ...TYPE_FLAG,
  'rate-limit': { type: 'string' },
  duration: { type: 'string' },
  count: { type: 'string' },
} as const

/**
 * `pavillion observe ADDR REG`: prints the register's value, then every
 * change, until interrupted, `--count` values arrived, or `--timeout` passed
 * (exit 1 when `--count` was not reached).
 */
export async function observe(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('observe', argv, FLAGS)
  if (values.help === true) return printHelp('observe', io)
  const [addressText = '', registerText = ''] = positionals('observe', args, ['ADDR', 'REG'])
  const address = addressArg(addressText)
  const register = registerArg(registerText)
  const type = typeFlag(values.type)
  const rateLimitMs = integerFlag('rate-limit', values['rate-limit'], 0, 0, 65535)
  const durationMs = integerFlag('duration', values.duration, 10_000, 100, 65535)
  const count =
    values.count === undefined ? undefined : integerFlag('count', values.count, 1, 1, 1_000_000_000)
  const timeout =
    values.timeout === undefined ? undefined : integerFlag('timeout', values.timeout, 0, 1, 86_400_000)
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    const stop = AbortSignal.any([signal, ...(timeout === undefined ? [] : [AbortSignal.timeout(timeout)])])
    let received = 0
    const observation = client.registers.observe(register, {
      rateLimitMs,
      durationMs,
      signal: stop,
      ...(type === undefined ? {} : { type }),
    })
    try {
      for await (const update of observation) {
        received++
        out.record(
          'value',
          { register, server: update.server.key, value: valueField(update.value) },
          `${valueText(update.value)} ${out.style.dim(`from ${update.server.key}`)}`,
        )
        if (count !== undefined && received >= count) break
      }
    } catch (error) {
      if (!stop.aborted) throw error // an interrupt, the timeout or a failure ends the observation
    }
    if (signal.aborted && !io.signal.aborted) throw signal.reason
    if (count !== undefined && received < count && !io.signal.aborted) {
      throw new RuntimeFailure(`received ${received} of ${count} values within ${timeout} ms`)
    }
    return EXIT.ok
  })
}
