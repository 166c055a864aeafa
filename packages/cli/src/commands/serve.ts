import { readFile, stat } from 'node:fs/promises'
import {
  createServer,
  type KeyInput,
  type PavillionServer,
  type PavillionServerOptions,
  type PresharedKey,
  type RpcHandler,
  type ServerClients,
} from 'pavillion'
import { clientIdArg, pskArg, publicKeyArg, secretKeyArg } from '../args/keys.ts'
import { integerFlag, type ParsedCommand, parseCommand, positionals } from '../args/parse.ts'
import { type RegisterFlag, registerFlag, valueField, valueText } from '../args/register-args.ts'
import { secretText } from '../args/secret.ts'
import { serveConfigArgs } from '../args/serve-config.ts'
import { bytesField, bytesText } from '../bytes.ts'
import { debugEnabled, debugTracer } from '../debug-trace.ts'
import { clientField, clientLabel } from '../describe.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  port: { type: 'string' },
  bind: { type: 'string' },
  multicast: { type: 'string' },
  interface: { type: 'string' },
  advertise: { type: 'string' },
  'psk-client': { type: 'string', multiple: true },
  'ecc-client': { type: 'string', multiple: true },
  clients: { type: 'string' },
  config: { type: 'string' },
  'secret-key': { type: 'string' },
  'allow-guests': { type: 'boolean' },
  echo: { type: 'string', multiple: true },
  broker: { type: 'boolean' },
  'no-broker': { type: 'boolean' },
  files: { type: 'string' },
  register: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const

/**
 * `pavillion serve`: runs a server until SIGINT/SIGTERM, printing one line
 * (or NDJSON object) per event; the first is `listening` with the bound port.
 */
export async function serve(argv: readonly string[], io: CliIo): Promise<number> {
  const given = parseCommand('serve', argv, FLAGS)
  if (given.values.help === true) return printHelp('serve', io)
  // The config file's settings come first: the command line's own win, and add to lists.
  const config = given.values.config
  const { values, positionals: args } =
    config === undefined ? given : parseCommand('serve', [...(await serveConfigArgs(config)), ...argv], FLAGS)
  positionals('serve', args, [])
  const out = new Output(io, values.json === true)
  const options = await serverOptions(values, io)
  const declared = (values.register ?? []).map(registerFlag)
  const echoes = [...new Set([0, ...(values.echo ?? []).map((fn) => integerFlag('echo', fn, 0, 0, 65535))])]
  const server = await createServer({ ...options, signal: io.signal })
  try {
    for (const fn of echoes) server.rpc.handle(fn, served(out, fn), { name: fn === 0 ? 'core.echo' : 'echo' })
    for (const flag of declared) declare(server, flag, out)
    report(server, out)
    server.advertisement?.on('announced', ({ name }) =>
      out.record('advertised', { name }, `advertised over mDNS as "${name}" (_pavillion._udp)`),
    )
    const { address, port } = server.address
    const broker = options.broker === true
    out.record(
      'listening',
      { address, port, sendPort: server.sendAddress.port, group: options.multicast?.group ?? null, broker },
      `listening on ${address}:${port}${options.multicast ? ` in group ${options.multicast.group}` : ''} (sending from port ${server.sendAddress.port}); ${broker ? 'relaying messages between clients (--no-broker to stop)' : 'not relaying messages between clients (--no-broker)'}`,
    )
    if (!io.signal.aborted)
      await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }))
  } finally {
    await server.close()
  }
  out.record('closed', {}, 'closed')
  return EXIT.ok
}

/** The parsed flags of serve. */
export type ServeValues = ParsedCommand<typeof FLAGS>['values']

async function serverOptions(values: ServeValues, io: CliIo): Promise<PavillionServerOptions> {
  const clients = await clientsOf(values, io)
  const serverSecret = await secretText('--secret-key', values['secret-key'], io, 'PAVILLION_SECRET_KEY')
  const allowGuests = values['allow-guests'] === true
  if (allowGuests && serverSecret === undefined) {
    throw new UsageError(
      "--allow-guests needs the server's --secret-key KEY (`pavillion keygen ecc` makes one)",
    )
  }
  if (Object.keys(clients.ecc).length > 0 && serverSecret === undefined) {
    throw new UsageError("ECC clients need the server's --secret-key KEY (`pavillion keygen ecc` makes one)")
  }
  if (Object.keys(clients.psk).length + Object.keys(clients.ecc).length === 0 && !allowGuests) {
    throw new UsageError(
      'nobody could connect: give --psk-client ID=KEY, --ecc-client ID=PUB, --clients FILE or --allow-guests',
    )
  }
  if (values.interface !== undefined && values.multicast === undefined && values.advertise === undefined) {
    throw new UsageError(
      '--interface is for multicast or mDNS: give --multicast GROUP or --advertise NAME too (or leave --interface out)',
    )
  }
  if (values.multicast !== undefined && values.interface === undefined) {
    throw new UsageError(
      '--multicast needs --interface ADDR, the IP address of the interface that joins the group (e.g. 192.168.1.10, or 127.0.0.1 for this host only)',
    )
  }
  if (values.broker === true && values['no-broker'] === true) {
    throw new UsageError('--broker and --no-broker contradict each other: give one (relaying is the default)')
  }
  if (values.files !== undefined) await checkDirectory(values.files)
  return {
    port: integerFlag('port', values.port, 1783, 0, 65535),
    clients,
    allowGuests,
    broker: values['no-broker'] !== true, // a newcomer's `sub` and `pub` meet through `serve`
    reserved: { whatIs: true, descriptors: true },
    config: (values.register ?? []).length > 0,
    ...(values.bind === undefined ? {} : { bind: values.bind }),
    ...advertiseOf(values),
    ...(values.multicast === undefined || values.interface === undefined
      ? {}
      : { multicast: { group: values.multicast, interface: values.interface } }),
    ...(serverSecret === undefined ? {} : { secretKey: secretKeyArg('--secret-key', serverSecret) }),
    ...(values.files === undefined ? {} : { files: values.files }),
    ...(debugEnabled(values.debug, io.env) ? { debug: debugTracer(io) } : {}),
    // Sessions and messages are records of their own (below); the server's log adds its warnings.
    log: {
      logger: ({ level, message }) =>
        io.stderr.write(`${level === 'warn' ? 'warning' : level}: ${message}\n`),
      level: logLevelFlag(values['log-level']),
    },
  }
}

/** `--advertise NAME`: on `--interface`, or on the `--bind` address when it is a specific, non-loopback one. */
function advertiseOf(values: ServeValues): Pick<PavillionServerOptions, 'advertise'> {
  const name = values.advertise
  if (name === undefined) return {}
  if (values.interface !== undefined) return { advertise: { name, interfaces: [values.interface] } }
  const bind = values.bind ?? '0.0.0.0'
  if (bind === '0.0.0.0' || bind === '::' || bind.startsWith('127.') || bind === '::1') {
    throw new UsageError(
      `--advertise needs --interface ADDR, the IP address of the interface to advertise on (e.g. 192.168.1.10, or 127.0.0.1 for this host only), or a specific --bind address`,
    )
  }
  return { advertise: name }
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** `--log-level`: what the server's log writes to stderr. Default `warn` (sessions are records already). */
function logLevelFlag(text: string | undefined): (typeof LOG_LEVELS)[number] {
  if (text === undefined) return 'warn'
  const level = LOG_LEVELS.find((candidate) => candidate === text)
  if (level === undefined)
    throw new UsageError(`--log-level expected ${LOG_LEVELS.join(', ')}, got "${text}"`)
  return level
}

interface ClientLists {
  readonly psk: Record<string, PresharedKey>
  readonly ecc: Record<string, KeyInput>
}

/** The clients of --clients FILE and the --psk-client / --ecc-client flags, every key checked (ui uses it too). */
export async function clientsOf(values: ServeValues, io: CliIo): Promise<ClientLists & ServerClients> {
  const lists: ClientLists = { psk: {}, ecc: {} }
  const add = (kind: 'psk' | 'ecc', id: string, key: string, source: string) => {
    clientIdArg(source, id)
    if (Object.hasOwn(lists.psk, id) || Object.hasOwn(lists.ecc, id)) {
      throw new UsageError(`${source}: the client ID "${id}" is given twice`)
    }
    if (kind === 'psk') lists.psk[id] = pskArg(`${source} (${id})`, key)
    else lists.ecc[id] = publicKeyArg(`${source} (${id})`, key)
  }
  if (values.clients !== undefined) {
    for (const [kind, id, key] of await clientsFile(values.clients))
      add(kind, id, key, `--clients ${values.clients}`)
  }
  for (const [kind, flag] of [
    ['psk', 'psk-client'],
    ['ecc', 'ecc-client'],
  ] as const) {
    for (const pair of values[flag] ?? []) {
      const at = pair.indexOf('=')
      if (at <= 0) throw new UsageError(`--${flag} expected ID=KEY, got no "="`)
      const id = pair.slice(0, at)
      const key = await secretText(`--${flag} ${id}=`, pair.slice(at + 1), io)
      if (key === undefined) throw new UsageError(`--${flag} ${id}= has no key`)
      add(kind, id, key, `--${flag}`)
    }
  }
  return lists
}

/** @throws UsageError unless `path` is a directory */
async function checkDirectory(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined)
  if (found?.isDirectory() !== true)
    throw new UsageError(`--files ${path}: not a directory; give the directory to share`)
}

/** The entries of a clients file `{ "psk": { ID: KEY }, "ecc": { ID: PUB } }`. */
async function clientsFile(path: string): Promise<['psk' | 'ecc', string, string][]> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? 'not valid JSON' : ((error as { code?: string }).code ?? 'unreadable')
    throw new UsageError(`--clients ${path}: ${reason}; expected {"psk":{"ID":"KEY"},"ecc":{"ID":"PUB"}}`)
  }
  const shape = `--clients ${path}: expected {"psk":{"ID":"KEY"},"ecc":{"ID":"PUB"}}`
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(shape)
  const entries: ['psk' | 'ecc', string, string][] = []
  for (const [kind, record] of Object.entries(parsed)) {
    if (kind !== 'psk' && kind !== 'ecc') throw new UsageError(`${shape}, found "${kind}"`)
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new UsageError(shape)
    for (const [id, key] of Object.entries(record)) {
      if (typeof key !== 'string') throw new UsageError(`${shape}; the key of "${id}" is not a string`)
      entries.push([kind, id, key])
    }
  }
  return entries
}

/** An echo handler that reports each call it serves. */
function served(out: Output, fn: number): RpcHandler {
  return (args, { client }) => {
    out.record(
      'rpc:served',
      { fn, client: clientField(client), bytes: args.length },
      `rpc  fn ${fn} served to ${clientLabel(client)} (${client.key}), ${args.length} bytes`,
    )
    return args
  }
}

/**
 * Declares a `--register` (writable: each write is printed).
 * @throws UsageError for a number given twice or a bad name
 */
function declare(server: PavillionServer, flag: RegisterFlag, out: Output): void {
  try {
    server.registers.declare({
      register: flag.register,
      name: flag.name,
      datatype: flag.datatype,
      ...(flag.value === undefined ? {} : { value: flag.value }),
      writer: (value, { client }) =>
        out.record(
          'register:written',
          { register: flag.register, value: valueField(value), client: clientField(client) },
          `register ${flag.register} (${flag.name}) = ${valueText(value)}  by ${clientLabel(client)}`,
        ),
    })
  } catch (error) {
    throw new UsageError(`--register ${flag.register}:${flag.name}: ${(error as Error).message}`)
  }
}

/** Prints sessions and messages as they happen. */
function report(server: PavillionServer, out: Output): void {
  const { style } = out
  server.on('session:opened', ({ client }) =>
    out.record(
      'session:opened',
      { client: clientField(client) },
      `${style.green('session opened')}  ${clientLabel(client)} ${style.dim(`(${client.key}, ${client.suite === 1 ? 'psk' : 'ecc'})`)}`,
    ),
  )
  server.on('session:closed', ({ client, reason }) =>
    out.record(
      'session:closed',
      { client: clientField(client), reason },
      `${style.yellow('session closed')}  ${clientLabel(client)} ${style.dim(`(${client.key})`)}: ${reason}`,
    ),
  )
  server.subscribe('*', (m) =>
    out.record(
      'message:received',
      {
        target: m.target,
        name: m.name,
        payload: bytesField(m.payload),
        reliable: m.reliable,
        from: clientField(m.sender),
      },
      `message  ${m.target}/${m.name} ${bytesText(m.payload, false)}  from ${clientLabel(m.sender)} ${style.dim(`(${m.sender.key})`)}${m.reliable ? '' : ' unreliable'}`,
    ),
  )
}
