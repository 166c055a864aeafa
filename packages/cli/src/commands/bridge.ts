import { readFile } from 'node:fs/promises'
import {
  BridgeConfigError,
  type BridgeStats,
  debugLogger,
  MqttBridge,
  type MqttConnectionOptions,
  redactUrl,
} from '@pavillion/mqtt-bridge'
import { createClient, createServer, type PavillionClient, type PavillionServer } from 'pavillion'
import { integerFlag, parseCommand, positionals } from '../args/parse.ts'
import { secretText } from '../args/secret.ts'
import { readBridgeConfig } from '../bridge-config.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { Output } from '../output.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

const FLAGS = {
  mqtt: { type: 'string' },
  config: { type: 'string' },
  'mqtt-username': { type: 'string' },
  'mqtt-password': { type: 'string' },
  'mqtt-ca': { type: 'string' },
  'mqtt-cert': { type: 'string' },
  'mqtt-key': { type: 'string' },
  'status-interval': { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const

const SCHEMES = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'])

/**
 * `pavillion bridge`: runs an MQTT bridge until SIGINT/SIGTERM. Prints
 * `started`, then a `status` line with every counter each
 * `--status-interval` seconds and on each broker connection change, and
 * `closed` with the final counters.
 */
export async function bridge(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('bridge', argv, FLAGS)
  if (values.help === true) return printHelp('bridge', io)
  positionals('bridge', args, [])
  const out = new Output(io, values.json === true)
  if (values.mqtt === undefined) throw new UsageError('missing --mqtt URL, e.g. mqtt://127.0.0.1:1883')
  if (values.config === undefined) throw new UsageError('missing --config FILE (see pavillion bridge --help)')
  const mqtt = await connectionOptions(values.mqtt, values, io)
  const config = await readBridgeConfig(values.config)
  const interval = integerFlag('status-interval', values['status-interval'], 10, 0, 86_400)
  const debug = values.debug === true ? 'bridge:*' : io.env.DEBUG
  const logger = debugLogger(debug, (line) => io.stderr.write(line))

  const opened: { close(): Promise<void> }[] = []
  let running: MqttBridge | undefined
  try {
    const server: PavillionServer | undefined =
      config.server === undefined ? undefined : await createServer({ ...config.server, signal: io.signal })
    if (server !== undefined) opened.push(server)
    const links: Record<string, PavillionClient> = {}
    for (const [name, options] of Object.entries(config.links)) {
      const link = await createClient({ ...options, signal: io.signal })
      opened.push(link)
      links[name] = link
    }
    try {
      running = new MqttBridge(
        { ...config.options, mqtt: { ...mqtt, ...config.mqtt }, ...(logger === undefined ? {} : { logger }) },
        { links, ...(server === undefined ? {} : { server }) },
      )
    } catch (error) {
      if (error instanceof BridgeConfigError)
        throw new UsageError(`--config ${values.config}: ${error.message}`)
      throw error
    }
    const shown = redactUrl(mqtt.url)
    out.record(
      'started',
      {
        id: config.options.id,
        mqtt: shown,
        links: Object.keys(links),
        server: server === undefined ? null : { address: server.address.address, port: server.address.port },
      },
      `bridge ${config.options.id}: ${Object.keys(links).length} link(s)${server === undefined ? '' : `, server on port ${server.address.port}`} ↔ ${shown}`,
    )
    await runUntilInterrupted(running, out, interval, io.signal)
    await running.close()
    out.record('closed', { stats: running.stats() }, `closed: ${summary(running.stats())}`)
    return EXIT.ok
  } finally {
    await running?.close()
    for (const endpoint of opened.reverse()) await endpoint.close()
  }
}

/** Prints a status line every `interval` s (0: never) and whenever the broker connection changes. */
async function runUntilInterrupted(
  running: MqttBridge,
  out: Output,
  interval: number,
  signal: AbortSignal,
): Promise<void> {
  let connected = false
  let ticks = 0
  const status = () => {
    const stats = running.stats()
    out.record(
      'status',
      { stats },
      `${stats.mqtt.connected ? 'connected' : 'disconnected'}: ${summary(stats)}`,
    )
  }
  const timer = setInterval(() => {
    ticks++
    if (running.connected !== connected || (interval > 0 && ticks % interval === 0)) {
      connected = running.connected
      status()
    }
  }, 1000)
  try {
    if (!signal.aborted)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
  } finally {
    clearInterval(timer)
  }
}

function summary(stats: BridgeStats): string {
  const { toMqtt: o, toPavillion: i, rpc } = stats
  return `to MQTT ${o.bridged} (queued ${o.queued}, dropped ${o.dropped}, loops ${o.loops}); to Pavillion ${i.bridged} (acknowledged ${i.acknowledged}, failed ${i.failed}, refused ${i.refused}); rpc ${rpc.requests}`
}

/** The broker URL and its credentials and TLS files, from flags, the environment or files — never printed. */
async function connectionOptions(
  url: string,
  values: Readonly<Record<string, string | boolean | undefined>>,
  io: CliIo,
): Promise<MqttConnectionOptions> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError('--mqtt: expected a URL such as mqtt://HOST:1883 or mqtts://HOST:8883')
  }
  if (!SCHEMES.has(parsed.protocol))
    throw new UsageError(`--mqtt: unsupported scheme ${parsed.protocol} (mqtt, mqtts, ws, wss)`)
  const flag = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  const username = await secretText('--mqtt-username', flag('mqtt-username'), io, 'PAVILLION_MQTT_USERNAME')
  const password = await secretText('--mqtt-password', flag('mqtt-password'), io, 'PAVILLION_MQTT_PASSWORD')
  const file = async (name: string, env: string) => {
    const path = flag(name) ?? io.env[env]
    if (path === undefined || path === '') return undefined
    try {
      return await readFile(path)
    } catch (error) {
      throw new UsageError(
        `--${name} ${path}: cannot read it (${(error as { code?: string }).code ?? 'unreadable'})`,
      )
    }
  }
  const ca = await file('mqtt-ca', 'PAVILLION_MQTT_CA')
  const cert = await file('mqtt-cert', 'PAVILLION_MQTT_CERT')
  const key = await file('mqtt-key', 'PAVILLION_MQTT_KEY')
  return {
    url,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  }
}
