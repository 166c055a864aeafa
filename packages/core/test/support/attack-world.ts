import {
  type KeyPair,
  loadCrypto,
  type PavillionCrypto,
  type PresharedKey,
  type SymmetricKey,
  seededRandom,
} from '@pavillion/crypto'
import { encodeApp } from '@pavillion/wire'
import { expect } from 'vitest'
import { ClientEndpoint } from '../../src/client/client-endpoint.ts'
import type { DeliveryReport } from '../../src/events.ts'
import { MemoryClientRegistry } from '../../src/server/client-registry.ts'
import { ServerEndpoint } from '../../src/server/server-endpoint.ts'
import type { ServerEndpointOptions } from '../../src/server/server-options.ts'
import { addressKey, type PeerAddress } from '../../src/transport.ts'
import { SansIoNet } from './sans-io-net.ts'

export const SERVER: PeerAddress = { address: '127.0.0.1', port: 1783 }
export const CLIENT_A: PeerAddress = { address: '127.0.0.2', port: 40002 }
export const CLIENT_B: PeerAddress = { address: '127.0.0.3', port: 40003 }

/** How a test message is sent: reliable and tracked (5 s) by default. */
export interface SendOptions {
  readonly reliable?: boolean
  readonly tracked?: boolean
  /** Tracked sends give up after this many ms. */
  readonly timeout?: number
}

/** A registered client's credentials. */
export interface Identity {
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
  readonly keys: KeyPair
}

/**
 * Records every seal of a crypto object (`seal` and `sealInto`): the (key,
 * counter) pairs it protected and the plaintexts, and every pair used for two
 * different plaintexts.
 */
export function recordingCrypto(inner: PavillionCrypto) {
  const seals = new Map<string, string>()
  const keys = new Set<string>()
  const reuses: string[] = []
  const record = (plaintext: Uint8Array, counter: bigint, key: SymmetricKey) => {
    const keyHex = Buffer.from(key.expose()).toString('hex')
    keys.add(keyHex)
    const pair = `${keyHex}/${counter}`
    const text = Buffer.from(plaintext).toString('hex')
    const previous = seals.get(pair)
    if (previous !== undefined && previous !== text) reuses.push(pair)
    seals.set(pair, text)
  }
  const crypto: PavillionCrypto = {
    ...inner,
    seal(plaintext, counter, key) {
      record(plaintext, counter, key)
      return inner.seal(plaintext, counter, key)
    },
    sealInto(target, offset, plaintext, counter, key) {
      record(plaintext, counter, key)
      inner.sealInto(target, offset, plaintext, counter, key)
    },
  }
  return { crypto, seals, keys, reuses }
}

/**
 * A server, any number of clients and an attacker on a `SansIoNet`, with
 * real crypto (seeded, so a run is reproducible).
 */
export class AttackWorld {
  readonly net = new SansIoNet()
  readonly crypto: PavillionCrypto
  readonly registry = new MemoryClientRegistry()
  readonly serverKeys: KeyPair
  readonly identities: Identity[] = []
  server: ServerEndpoint
  readonly #serverOptions: Partial<ServerEndpointOptions>
  readonly #pskOnly: boolean
  #nextName = 0

  private constructor(
    crypto: PavillionCrypto,
    serverOptions: Partial<ServerEndpointOptions>,
    pskOnly: boolean,
  ) {
    this.crypto = crypto
    this.serverKeys = crypto.generateKeyPair()
    this.#serverOptions = serverOptions
    this.#pskOnly = pskOnly
    this.server = this.startServer()
  }

  /**
   * A world whose crypto (and thus every key and nonce) comes from `seed`; `wrap` may replace the
   * crypto object; `pskOnly` gives the server no key pair (no ECC).
   */
  static async create(
    seed: string,
    options: {
      wrap?: (crypto: PavillionCrypto) => PavillionCrypto
      server?: Partial<ServerEndpointOptions>
      pskOnly?: boolean
    } = {},
  ): Promise<AttackWorld> {
    const crypto = await loadCrypto({ random: seededRandom(seed) })
    return new AttackWorld(options.wrap?.(crypto) ?? crypto, options.server ?? {}, options.pskOnly === true)
  }

  /** Starts a server at SERVER (replacing any: a restart with empty state). */
  startServer(): ServerEndpoint {
    this.net.detach(SERVER)
    this.server = this.net.attach(
      SERVER,
      new ServerEndpoint({
        crypto: this.crypto,
        clients: this.registry,
        ...(this.#pskOnly ? {} : { keyPair: this.serverKeys }),
        ...this.#serverOptions,
      }),
    )
    this.server.start(this.net.now)
    return this.server
  }

  /** A new registered identity (PSK and public key). */
  identity(): Identity {
    const n = this.identities.length
    const identity = {
      clientId: new TextEncoder().encode(`attacked-client${n.toString(16)}`),
      psk: this.crypto.generatePsk(),
      keys: this.crypto.generateKeyPair(),
    }
    this.registry
      .addPsk(identity.clientId, identity.psk)
      .addPublicKey(identity.clientId, identity.keys.publicKey)
    this.identities.push(identity)
    return identity
  }

  /** A started client at `address` (replacing any), PSK unless `ecc`. */
  client(address: PeerAddress, identity: Identity, ecc = false): ClientEndpoint {
    this.net.detach(address)
    const client = new ClientEndpoint({
      crypto: this.crypto,
      destination: SERVER,
      credentials: ecc
        ? {
            type: 'ecc',
            clientId: identity.clientId,
            keyPair: identity.keys,
            serverPublicKey: this.serverKeys.publicKey,
          }
        : { type: 'psk', clientId: identity.clientId, psk: identity.psk },
      timing: { keepaliveInterval: 0 },
    })
    this.net.attach(address, client)
    client.start(this.net.now)
    return client
  }

  /** A client at `address` with a session. */
  connected(address: PeerAddress, ecc = false, identity = this.identity()): ClientEndpoint {
    const client = this.client(address, identity, ecc)
    this.net.pump()
    expect(client.servers()).toHaveLength(1)
    return client
  }

  /** Sends a message from `client` (reliable and tracked unless told otherwise); returns its name and ticket. */
  clientSends(client: ClientEndpoint, options: SendOptions = {}) {
    const name = `c-${this.#nextName++}`
    const id = client.send(this.net.now, {
      plaintext: this.#plaintext(name, options),
      ...this.#track(options),
    })
    return { name, id }
  }

  /** Sends a message from the server to the client at `to` (reliable and tracked unless told otherwise). */
  serverSends(to: PeerAddress, options: SendOptions = {}) {
    const name = `s-${this.#nextName++}`
    const { id } = this.server.send(this.net.now, {
      plaintext: this.#plaintext(name, options),
      to: [addressKey(to)],
      ...this.#track(options),
    })
    return { name, id }
  }

  #plaintext(name: string, options: SendOptions): Uint8Array {
    const type = options.reliable === false ? 'unreliable' : 'reliable'
    return encodeApp({ type, target: 'a', name, body: new Uint8Array(4) })
  }

  #track(options: SendOptions) {
    if (options.tracked === false) return {}
    return { track: { deadline: this.net.now + (options.timeout ?? 5000), expect: 'all' as const } }
  }

  /** Some of everything a live session carries, both ways (tracked and not, a time sync). */
  traffic(client: ClientEndpoint, at: PeerAddress, rounds = 10): void {
    for (let i = 0; i < rounds; i++) {
      this.clientSends(client)
      this.clientSends(client, { tracked: false, reliable: i % 2 === 0 })
      this.serverSends(at)
      if (i % 2 === 0) this.serverSends(at, { tracked: false, reliable: i % 4 === 0 })
      if (i === 3) client.requestTimeSync(this.net.now)
      this.net.pump()
      this.net.advance(10)
    }
  }

  /** What authenticated state the server holds: its sessions, with their identities. */
  snapshot(): string[] {
    return this.server
      .sessions()
      .map((s) => `${s.key} suite ${s.suite} ${Buffer.from(s.identity).toString('hex')} guest ${s.guest}`)
      .sort()
  }

  /** A legitimate message each way right now: each is delivered exactly once and acknowledged. */
  exchange(client: ClientEndpoint, at: PeerAddress): void {
    this.net.pump() // let any re-handshake an attack provoked finish first
    const up = this.clientSends(client)
    this.net.pump()
    expect(this.net.messages(this.server).filter((n) => n === up.name)).toHaveLength(1)
    expect(this.report(client, up.id)?.outcome).toBe('acknowledged')
    const down = this.serverSends(at)
    this.net.pump()
    expect(this.net.messages(client).filter((n) => n === down.name)).toHaveLength(1)
    expect(this.report(this.server, down.id)?.outcome).toBe('acknowledged')
  }

  /** The delivery report of ticket `id`, if it was issued. */
  report(
    endpoint: ClientEndpoint | ServerEndpoint,
    id: number | undefined,
  ): DeliveryReport<unknown> | undefined {
    const events = endpoint instanceof ClientEndpoint ? this.net.events(endpoint) : this.net.events(endpoint)
    for (const event of events) if (event.type === 'delivery' && event.report.id === id) return event.report
    return undefined
  }
}

/** True for a secure (counter ≠ 0) datagram. */
export function isSecure(bytes: Uint8Array): boolean {
  return bytes.length >= 19 && bytes.subarray(11, 19).some((b) => b !== 0)
}
