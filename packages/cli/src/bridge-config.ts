import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, join } from 'node:path'
import type {
  InboundRule,
  MqttBridgeOptions,
  OutboundAllow,
  QueueOptions,
  RegisterRule,
  RpcRule,
} from '@pavillion/mqtt-bridge'
import type { KeyInput, PavillionClientOptions, PavillionServerOptions, PresharedKey } from 'pavillion'
import { clientIdArg, pskArg, publicKeyArg, secretKeyArg } from './args/keys.ts'
import { UsageError } from './usage-error.ts'

/** What a bridge.json describes: the bridge's options (without `mqtt`) and the Pavillion endpoints to create. */
export interface BridgeConfig {
  readonly options: Omit<MqttBridgeOptions, 'mqtt' | 'logger'>
  /** MQTT settings of the file that are not secrets (client ID, keepalive, …). */
  readonly mqtt: { readonly clientId?: string; readonly keepalive?: number; readonly sessionExpiry?: number }
  readonly server?: PavillionServerOptions
  readonly links: Readonly<Record<string, PavillionClientOptions>>
}

type Json = Record<string, unknown>

const SHAPE =
  'expected {"id":"site-a","links":{"hall":{"address":"HOST:PORT","clientId":"…","psk":"@hall.psk"}},"inbound":[…],"rpc":[…]}'

function object(path: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${path}: expected an object`)
  return value as Json
}

function optionalString(path: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new UsageError(`${path}: expected a string`)
  return value
}

function optionalNumber(path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number') throw new UsageError(`${path}: expected a number`)
  return value
}

function array(path: string, value: unknown): unknown[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new UsageError(`${path}: expected an array`)
  return value
}

function strings(path: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined
  const list = array(path, value)
  if (!list.every((item) => typeof item === 'string')) throw new UsageError(`${path}: expected strings`)
  return list as string[]
}

/**
 * A secret of the file: the value itself, or `@path` — read from that file,
 * relative to the configuration file. Errors name the field, never the value.
 */
async function secret(path: string, value: unknown, base: string): Promise<string | undefined> {
  const text = optionalString(path, value)
  if (text === undefined || !text.startsWith('@')) return text
  const file = isAbsolute(text.slice(1)) ? text.slice(1) : join(base, text.slice(1))
  try {
    const content = (await readFile(file, 'utf8')).trim()
    if (content === '') throw new UsageError(`${path}: ${text} is empty`)
    return content
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(
      `${path}: cannot read ${text} (${(error as { code?: string }).code ?? 'unreadable'})`,
    )
  }
}

async function linkOptions(path: string, value: unknown, base: string): Promise<PavillionClientOptions> {
  const link = object(path, value)
  const address = optionalString(`${path}.address`, link.address)
  if (address === undefined) throw new UsageError(`${path}.address: expected "HOST:PORT"`)
  const idText = optionalString(`${path}.clientId`, link.clientId)
  const clientId = idText === undefined ? undefined : clientIdArg(`${path}.clientId`, idText)
  const common = {
    address,
    ...(typeof link.bind === 'string' ? { bind: link.bind } : {}),
    ...(typeof link.interface === 'string' ? { multicastInterface: link.interface } : {}),
  }
  const psk = await secret(`${path}.psk`, link.psk, base)
  if (psk !== undefined) {
    if (clientId === undefined) throw new UsageError(`${path}.psk needs ${path}.clientId`)
    return { ...common, clientId, psk: pskArg(`${path}.psk`, psk) }
  }
  const secretKey = await secret(`${path}.secretKey`, link.secretKey, base)
  const serverKey = optionalString(`${path}.serverKey`, link.serverKey)
  if (secretKey === undefined || serverKey === undefined)
    throw new UsageError(`${path}: give "psk" with "clientId", or "secretKey" with "serverKey"`)
  return {
    ...common,
    ...(clientId === undefined ? {} : { clientId }),
    secretKey: secretKeyArg(`${path}.secretKey`, secretKey),
    serverKey: publicKeyArg(`${path}.serverKey`, serverKey),
  }
}

async function serverOptions(value: unknown, base: string): Promise<PavillionServerOptions> {
  const server = object('server', value)
  const clients = object('server.clients', server.clients ?? {})
  const psk: Record<string, PresharedKey> = {}
  const ecc: Record<string, KeyInput> = {}
  for (const [id, key] of Object.entries(object('server.clients.psk', clients.psk ?? {}))) {
    clientIdArg(`server.clients.psk.${id}`, id)
    psk[id] = pskArg(`server.clients.psk.${id}`, (await secret(`server.clients.psk.${id}`, key, base)) ?? '')
  }
  for (const [id, key] of Object.entries(object('server.clients.ecc', clients.ecc ?? {}))) {
    clientIdArg(`server.clients.ecc.${id}`, id)
    ecc[id] = publicKeyArg(`server.clients.ecc.${id}`, optionalString(`server.clients.ecc.${id}`, key) ?? '')
  }
  const secretKey = await secret('server.secretKey', server.secretKey, base)
  const port = optionalNumber('server.port', server.port)
  const bind = optionalString('server.bind', server.bind)
  return {
    clients: { psk, ecc },
    reserved: {},
    ...(port === undefined ? {} : { port }),
    ...(bind === undefined ? {} : { bind }),
    ...(secretKey === undefined ? {} : { secretKey: secretKeyArg('server.secretKey', secretKey) }),
  }
}

/**
 * Reads and checks a bridge configuration file. Secrets in it may be
 * `@file` references (relative to it). The bridge itself checks the rules
 * (filters, link names) when it starts.
 * @throws UsageError naming the field for anything malformed
 */
export async function readBridgeConfig(path: string): Promise<BridgeConfig> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? 'not valid JSON' : ((error as { code?: string }).code ?? 'unreadable')
    throw new UsageError(`--config ${path}: ${reason}; ${SHAPE}`)
  }
  const base = dirname(path)
  const file = object(`--config ${path}`, parsed)
  const id = optionalString('id', file.id)
  if (id === undefined) throw new UsageError(`id: missing; ${SHAPE}`)
  const links: Record<string, PavillionClientOptions> = {}
  for (const [name, link] of Object.entries(object('links', file.links ?? {})))
    links[name] = await linkOptions(`links.${name}`, link, base)
  const inbound = array('inbound', file.inbound).map((value, i): InboundRule => {
    const rule = object(`inbound[${i}]`, value)
    const target = optionalString(`inbound[${i}].target`, rule.target)
    const targets = strings(`inbound[${i}].targets`, rule.targets)
    return {
      filter: optionalString(`inbound[${i}].filter`, rule.filter) ?? '',
      to: optionalString(`inbound[${i}].to`, rule.to) ?? '',
      ...(target === undefined ? {} : { target }),
      ...(targets === undefined ? {} : { targets }),
    }
  })
  const rpc = array('rpc', file.rpc).map((value, i): RpcRule => {
    const rule = object(`rpc[${i}]`, value)
    const functions = array(`rpc[${i}].functions`, rule.functions)
    if (!functions.every((fn) => typeof fn === 'number'))
      throw new UsageError(`rpc[${i}].functions: expected numbers`)
    return { to: optionalString(`rpc[${i}].to`, rule.to) ?? '', functions: functions as number[] }
  })
  // Register numbers and rate limits are checked by the bridge itself (a BridgeConfigError naming the option).
  const registers = array('registers', file.registers).map((value, i): RegisterRule => {
    const rule = object(`registers[${i}]`, value)
    const numbers = (name: string, list: unknown): number[] | undefined => {
      if (list === undefined) return undefined
      const items = array(`registers[${i}].${name}`, list)
      if (!items.every((n) => typeof n === 'number'))
        throw new UsageError(`registers[${i}].${name}: expected numbers`)
      return items as number[]
    }
    const observe = rule.observe === 'all' ? 'all' : numbers('observe', rule.observe)
    const write = numbers('write', rule.write)
    const rateLimitMs = optionalNumber(`registers[${i}].rateLimitMs`, rule.rateLimitMs)
    return {
      to: optionalString(`registers[${i}].to`, rule.to) ?? '',
      ...(observe === undefined ? {} : { observe }),
      ...(write === undefined ? {} : { write }),
      ...(rateLimitMs === undefined ? {} : { rateLimitMs }),
    }
  })
  const outboundJson = object('outbound', file.outbound ?? {})
  const identities = strings('outbound.identities', outboundJson.identities)
  const targets = strings('outbound.targets', outboundJson.targets)
  const outbound: OutboundAllow = {
    ...(identities === undefined ? {} : { identities }),
    ...(targets === undefined ? {} : { targets }),
  }
  const queuesJson = object('queues', file.queues ?? {})
  const queues: QueueOptions = Object.fromEntries(
    (['toMqtt', 'toPavillion', 'rpcCalls'] as const).flatMap((k) => {
      const n = optionalNumber(`queues.${k}`, queuesJson[k])
      return n === undefined ? [] : [[k, n]]
    }),
  )
  const mqttJson = object('mqtt', file.mqtt ?? {})
  if ('password' in mqttJson || 'username' in mqttJson)
    throw new UsageError(
      'mqtt: credentials do not go in the configuration; use --mqtt-username / --mqtt-password or the environment',
    )
  const clientId = optionalString('mqtt.clientId', mqttJson.clientId)
  const keepalive = optionalNumber('mqtt.keepalive', mqttJson.keepalive)
  const sessionExpiry = optionalNumber('mqtt.sessionExpiry', mqttJson.sessionExpiry)
  const prefix = optionalString('prefix', file.prefix)
  const discoveryJson = file.discovery === undefined ? undefined : object('discovery', file.discovery)
  const interfaces = strings('discovery.interfaces', discoveryJson?.interfaces) ?? []
  const maxServices = optionalNumber('discovery.maxServices', discoveryJson?.maxServices)
  const timeout = optionalNumber('timeout', file.timeout)
  return {
    options: {
      id,
      inbound,
      rpc,
      registers,
      outbound,
      queues,
      ...(prefix === undefined ? {} : { prefix }),
      ...(timeout === undefined ? {} : { timeout }),
      ...(discoveryJson === undefined
        ? {}
        : { discovery: { interfaces, ...(maxServices === undefined ? {} : { maxServices }) } }),
    },
    mqtt: {
      ...(clientId === undefined ? {} : { clientId }),
      ...(keepalive === undefined ? {} : { keepalive }),
      ...(sessionExpiry === undefined ? {} : { sessionExpiry }),
    },
    ...(file.server === undefined ? {} : { server: await serverOptions(file.server, base) }),
    links,
  }
}
