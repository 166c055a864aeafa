import {
  type ClientPublishOptions,
  NoAcknowledgementError,
  type PublishReport,
  type ServerInfo,
} from 'pavillion'
import { addressArg } from '../args/address.ts'
import { CLIENT_FLAGS, timeoutFlag, withClient } from '../args/client-flags.ts'
import { messageLimit } from '../args/limits.ts'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { payloadArg } from '../args/payload.ts'
import { textArg } from '../args/text.ts'
import { reportFields, reportText } from '../describe.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { gatherServers } from './gather.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  ...CLIENT_FLAGS,
  unreliable: { type: 'boolean' },
  count: { type: 'string' },
  expect: { type: 'string' },
  wait: { type: 'string' },
  hex: { type: 'boolean' },
  stdin: { type: 'boolean' },
} as const

const EXPECTATIONS = ['subscribers', 'all', 'any'] as const
/** Default publish timeout, ms. */
const PUBLISH_TIMEOUT = 5000
/** Default wait for the other members of a group after the first answered, ms. */
const GROUP_SETTLE = 250

const keyOf = (server: ServerInfo) => server.key

function isExpectation(value: string): value is (typeof EXPECTATIONS)[number] {
  return (EXPECTATIONS as readonly string[]).includes(value)
}

/**
 * `pavillion pub ADDR TARGET NAME [PAYLOAD]`: publishes (N times with
 * `--count`) and prints each delivery report. Exit 0 only when every
 * publish was acknowledged by every expected server (or sent, unreliable).
 */
export async function pub(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('pub', argv, FLAGS)
  if (values.help === true) return printHelp('pub', io)
  const [addressText = '', targetText = '', nameText = '', payloadText] = positionals(
    'pub',
    args,
    ['ADDR', 'TARGET', 'NAME', 'PAYLOAD'],
    1,
  )
  const address = addressArg(addressText)
  const target = textArg('TARGET', targetText)
  const name = textArg('NAME', nameText)
  const payload = await payloadArg(payloadText, values, io, messageLimit(target, name))
  const count = integerFlag('count', values.count, 1, 1, 1_000_000)
  const timeout = timeoutFlag(values, PUBLISH_TIMEOUT)
  const settle = integerFlag('wait', values.wait, GROUP_SETTLE, 0, 60_000)
  const expect = values.expect ?? 'subscribers'
  if (!isExpectation(expect))
    throw new UsageError(`--expect expected ${EXPECTATIONS.join(', ')}, got "${expect}"`)
  const out = new Output(io, values.json === true)
  return withClient(address, values, io, async (client, signal) => {
    await gatherServers(client, address, timeout, settle, signal)
    const options: ClientPublishOptions = {
      reliable: values.unreliable !== true,
      timeout,
      expect,
      signal,
    }
    let status: number = EXIT.ok
    for (let i = 0; i < count; i++) {
      const report = await publishOnce(() => client.publish(target, name, payload, options))
      out.record('published', reportFields(report, keyOf), reportText(report, keyOf))
      if (report.outcome !== 'acknowledged' && report.outcome !== 'sent') status = EXIT.failure
    }
    return status
  })
}

/** A publish's report, including the one a NoAcknowledgementError carries. */
async function publishOnce(
  publish: () => Promise<PublishReport<ServerInfo>>,
): Promise<PublishReport<ServerInfo>> {
  try {
    return await publish()
  } catch (error) {
    if (error instanceof NoAcknowledgementError) return error.report as PublishReport<ServerInfo>
    throw error
  }
}
