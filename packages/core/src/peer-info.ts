import { toHex } from '@pavillion/crypto'
import type { ClientInfo, ServerInfo } from './events.ts'
import type { PeerAddress } from './transport.ts'

/** Node's `util.inspect.custom`, a registered symbol (core imports nothing from `node:*`). */
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom')

/** The `inspect` function Node hands a custom inspector. */
type Inspect = (value: unknown, options: unknown) => string

/** How many hex digits of a key or identity the readable form shows. */
const PREFIX = 12

/** `ServerInfo` as JSON: keys as lower-case hex. */
export interface ServerInfoJson {
  readonly key: string
  readonly address: PeerAddress
  readonly suite: number
  /** ECC only. */
  readonly publicKey?: string
}

/** `ClientInfo` as JSON: IDs as lower-case hex. */
export interface ClientInfoJson {
  readonly key: string
  readonly address: PeerAddress
  readonly suite: number
  readonly clientId: string
  readonly identity: string
  readonly guest: boolean
}

/**
 * The `ServerInfo` the engine hands out: plain readonly fields, printed by
 * `console.log` / `util.inspect` as `ServerInfo { address: '127.0.0.1:1783',
 * suite: 'ecc', publicKey: '3f1c…' }` and serialised with its key in hex.
 */
class EngineServerInfo implements ServerInfo {
  readonly key: string
  readonly address: PeerAddress
  readonly suite: number
  readonly publicKey: Uint8Array | undefined

  constructor(key: string, address: PeerAddress, suite: number, publicKey: Uint8Array | undefined) {
    this.key = key
    this.address = address
    this.suite = suite
    this.publicKey = publicKey
  }

  toJSON(): ServerInfoJson {
    const { key, address, suite, publicKey } = this
    return publicKey === undefined
      ? { key, address, suite }
      : { key, address, suite, publicKey: toHex(publicKey) }
  }

  [INSPECT](_depth: number, options: unknown, inspect: Inspect): string {
    const readable: Record<string, string> = { address: this.key, suite: suiteName(this.suite) }
    if (this.publicKey !== undefined) readable.publicKey = prefix(this.publicKey)
    return `ServerInfo ${inspect(readable, options)}`
  }
}

/**
 * The `ClientInfo` the engine hands out (e.g. `m.sender` on a server),
 * printed as `ClientInfo { id: 'sensor-1', address: '127.0.0.1:4000', suite:
 * 'psk' }` (a guest as `id: 'guest 3f1c…'`) and serialised with hex IDs.
 */
class EngineClientInfo implements ClientInfo {
  readonly key: string
  readonly address: PeerAddress
  readonly suite: number
  readonly clientId: Uint8Array
  readonly identity: Uint8Array
  readonly guest: boolean

  constructor(fields: ClientInfo) {
    this.key = fields.key
    this.address = fields.address
    this.suite = fields.suite
    this.clientId = fields.clientId
    this.identity = fields.identity
    this.guest = fields.guest
  }

  toJSON(): ClientInfoJson {
    const { key, suite, clientId, identity, guest } = this
    const address = plain(this.address)
    return { key, address, suite, clientId: toHex(clientId), identity: toHex(identity), guest }
  }

  [INSPECT](_depth: number, options: unknown, inspect: Inspect): string {
    const id = this.guest ? `guest ${prefix(this.identity)}` : idText(this.clientId)
    return `ClientInfo ${inspect({ id, address: this.key, suite: suiteName(this.suite) }, options)}`
  }
}

/** A server's info as the engine hands it out (readable when printed, hex in JSON). */
export function serverInfoOf(
  key: string,
  address: PeerAddress,
  suite: number,
  publicKey: Uint8Array | undefined,
): ServerInfo {
  return new EngineServerInfo(key, address, suite, publicKey)
}

/** A client's info as the engine hands it out (readable when printed, hex in JSON). */
export function clientInfoOf(fields: ClientInfo): ClientInfo {
  return new EngineClientInfo(fields)
}

/** A client ID as people read it: its text when it is printable ASCII, else hex. */
function idText(id: Uint8Array): string {
  return id.every((byte) => byte >= 0x20 && byte < 0x7f) ? new TextDecoder().decode(id) : toHex(id)
}

/** The address and port alone (a transport may hand out its socket's richer record). */
function plain({ address, port }: PeerAddress): PeerAddress {
  return { address, port }
}

function prefix(bytes: Uint8Array): string {
  return `${toHex(bytes).slice(0, PREFIX)}…`
}

function suiteName(suite: number): string {
  return suite === 1 ? 'psk' : suite === 2 ? 'ecc' : String(suite)
}
