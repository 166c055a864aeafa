import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { parseCommand, positionals } from '../args/parse.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { printHelp } from './help.ts'

/** `pavillion registers ADDR`: lists every register a server declares, with its description. */
export async function registers(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('registers', argv, CLIENT_FLAGS)
  if (values.help === true) return printHelp('registers', io)
  const [addressText = ''] = positionals('registers', args, ['ADDR'])
  const address = addressArg(addressText)
  const timeout = timeoutFlag(values, 5000)
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    const list = await client.registers.list({ timeout, signal })
    for (const r of list) {
      out.record(
        'register',
        {
          register: r.register,
          name: r.name,
          datatype: r.datatype,
          interface: r.interface,
          description: r.description,
          writable: r.writable,
          server: r.server.key,
        },
        `${String(r.register).padStart(5)}  ${r.name}  ${r.datatype}${r.writable ? ' rw' : ' ro'}${r.interface === '' ? '' : `  ${r.interface}`}${r.description === '' ? '' : out.style.dim(`  ${r.description}`)}`,
      )
    }
    if (list.length === 0) out.text('no registers')
    return EXIT.ok
  })
}
