import { type CallAllResult, toHex } from 'pavillion'
import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { CALL_LIMIT } from '../args/limits.ts'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { payloadArg } from '../args/payload.ts'
import { bytesField, textOf } from '../bytes.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { RuntimeFailure } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  ...CLIENT_FLAGS,
  all: { type: 'boolean' },
  hex: { type: 'boolean' },
  stdin: { type: 'boolean' },
} as const

/** Default timeout of a call, ms. */
const CALL_TIMEOUT = 5000
/** Default gathering time of `--all`, ms. */
const CALL_ALL_TIMEOUT = 2000

/**
 * `pavillion call ADDR FN [PAYLOAD]`: one RPC; prints the result (text when
 * printable UTF-8, else hex). `--all` prints one line per answering server.
 */
export async function call(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('call', argv, FLAGS)
  if (values.help === true) return printHelp('call', io)
  const [addressText = '', fnText = '', payloadText] = positionals('call', args, ['ADDR', 'FN', 'PAYLOAD'], 1)
  const address = addressArg(addressText)
  const fn = integerFlag('FN', fnText, 0, 0, 65535)
  const payload = await payloadArg(payloadText, values, io, CALL_LIMIT)
  const all = values.all === true
  const timeout = timeoutFlag(values, all ? CALL_ALL_TIMEOUT : CALL_TIMEOUT)
  const out = new Output(io, values.json === true)
  const hex = values.hex === true
  return withClient(address, values, io, async (client, signal) => {
    if (!all) {
      const started = performance.now()
      const result = await client.call(fn, payload, { timeout, signal })
      const elapsed = round(performance.now() - started)
      out.record('result', { fn, result: bytesField(result), elapsed }, plain(result, hex))
      return EXIT.ok
    }
    const answers = await client.callAll(fn, payload, { timeout, signal })
    for (const answer of answers) printAnswer(out, fn, answer, hex)
    if (answers.length === 0)
      throw new RuntimeFailure(`no server answered function ${fn} within ${timeout} ms`)
    return answers.every((answer) => 'result' in answer) ? EXIT.ok : EXIT.failure
  })
}

function printAnswer(out: Output, fn: number, answer: CallAllResult, hex: boolean): void {
  const server = answer.server.key
  if ('result' in answer) {
    out.record(
      'result',
      { fn, server, result: bytesField(answer.result) },
      `${server}  ${plain(answer.result, hex)}`,
    )
    return
  }
  const { error } = answer
  out.record(
    'error',
    { fn, server, status: error.status, statusName: error.statusName, text: error.text },
    `${server}  ${out.style.red('error')} ${error.status} (${error.statusName}): ${error.text}`,
  )
}

/** A result for a text line: the text itself when printable UTF-8 (scripts read it as is), else hex. */
function plain(bytes: Uint8Array, hex: boolean): string {
  const text = hex ? undefined : textOf(bytes)
  return text ?? toHex(bytes)
}

const round = (ms: number) => Math.round(ms * 100) / 100
