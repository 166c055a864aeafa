import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { parseCommand, positionals } from '../args/parse.ts'
import { registerArg, TYPE_FLAG, typeFlag, valueArg, valueField, valueText } from '../args/register-args.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { printHelp } from './help.ts'

const FLAGS = { ...CLIENT_FLAGS, ...TYPE_FLAG, unreliable: { type: 'boolean' } } as const

/**
 * `pavillion write ADDR REG VALUE`: writes a register and waits until a
 * server applied it (exit 1 with the server's reason when refused);
 * `--unreliable` sends once and does not wait.
 */
export async function write(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('write', argv, FLAGS)
  if (values.help === true) return printHelp('write', io)
  const [addressText = '', registerText = '', valueInput = ''] = positionals('write', args, [
    'ADDR',
    'REG',
    'VALUE',
  ])
  const address = addressArg(addressText)
  const register = registerArg(registerText)
  const flagType = typeFlag(values.type)
  if (flagType !== undefined) valueArg(flagType, valueInput) // bad input exits 2 before connecting
  const timeout = timeoutFlag(values, 5000)
  const unreliable = values.unreliable === true
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    const type = flagType ?? (await client.registers.info(register, { timeout, signal })).datatype
    const value = valueArg(type, valueInput)
    const options = { timeout, signal, type }
    if (unreliable) {
      await client.waitForServer({ timeout, signal }) // a packet queued before the handshake would leave with the client
      await client.registers.writeUnreliable(register, value, options)
    } else await client.registers.write(register, value, options)
    out.record(
      unreliable ? 'sent' : 'written',
      { register, value: valueField(value), reliable: !unreliable },
      `${unreliable ? 'sent' : 'written'}  register ${register} = ${valueText(value)}`,
    )
    return EXIT.ok
  })
}
