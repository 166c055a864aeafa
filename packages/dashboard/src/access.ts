import { timingSafeEqual } from 'node:crypto'

/** The longest Host or Origin header considered; anything longer is refused. */
const MAX_HEADER = 300

/**
 * Who may use the dashboard. On loopback: requests whose Host names the
 * loopback address or `localhost` on our port (so a DNS-rebinding page
 * cannot reach us under its own name). Elsewhere: any Host, but the
 * one-time token is required. The WebSocket also requires an Origin equal
 * to `http://` + the request's Host: pages of other sites are refused.
 */
export class AccessPolicy {
  readonly #token: Buffer | undefined
  readonly #hosts: ReadonlySet<string> | undefined

  /** `hosts`: the Host headers accepted (lower case), or undefined for any. */
  constructor(token: string | undefined, hosts: readonly string[] | undefined) {
    this.#token = token === undefined ? undefined : Buffer.from(token, 'utf8')
    this.#hosts = hosts === undefined ? undefined : new Set(hosts)
  }

  /** The policy of a dashboard listening on `bind:port`. */
  static of(bind: string, port: number, loopback: boolean, token: string | undefined): AccessPolicy {
    if (!loopback) return new AccessPolicy(token, undefined)
    const literal = bind.includes(':') ? `[${bind}]` : bind
    return new AccessPolicy(token, [`${literal}:${port}`, `localhost:${port}`])
  }

  /** Whether a request with this Host header is for us. */
  hostAllowed(host: string | undefined): boolean {
    if (host === undefined || host.length === 0 || host.length > MAX_HEADER) return false
    return this.#hosts === undefined || this.#hosts.has(host.toLowerCase())
  }

  /** Whether the token (from the query) is the right one; always true when none is needed. */
  tokenAllowed(given: unknown): boolean {
    if (this.#token === undefined) return true
    if (typeof given !== 'string' || given.length > MAX_HEADER) return false
    const bytes = Buffer.from(given, 'utf8')
    return bytes.length === this.#token.length && timingSafeEqual(bytes, this.#token)
  }

  /** Whether a WebSocket upgrade comes from our own page: right Host, same-origin Origin, right token. */
  socketAllowed(host: string | undefined, origin: string | undefined, token: unknown): boolean {
    if (!this.hostAllowed(host) || origin === undefined || origin.length > MAX_HEADER) return false
    return origin.toLowerCase() === `http://${host?.toLowerCase()}` && this.tokenAllowed(token)
  }
}
