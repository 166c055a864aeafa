import { exportKey, generateKeyPair, generatePsk } from 'pavillion'
import { parseCommand, positionals } from '../args/parse.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

/**
 * `pavillion keygen psk|ecc`: prints a new PSK (64 hex characters) or a new
 * X25519 key pair as `{"publicKey":HEX,"secretKey":HEX}`.
 */
export async function keygen(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('keygen', argv, { json: { type: 'boolean' } })
  if (values.help === true) return printHelp('keygen', io)
  const [kind] = positionals('keygen', args, ['psk|ecc'])
  const out = new Output(io, values.json === true)
  if (kind === 'psk') {
    const psk = exportKey(await generatePsk())
    out.record('psk', { psk }, psk)
    return EXIT.ok
  }
  if (kind === 'ecc') {
    const pair = await generateKeyPair()
    const keys = { publicKey: exportKey(pair.publicKey), secretKey: exportKey(pair.secretKey) }
    // The key pair is JSON in both modes: one line a script can parse.
    io.stdout.write(`${JSON.stringify(values.json === true ? { event: 'ecc', ...keys } : keys)}\n`)
    return EXIT.ok
  }
  throw new UsageError(`keygen makes "psk" or "ecc" keys, not "${kind}"; see pavillion keygen --help`)
}
