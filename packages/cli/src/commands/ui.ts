import { isIP } from 'node:net'
import { type Dashboard, startDashboard } from '@pavillion/dashboard'
import {
  createClient,
  createServer,
  isMulticast,
  type PavillionClient,
  type PavillionServer,
} from 'pavillion'
import { type AddressArg, addressArg } from '../args/address.ts'
import { type ClientFlagValues, clientOptions } from '../args/client-flags.ts'
import { integerFlag, parseCommand } from '../args/parse.ts'
import { debugEnabled, debugTracer } from '../debug-trace.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'
import { clientsOf } from './serve.ts'

const FLAGS = {
  port: { type: 'string' },
  bind: { type: 'string' },
  listen: { type: 'string' },
  'psk-client': { type: 'string', multiple: true },
  'client-id': { type: 'string' },
  psk: { type: 'string' },
  'secret-key': { type: 'string' },
  'server-key': { type: 'string' },
  interface: { type: 'string' },
  discover: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const

/**
 * `pavillion ui [ADDR...]`: a web dashboard (127.0.0.1:8080 by default) over
 * one client per ADDR — all with the same credentials — and, with `--listen`,
 * a server of its own for the `--psk-client`s. Runs until SIGINT/SIGTERM.
 */
export async function ui(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('ui', argv, FLAGS)
  if (values.help === true) return printHelp('ui', io)
  const addresses = args.map(addressArg)
  const listen = values.listen === undefined ? undefined : listenArg(values.listen)
  if (listen === undefined && values['psk-client'] !== undefined) {
    throw new UsageError('--psk-client is for the server of --listen ADDR:PORT: give --listen too')
  }
  const discover = values.discover ?? []
  if (discover.length > 16) throw new UsageError(`at most 16 --discover interfaces, got ${discover.length}`)
  for (const iface of discover) {
    if (isIP(iface.split('%')[0] ?? '') === 0) {
      throw new UsageError(
        `--discover expected an IP address of this machine (e.g. 127.0.0.1), got "${iface}"`,
      )
    }
  }
  if (addresses.length === 0 && listen === undefined && discover.length === 0) {
    throw new UsageError(
      'nothing to show: give server addresses (ADDR...) with client credentials, --listen ADDR:PORT with --psk-client ID=KEY, or --discover IFACE',
    )
  }
  if (addresses.length > 64) throw new UsageError(`at most 64 addresses, got ${addresses.length}`)
  if (listen !== undefined && (values['psk-client'] ?? []).length === 0) {
    throw new UsageError('--listen needs at least one --psk-client ID=KEY (who may connect to it)')
  }
  const port = integerFlag('port', values.port, 8080, 0, 65535)
  const bind = values.bind ?? '127.0.0.1'
  // The client flags without --bind, which here is the dashboard's HTTP address.
  const clientValues: ClientFlagValues = {
    'client-id': values['client-id'],
    psk: values.psk,
    'secret-key': values['secret-key'],
    'server-key': values['server-key'],
    interface: values.interface,
    debug: values.debug,
  }
  const clientOptionList = []
  for (const address of addresses) clientOptionList.push(await clientOptions(address, clientValues, io))
  const pskClients = values['psk-client'] ?? []
  const serverClients = listen === undefined ? undefined : await clientsOf({ 'psk-client': pskClients }, io)
  const out = new Output(io, values.json === true)

  const clients: PavillionClient[] = []
  let server: PavillionServer | undefined
  let dashboard: Dashboard | undefined
  try {
    for (const options of clientOptionList)
      clients.push(await createClient({ ...options, signal: io.signal }))
    if (listen !== undefined && serverClients !== undefined) {
      server = await createServer({
        bind: listen.host,
        port: listen.port,
        clients: serverClients,
        signal: io.signal,
        ...(debugEnabled(values.debug, io.env) ? { debug: debugTracer(io) } : {}),
      })
    }
    dashboard = await startDashboard({
      clients,
      servers: server === undefined ? [] : [server],
      port,
      bind,
      ...(discover.length === 0 ? {} : { discovery: { interfaces: discover } }),
    })
    report(out, dashboard, addresses, server)
    if (!io.signal.aborted)
      await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }))
  } finally {
    await dashboard?.close()
    for (const client of clients) await client.close()
    await server?.close()
  }
  out.record('closed', {}, 'closed')
  return EXIT.ok
}

/**
 * `--listen IP:PORT` (`[IPV6]:PORT`), port 0 allowed.
 * @throws UsageError for anything else, or a multicast group
 */
function listenArg(text: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text)
  const host = match?.[1] ?? match?.[2]
  if (match === null || host === undefined || isIP(host) === 0 || isMulticast(host)) {
    throw new UsageError(
      `--listen expected IP:PORT or [IPV6]:PORT of this machine (e.g. 127.0.0.1:1783), got "${text}"`,
    )
  }
  return { host, port: integerFlag('listen', match[3], 0, 0, 65535) }
}

function report(
  out: Output,
  dashboard: Dashboard,
  addresses: readonly AddressArg[],
  server: PavillionServer | undefined,
): void {
  const listening = server === undefined ? null : `${server.address.address}:${server.address.port}`
  out.record(
    'listening',
    {
      url: dashboard.url,
      address: dashboard.address.address,
      port: dashboard.address.port,
      token: dashboard.token ?? null,
      servers: addresses.map((a) => a.text),
      listening,
    },
    `dashboard at ${dashboard.url}${addresses.length === 0 ? '' : ` — client of ${addresses.map((a) => a.text).join(', ')}`}${listening === null ? '' : ` — serving on ${listening}`}`,
  )
  if (dashboard.token !== undefined) {
    out.note(
      `warning: the dashboard listens on ${dashboard.address.address}, beyond this machine; it needs the one-time token in the URL above`,
    )
  }
}
