import { exportKey, publicKeyOf } from 'pavillion'
import { secretKeyArg } from '../args/keys.ts'
import { parseCommand, positionals } from '../args/parse.ts'
import { secretText } from '../args/secret.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

/** `pavillion pubkey [SECRET]`: prints the public key of a secret key (argument, `@file` or PAVILLION_SECRET_KEY). */
export async function pubkey(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('pubkey', argv, { json: { type: 'boolean' } })
  if (values.help === true) return printHelp('pubkey', io)
  const [given] = positionals('pubkey', args, ['SECRET'], 1)
  const text = await secretText('SECRET', given, io, 'PAVILLION_SECRET_KEY')
  if (text === undefined) {
    throw new UsageError(
      'give the secret key: pavillion pubkey SECRET (or @file, or set PAVILLION_SECRET_KEY)',
    )
  }
  const publicKey = exportKey(await publicKeyOf(secretKeyArg('SECRET', text)))
  new Output(io, values.json === true).record('pubkey', { publicKey }, publicKey)
  return EXIT.ok
}
