import { type Browser, browse, type DiscoveredServer, type ServerJson, serverJson } from 'pavillion/discovery'

/** The most discovered servers the dashboard lists (and its browser tracks); past it the oldest `down` entry goes. */
export const MAX_DISCOVERED = 64

/** One server found by DNS-SD, as the page lists it ({@link serverJson} and these). Only what it advertises: no secret, nothing checked. */
export interface DiscoveredView extends ServerJson {
  /** The multicast group it listens on (TXT `group`), or null. */
  readonly group: string | null
  /** `up` while its records live; `down` after its goodbye or their expiry. */
  readonly state: 'up' | 'down'
  /** Wall-clock ms of the latest change. */
  readonly at: number
}

function viewOf(server: DiscoveredServer, state: 'up' | 'down'): DiscoveredView {
  return { ...serverJson(server), group: server.group ?? null, state, at: Date.now() }
}

/**
 * Browses `_pavillion._udp` on the given interfaces and keeps a bounded list
 * of the servers seen, up or down, reporting each change. `close()` stops browsing.
 */
export class DiscoveryWatcher {
  readonly #onChange: (server: DiscoveredView) => void
  readonly #seen = new Map<string, DiscoveredView>()
  #browser: Browser | undefined
  #closed = false
  #closing: Promise<void> | undefined

  private constructor(onChange: (server: DiscoveredView) => void) {
    this.#onChange = onChange
  }

  /** Opens the mDNS sockets on `interfaces` and starts browsing. */
  static async start(
    interfaces: readonly string[],
    onChange: (server: DiscoveredView) => void,
  ): Promise<DiscoveryWatcher> {
    const watcher = new DiscoveryWatcher(onChange)
    const browser = await browse({ interfaces, maxServices: MAX_DISCOVERED })
    watcher.#browser = browser
    browser.on('up', ({ server }) => watcher.#set(viewOf(server, 'up')))
    browser.on('changed', ({ server }) => watcher.#set(viewOf(server, 'up')))
    browser.on('down', ({ server }) => watcher.#set(viewOf(server, 'down')))
    return watcher
  }

  /** What the page shows: every server seen, oldest change first. */
  snapshot(): DiscoveredView[] {
    return [...this.#seen.values()]
  }

  /** Stops browsing and closes the mDNS sockets. Idempotent: every call waits for the same close. */
  close(): Promise<void> {
    this.#closed = true
    this.#closing ??= this.#browser?.close() ?? Promise.resolve()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #set(view: DiscoveredView): void {
    if (this.#closed) return
    this.#seen.delete(view.instance)
    this.#seen.set(view.instance, view)
    if (this.#seen.size > MAX_DISCOVERED) {
      const oldest =
        [...this.#seen.values()].find((v) => v.state === 'down') ?? this.#seen.values().next().value
      if (oldest !== undefined) this.#seen.delete(oldest.instance)
    }
    this.#onChange(view)
  }
}
