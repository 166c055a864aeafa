import type { ReadAllResult } from 'pavillion'
import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { parseCommand, positionals } from '../args/parse.ts'
import { registerArg, TYPE_FLAG, typeFlag, valueField, valueText } from '../args/register-args.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { RuntimeFailure } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = { ...CLIENT_FLAGS, ...TYPE_FLAG, all: { type: 'boolean' } } as const

/**
 * `pavillion read ADDR REG`: prints a register's value (typed by its
 * datatype); `--all` prints one line per server of a multicast group.
 */
export async function read(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('read', argv, FLAGS)
  if (values.help === true) return printHelp('read', io)
  const [addressText = '', registerText = ''] = positionals('read', args, ['ADDR', 'REG'])
  const address = addressArg(addressText)
  const register = registerArg(registerText)
  const type = typeFlag(values.type)
  const all = values.all === true
  const timeout = timeoutFlag(values, all ? 2000 : 5000)
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    const options = { timeout, signal, ...(type === undefined ? {} : { type }) }
    if (!all) {
      const value = await client.registers.read(register, options)
      out.record('value', { register, value: valueField(value) }, valueText(value))
      return EXIT.ok
    }
    const answers = await client.registers.readAll(register, options)
    for (const answer of answers) printAnswer(out, register, answer)
    if (answers.length === 0)
      throw new RuntimeFailure(`no server answered for register ${register} within ${timeout} ms`)
    return answers.every((answer) => 'value' in answer) ? EXIT.ok : EXIT.failure
  })
}

function printAnswer(out: Output, register: number, answer: ReadAllResult): void {
  const server = answer.server.key
  if ('value' in answer) {
    out.record(
      'value',
      { register, server, value: valueField(answer.value) },
      `${server}  ${valueText(answer.value)}`,
    )
    return
  }
  out.record(
    'error',
    { register, server, message: answer.error.message },
    `${server}  ${out.style.red('error')} ${answer.error.message}`,
  )
}
