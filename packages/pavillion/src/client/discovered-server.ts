import { isIP } from 'node:net'
import type { Client, PeerAddress } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import {
  type Browser,
  browse,
  type DiscoveredServer,
  type DiscoveryAttempt,
  DiscoveryError,
  fingerprintOf,
  type RedirectTransport,
} from '@pavillion/discovery'
import type { KeyInput } from '../keys.ts'
import { publicKeyFrom } from '../keys.ts'

/** How long to keep listening for other matching records after the first, ms. */
const GATHER_MS = 300

/** Which server to find by discovery: by its advertised name, or by its X25519 public key. */
export type ServerSelector = { readonly name: string } | { readonly publicKey: KeyInput }

/** How a client created with `server` looks for it (mDNS, DNS-SD `_pavillion._udp`). */
export interface ClientDiscoveryOptions {
  /** Required: the IP addresses of the interfaces to browse on, e.g. `['192.168.1.20']` (`['127.0.0.1']`: this host). */
  readonly interfaces: readonly string[]
  /** How long to wait for a matching record, ms. Default 5000. */
  readonly timeout?: number
  /** How long each address a record names gets to pass the handshake, ms. Default 3000. */
  readonly verifyTimeout?: number
}

/** The detail of a client's `server:moved` event. */
export interface ServerMovedDetail {
  /** Where the server was. */
  readonly from: PeerAddress
  /** Where the client now sends. */
  readonly to: PeerAddress
  /** The record that said so (untrusted: the handshake at `to` decides). */
  readonly record: DiscoveredServer
}

/** What discovery found before the client is built. */
export interface FoundServer {
  readonly browser: Browser
  readonly candidates: readonly PeerAddress[]
  readonly matches: (server: DiscoveredServer) => boolean
  /** The public key to verify in the handshake, for `{ publicKey }`. */
  readonly publicKey: Uint8Array | undefined
}

/**
 * Browses until a record matches `selector` and returns the places to try.
 * @throws DiscoveryError (`not-found`) after `timeout`; InvalidArgumentError for bad options
 */
export async function findServer(
  selector: ServerSelector,
  discovery: ClientDiscoveryOptions | undefined,
  family: 4 | 6,
  signal: AbortSignal | undefined,
): Promise<FoundServer> {
  if (discovery === undefined || !Array.isArray(discovery.interfaces)) {
    throw new InvalidArgumentError(
      '"discovery" is required with "server": give { interfaces: [\'192.168.1.20\'] } (or [\'127.0.0.1\'] to stay on this host); Pavillion never lets the OS pick one',
    )
  }
  const { matches, publicKey } = matcherOf(selector)
  const timeout = discovery.timeout ?? 5_000
  const browser = await browse({ interfaces: discovery.interfaces })
  try {
    const records = await new Promise<DiscoveredServer[]>((resolve, reject) => {
      const done = new AbortController()
      let gathering = false
      // Several records may claim the name or key (one forged): after the first, gather the others
      // answering the same query briefly, so the handshake can try each.
      const check = () => {
        if (gathering || browser.servers().filter(matches).length === 0) return
        gathering = true
        const gather = setTimeout(() => {
          done.abort()
          resolve(browser.servers().filter(matches))
        }, GATHER_MS)
        done.signal.addEventListener('abort', () => clearTimeout(gather))
      }
      const timer = setTimeout(() => {
        done.abort()
        reject(
          new DiscoveryError(
            'not-found',
            `no server matching ${describe(selector)} was seen within ${timeout} ms`,
          ),
        )
      }, timeout)
      done.signal.addEventListener('abort', () => clearTimeout(timer))
      const onAbort = () => {
        done.abort()
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { signal: done.signal })
      browser.on('up', check, { signal: done.signal })
      check()
    })
    const candidates = records.flatMap((r) => placesOf(r, family))
    if (candidates.length === 0)
      throw new DiscoveryError(
        'no-answer',
        `the records for ${describe(selector)} name no IPv${family} address`,
      )
    return { browser, candidates, matches, publicKey }
  } catch (error) {
    await browser.close()
    throw error
  }
}

/**
 * Tries each candidate until one passes the handshake (the engine verifies
 * the key: a record is only a hint). Then keeps following the record.
 * @throws DiscoveryError (`refused` / `no-answer`) when none passes
 */
export async function verifyAndFollow(
  core: Client,
  redirect: RedirectTransport,
  found: FoundServer,
  verifyTimeout: number,
): Promise<ServerFollower> {
  const attempts: DiscoveryAttempt[] = []
  for (const [i, place] of found.candidates.entries()) {
    if (i > 0) redirect.moveTo(place)
    try {
      await core.waitForServer({ timeout: verifyTimeout })
      return new ServerFollower(core, redirect, found)
    } catch {
      attempts.push({ ...place, outcome: redirect.heard > 0 ? 'refused' : 'no-answer' })
    }
  }
  const refused = attempts.some((a) => a.outcome === 'refused')
  const list = attempts.map((a) => `${a.address}:${a.port} (${a.outcome})`).join(', ')
  throw new DiscoveryError(
    refused ? 'refused' : 'no-answer',
    refused
      ? `every server the records point at failed the handshake (a forged or stale record, or the wrong key): ${list}`
      : `no server answered where the records point: ${list}`,
    attempts,
  )
}

/**
 * Follows a discovered server: when its record names a new address or port
 * while the server is not connected, the client sends there (and reports
 * `server:moved`). While connected, a new record is kept for later, so a
 * forged record cannot pull a live session away.
 */
export class ServerFollower {
  readonly #browser: Browser
  readonly #redirect: RedirectTransport
  readonly #listeners: ((detail: ServerMovedDetail) => void)[] = []
  #pending: DiscoveredServer | undefined
  #connected = true

  constructor(core: Client, redirect: RedirectTransport, found: FoundServer) {
    this.#browser = found.browser
    this.#redirect = redirect
    const family = isIP(redirect.target.address) === 6 ? 6 : 4
    const consider = ({ server }: { server: DiscoveredServer }) => {
      if (!found.matches(server)) return
      const place = placesOf(server, family)[0]
      const target = this.#redirect.target
      if (place === undefined || (place.address === target.address && place.port === target.port)) return
      this.#pending = server
      if (!this.#connected) this.#apply(family)
    }
    this.#browser.on('up', consider)
    this.#browser.on('changed', consider)
    core.on('server:connected', () => {
      this.#connected = true
      this.#pending = undefined
    })
    core.on('server:disconnected', () => {
      this.#connected = false
      if (this.#pending !== undefined) this.#apply(family)
      else this.#browser.refresh()
    })
  }

  /** Adds a listener of moves. */
  onMoved(listener: (detail: ServerMovedDetail) => void): void {
    this.#listeners.push(listener)
  }

  /** Stops following and releases the browser's sockets. Idempotent. */
  close(): Promise<void> {
    return this.#browser.close()
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #apply(family: 4 | 6): void {
    const record = this.#pending
    this.#pending = undefined
    const to = record === undefined ? undefined : placesOf(record, family)[0]
    if (record === undefined || to === undefined) return
    const from = this.#redirect.target
    this.#redirect.moveTo(to)
    for (const listener of this.#listeners) listener({ from, to, record })
  }
}

function matcherOf(selector: ServerSelector): Pick<FoundServer, 'matches' | 'publicKey'> {
  if (typeof selector !== 'object' || selector === null) {
    throw new InvalidArgumentError('"server" expected { name } or { publicKey }')
  }
  if ('name' in selector) {
    if (typeof selector.name !== 'string' || selector.name.length === 0)
      throw new InvalidArgumentError(
        '"server.name" expected the advertised name, e.g. \'kitchen-controller\'',
      )
    const wanted = selector.name.toLowerCase()
    return {
      matches: (s) => s.instance.toLowerCase() === wanted || s.name.toLowerCase() === wanted,
      publicKey: undefined,
    }
  }
  const publicKey = publicKeyFrom(selector.publicKey, 'server.publicKey')
  const fingerprint = fingerprintOf(publicKey)
  return { matches: (s) => s.fingerprint === fingerprint, publicKey }
}

function placesOf(server: DiscoveredServer, family: 4 | 6): PeerAddress[] {
  return server.addresses.filter((a) => isIP(a) === family).map((address) => ({ address, port: server.port }))
}

function describe(selector: ServerSelector): string {
  return 'name' in selector ? `the name "${selector.name}"` : 'that public key'
}
