/**
 * Where a server is in its life, as a client sees it:
 *
 * ```
 *   unknown ──handshake──► keyed ──accepted / fresh packet──► connected ──timeout/replaced/closed──► gone
 *      ▲                     │  ▲                               │  ▲   (re-key: stays connected)       │
 *      │                     │  └────────────handshake──────────┼──┼───────────────────────────────────┤
 *      │             retry, not accepted                        │  └──────────fresh packet─────────────┘
 *      │                     ▼                                  │
 *      │                auth-failed ──accepted──► connected     │
 *      └───────────────────────quit (key dropped)───────────────┘
 * ```
 *
 * `auth-failed`: the server answered our nonce request and we sent our
 * client info, but it never accepted the session — it does not know our key
 * (a wrong PSK, an ECC key it has not registered).
 */
export type ServerState = 'unknown' | 'keyed' | 'auth-failed' | 'connected' | 'gone'

/**
 * One server's state as the application reads it (`Client.connections()`):
 * `connecting` (keyed, waiting for it to accept us), `connected`,
 * `disconnected` (it quit, went silent or was replaced; a fresh packet or
 * handshake connects it again), `auth-failed` (it answered but never
 * accepted our client info).
 */
export type ServerConnectionState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed'

const CONNECTION_OF: Record<ServerState, ServerConnectionState> = {
  unknown: 'disconnected',
  keyed: 'connecting',
  'auth-failed': 'auth-failed',
  connected: 'connected',
  gone: 'disconnected',
}

/** One server's state and every transition it can make; the endpoint acts on what each returns. */
export class ServerLife {
  #state: ServerState = 'unknown'
  /** Handshakes completed with it (the nonce-request budget tightens after the first, PROTOCOL.md §9.5). */
  #keyings = 0
  /** The handshake whose opcode 7 was counted: it counts once per key (a replay proves nothing). */
  #acceptedKeying = 0
  /** Times it was reported connected (the first time, packets in flight are sealed again for it). */
  #connections = 0

  get state(): ServerState {
    return this.#state
  }

  /** The state in the application's words. */
  get connection(): ServerConnectionState {
    return CONNECTION_OF[this.#state]
  }

  /** True while the application is told it is connected. */
  get connected(): boolean {
    return this.#state === 'connected'
  }

  /** True while we hold a key for its packets. */
  get keyed(): boolean {
    return this.#state !== 'unknown'
  }

  /** True once any handshake with it completed. */
  get everKeyed(): boolean {
    return this.#keyings > 0
  }

  /** A handshake installed a new key: awaiting acceptance (a connected server stays connected). */
  rekeyed(): void {
    this.#keyings++
    if (this.#state !== 'connected') this.#state = 'keyed'
  }

  /** Opcode 7 with our session ID: true when it counts (once per key, and only with a key). */
  accepted(): boolean {
    if (!this.keyed || this.#acceptedKeying === this.#keyings) return false
    this.#acceptedKeying = this.#keyings
    return true
  }

  /**
   * Proof it accepted us (opcode 7 or a fresh authenticated packet): becomes
   * connected. Returns 'first' or 'again' when that is news, undefined when
   * it already was.
   */
  connect(): 'first' | 'again' | undefined {
    if (this.#state === 'connected') return undefined
    this.#state = 'connected'
    return ++this.#connections === 1 ? 'first' : 'again'
  }

  /** Stops being connected; with `dropKey` (it quit) its key is gone too. True when it was connected. */
  disconnect(dropKey: boolean): boolean {
    const was = this.#state === 'connected'
    if (dropKey) this.#state = 'unknown'
    else if (was) this.#state = 'gone'
    return was
  }

  /** A handshake retry found it keyed but never accepted: true when that is news. */
  notAccepted(): boolean {
    if (this.#state !== 'keyed') return false
    this.#state = 'auth-failed'
    return true
  }
}
