/**
 * Where a client stands, in one word (`Client.state`):
 *
 * - `connecting`: no server has accepted us yet; the handshake is being tried.
 * - `connected`: at least one server accepted us (for a multicast group: at
 *   least one member; each member's own state is in `connections()`).
 * - `reconnecting`: every server we were connected to is gone (it quit, went
 *   silent or was replaced); the handshake is being tried again.
 * - `auth-failed`: no server is connected and the last answer was a refusal:
 *   a server answered our nonce request with an answer that does not verify
 *   under our key (a wrong PSK, an ECC key it does not have for this ID) or
 *   said it does not know our client ID. The handshake keeps retrying, so a
 *   server that learns our key later still connects us.
 * - `closed`: `close()` was called; final.
 *
 * ```
 *   connecting ──► connected ──all servers gone──► reconnecting ──► connected
 *        │            ▲                                 │
 *        └─refused─► auth-failed ◄─────────refused──────┘        any ──close()──► closed
 * ```
 *
 * A client never stops trying while it is open, so there is no separate
 * "disconnected" state for the client as a whole; a server that is not
 * connected is `disconnected` in `connections()`.
 */
export type ClientState = 'connecting' | 'connected' | 'reconnecting' | 'auth-failed' | 'closed'

/** A change of `Client.state`, emitted as the `state:changed` event. */
export interface StateChangeEvent {
  readonly type: 'state:changed'
  /** The new state. */
  readonly state: ClientState
  /** The state before. */
  readonly previous: ClientState
}

/**
 * Keeps a client's `ClientState` from what the engine reports: servers
 * connected and disconnected, refusals, close. It reads the number of
 * connected servers when it recomputes, so a server replaced by its restarted
 * self (disconnected and connected in one step) never shows `reconnecting`.
 */
export class ConnectionState {
  readonly #connectedServers: () => number
  readonly #changed: (event: StateChangeEvent) => void
  #state: ClientState = 'connecting'
  #everConnected = false
  #refused = false

  /** `connectedServers`: how many servers are connected now; `changed`: called on every change. */
  constructor(connectedServers: () => number, changed: (event: StateChangeEvent) => void) {
    this.#connectedServers = connectedServers
    this.#changed = changed
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state
  }

  /** A server accepted us. */
  connected(): void {
    this.#everConnected = true
    this.#refused = false
    this.#update()
  }

  /** A server stopped being connected. */
  disconnected(): void {
    this.#update()
  }

  /** A server answered but refused our client ID or key (ignored while another is connected). */
  refused(): void {
    if (this.#connectedServers() > 0) return
    this.#refused = true
    this.#update()
  }

  /** The client closed (idempotent). */
  closed(): void {
    this.#set('closed')
  }

  #update(): void {
    if (this.#state === 'closed') return
    if (this.#connectedServers() > 0) this.#set('connected')
    else if (this.#refused) this.#set('auth-failed')
    else this.#set(this.#everConnected ? 'reconnecting' : 'connecting')
  }

  #set(state: ClientState): void {
    const previous = this.#state
    if (previous === state) return
    this.#state = state
    this.#changed({ type: 'state:changed', state, previous })
  }
}
