import { fromHex } from 'pavillion'
import { type CliIo, readAll } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { checkPayloadSize, type PayloadLimit } from './limits.ts'
import { textArg } from './text.ts'

/** Where a payload comes from. */
export interface PayloadFlags {
  /** The argument is hex (`--hex`). */
  readonly hex?: boolean | undefined
  /** Read it from standard input (`--stdin`). */
  readonly stdin?: boolean | undefined
}

/**
 * The payload bytes: the argument as UTF-8 (or hex with `--hex`), or all of
 * standard input with `--stdin`; empty when neither is given.
 * @throws UsageError for both an argument and `--stdin`, for bad hex, for an
 *   argument that was not UTF-8, or for more bytes than `limit` allows
 */
export async function payloadArg(
  text: string | undefined,
  flags: PayloadFlags,
  io: CliIo,
  limit: PayloadLimit,
): Promise<Uint8Array> {
  const bytes = await payloadBytes(text, flags, io)
  checkPayloadSize(flags.stdin === true ? 'standard input' : 'PAYLOAD', bytes.length, limit)
  return bytes
}

async function payloadBytes(text: string | undefined, flags: PayloadFlags, io: CliIo): Promise<Uint8Array> {
  if (flags.stdin === true) {
    if (text !== undefined) throw new UsageError('give the payload as an argument or with --stdin, not both')
    return readAll(io)
  }
  if (text === undefined) return new Uint8Array(0)
  if (flags.hex !== true) return new TextEncoder().encode(textArg('PAYLOAD', text, true))
  const digits = text.replace(/^0x/i, '')
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) {
    throw new UsageError(`--hex: the payload "${text}" is not an even number of hex digits`)
  }
  return fromHex(digits)
}
