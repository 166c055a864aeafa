import { discover as browse, type DiscoveredServer, type DiscoveryEvent } from 'pavillion'
import { serverJson } from 'pavillion/discovery'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  interface: { type: 'string' },
  timeout: { type: 'string' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
} as const

/**
 * `pavillion discover`: browses mDNS for `_pavillion._udp` on `--interface`
 * and prints each server once (`--timeout` seconds, default 3), or, with
 * `--watch`, every server that appears, changes or leaves until interrupted.
 * Exit 0 (also when none was found: an empty list is an answer).
 */
export async function discover(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('discover', argv, FLAGS)
  if (values.help === true) return printHelp('discover', io)
  positionals('discover', args, [])
  if (values.interface === undefined) {
    throw new UsageError(
      'give --interface ADDR, the IP address of the interface to look on (e.g. 192.168.1.10, or 127.0.0.1 for this host only)',
    )
  }
  const watch = values.watch === true
  const seconds = integerFlag('timeout', values.timeout, 3, 1, 86_400)
  const out = new Output(io, values.json === true)
  const events = browse({
    interfaces: [values.interface],
    signal: io.signal,
    ...(watch ? {} : { timeoutMs: seconds * 1000 }),
  })
  const listed = new Map<string, DiscoveredServer>()
  for await (const event of events) {
    if (watch) print(out, event)
    else if (event.type === 'down') listed.delete(event.server.instance)
    else listed.set(event.server.instance, event.server)
  }
  if (!watch) {
    for (const server of [...listed.values()].sort((a, b) => a.instance.localeCompare(b.instance)))
      print(out, { type: 'up', server })
    if (listed.size === 0) out.text(`no Pavillion server answered on ${values.interface} within ${seconds} s`)
  }
  return EXIT.ok
}

function print(out: Output, { type, server }: DiscoveryEvent): void {
  const where = server.addresses.map((a) =>
    a.includes(':') ? `[${a}]:${server.port}` : `${a}:${server.port}`,
  )
  const fields = { type, ...serverJson(server), group: server.group ?? null, version: server.version }
  const extras = [
    server.suites.join('+') || 'no suites',
    server.fingerprint === undefined ? '' : `key ${server.fingerprint}`,
    server.group === undefined ? '' : `group ${server.group}`,
  ].filter((s) => s !== '')
  const prefix = type === 'up' ? '' : `${type}: `
  out.record('server', fields, `${prefix}${server.instance}  ${where.join(' ')}  ${extras.join(', ')}`)
}
