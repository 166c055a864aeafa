import { readFile } from 'node:fs/promises'
import {
  CaptureError,
  type CaptureKeys,
  type CaptureSummary,
  openCaptureDecoder,
  recordFields,
  recordText,
} from '@pavillion/capture'
import { clientIdArg, pskArg, secretKeyArg } from '../args/keys.ts'
import { parseCommand, positionals } from '../args/parse.ts'
import { secretText } from '../args/secret.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

const OPTIONS = {
  'psk-client': { type: 'string', multiple: true },
  'secret-key': { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const

/** The keys of --psk-client ID=KEY and --secret-key KEY (each repeatable; KEY may be @FILE). */
async function keysOf(
  values: { 'psk-client'?: string[]; 'secret-key'?: string[] },
  io: CliIo,
): Promise<CaptureKeys> {
  const psk: { clientId: Uint8Array; psk: ReturnType<typeof pskArg> }[] = []
  for (const pair of values['psk-client'] ?? []) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new UsageError('--psk-client expected ID=KEY, got no "="')
    const id = pair.slice(0, at)
    const key = await secretText(`--psk-client ${id}=`, pair.slice(at + 1), io)
    if (key === undefined) throw new UsageError(`--psk-client ${id}= has no key`)
    psk.push({ clientId: clientIdArg('--psk-client', id), psk: pskArg(`--psk-client (${id})`, key) })
  }
  const secretKeys = []
  for (const given of values['secret-key'] ?? []) {
    const text = await secretText('--secret-key', given, io)
    if (text === undefined) throw new UsageError('--secret-key has no key')
    secretKeys.push(secretKeyArg('--secret-key', text))
  }
  return { psk, secretKeys }
}

/** The capture file's bytes. @throws UsageError when it cannot be read */
async function readCaptureFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path)
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable'
    throw new UsageError(`${path}: cannot read the file (${code})`)
  }
}

function summaryText(s: CaptureSummary): string {
  const pavillion = s.udp - s.foreign
  return `${s.packets} packet(s): ${pavillion} Pavillion datagram(s), ${s.decoded} decoded, ${s.undecoded - s.foreign} not decoded; ${s.foreign} other UDP datagram(s), ${s.skipped} non-UDP packet(s) skipped`
}

/**
 * `pavillion decode FILE`: prints every UDP datagram of a pcap or pcapng capture, decoded as far
 * as the keys given allow, then a summary. Exit 2 for a file that is not a capture or is cut
 * short (after the packets before the damage), for a capture without any Pavillion datagram, and
 * for keys the capture contradicts.
 */
export async function decode(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('decode', argv, OPTIONS)
  if (values.help === true) return printHelp('decode', io)
  const [path = ''] = positionals('decode', args, ['FILE'])
  const out = new Output(io, values.json === true)
  const keys = await keysOf(values, io)
  const file = await readCaptureFile(path)
  const decoder = await openCaptureDecoder(keys)
  let start: bigint | undefined
  let failure: CaptureError | undefined
  try {
    for (const record of decoder.records(file)) {
      start ??= record.timeNs
      out.record('datagram', recordFields(record), recordText(record, start))
    }
  } catch (error) {
    if (!(error instanceof CaptureError)) throw error
    failure = error
  }
  const summary = decoder.summary()
  const problems = decoder.problems()
  out.record('summary', { ...summary, problems }, summaryText(summary))
  if (failure !== undefined) throw new UsageError(`${path}: ${failure.message}`)
  if (summary.udp === summary.foreign)
    throw new UsageError(
      `${path}: no Pavillion datagram in this capture (${summary.udp} UDP datagram(s), none starts with PavillionS0)`,
    )
  if (problems.length > 0) throw new UsageError(problems.join('; '))
  return EXIT.ok
}
