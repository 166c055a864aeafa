import { setMaxListeners } from 'node:events'
import type { Datatype, PavillionClient, RegisterInfo, RegisterValue } from 'pavillion'
import { viewOf } from './bytes-view.ts'

/** The most registers of one server the dashboard lists and observes (the rest are counted in `more`). */
export const MAX_REGISTERS_PER_SERVER = 16
/** The rate limit asked of each observation, ms: at most five values a second per register. */
export const REGISTER_RATE_LIMIT_MS = 200
/** How often the register lists are asked again (new registers, ended observations), ms. */
const REGISTER_REFRESH_MS = 10_000
/** The most characters of a non-numeric value sent to the page. */
const MAX_VALUE_TEXT = 512

const NUMERIC: ReadonlySet<Datatype> = new Set(['u8', 'u16', 'u32', 'i32', 'f32', 'f64'])

/** One register of a server, as the page lists it. */
export interface RegisterView {
  readonly register: number
  readonly name: string
  readonly datatype: Datatype
  readonly writable: boolean
  /** Charted when true; shown as text otherwise. */
  readonly numeric: boolean
  /** The latest value: a number for numeric registers, else text (at most {@link MAX_VALUE_TEXT} characters). */
  readonly value: number | string | null
  /** Wall-clock ms of the latest value. */
  readonly at: number | null
  /** Why the observation ended, when it did (it is started again at the next refresh). */
  readonly error: string | null
}

/** The registers of the server one client node talks to. */
export interface RegisterListView {
  /** The client node (`c0`…). */
  readonly node: string
  readonly registers: readonly RegisterView[]
  /** Registers not listed because of {@link MAX_REGISTERS_PER_SERVER}. */
  readonly more: number
  /** Why the list could not be read, when it could not. */
  readonly error: string | null
}

/** One new value, as sent to the page. */
export interface RegisterUpdateView {
  readonly node: string
  readonly register: number
  readonly value: number | string
  readonly at: number
}

interface Watched {
  view: RegisterView
  observing: boolean
}

/** The page's text of a non-numeric value. */
function textOf(value: RegisterValue): string {
  const text =
    value instanceof Uint8Array
      ? `0x${viewOf(value).hex}`
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/**
 * Lists the registers of each client node's server and observes them (rate
 * limited), reporting each new value. `close()` ends every observation.
 */
export class RegisterWatcher {
  readonly #clients: readonly PavillionClient[]
  readonly #onUpdate: (update: RegisterUpdateView) => void
  readonly #onList: (list: RegisterListView) => void
  readonly #lifetime = new AbortController()
  readonly #lists: Map<string, { watched: Map<number, Watched>; more: number; error: string | null }> =
    new Map()
  readonly #timer: ReturnType<typeof setInterval>
  #refreshing: Promise<void> | undefined

  constructor(
    clients: readonly PavillionClient[],
    onUpdate: (update: RegisterUpdateView) => void,
    onList: (list: RegisterListView) => void,
  ) {
    this.#clients = clients
    this.#onUpdate = onUpdate
    this.#onList = onList
    // One listener per observation and per request in flight: per client, 16 observations and a list
    // (its descriptions asked 16 at a time).
    setMaxListeners(clients.length * (2 * MAX_REGISTERS_PER_SERVER + 2) + 10, this.#lifetime.signal)
    this.#timer = setInterval(() => void this.refresh(), REGISTER_REFRESH_MS)
    this.#timer.unref()
  }

  /** Asks each server for its registers and observes those not observed yet. Resolves when done. */
  refresh(): Promise<void> {
    this.#refreshing ??= Promise.all(this.#clients.map((c, i) => this.#refreshOne(`c${i}`, c))).then(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  /** What the page shows of every client node's registers. */
  snapshot(): RegisterListView[] {
    return [...this.#lists].map(([node, list]) => ({
      node,
      registers: [...list.watched.values()].map((w) => w.view),
      more: list.more,
      error: list.error,
    }))
  }

  /** Ends every observation (they cancel on their servers) and the refresh timer. Idempotent; resolves at once. */
  close(): Promise<void> {
    clearInterval(this.#timer)
    this.#lifetime.abort()
    return Promise.resolve()
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #refreshOne(node: string, client: PavillionClient): Promise<void> {
    const signal = this.#lifetime.signal
    if (signal.aborted) return
    const list = this.#lists.get(node) ?? { watched: new Map<number, Watched>(), more: 0, error: null }
    this.#lists.set(node, list)
    let infos: RegisterInfo[]
    try {
      infos = await client.registers.list({ timeout: 5000, signal })
      list.error = null
    } catch (error) {
      if (signal.aborted) return
      list.error = messageOf(error)
      this.#onList(this.#listView(node))
      return
    }
    const shown = infos.sort((a, b) => a.register - b.register).slice(0, MAX_REGISTERS_PER_SERVER)
    list.more = infos.length - shown.length
    const kept = new Map<number, Watched>()
    for (const info of shown) {
      const old = list.watched.get(info.register)
      const same = old !== undefined && old.view.name === info.name && old.view.datatype === info.datatype
      kept.set(info.register, same ? old : { view: this.#viewOf(info), observing: false })
    }
    list.watched.clear()
    for (const [register, watched] of kept) list.watched.set(register, watched)
    this.#onList(this.#listView(node))
    for (const watched of list.watched.values()) {
      if (!watched.observing) void this.#observe(node, client, watched)
    }
  }

  async #observe(node: string, client: PavillionClient, watched: Watched): Promise<void> {
    const signal = this.#lifetime.signal
    const { register, datatype } = watched.view
    watched.observing = true
    try {
      const observation = client.registers.observe(register, {
        rateLimitMs: REGISTER_RATE_LIMIT_MS,
        type: datatype,
        signal,
      })
      for await (const { value } of observation) {
        const at = Date.now()
        const shown = watched.view.numeric && typeof value === 'number' ? value : textOf(value)
        watched.view = { ...watched.view, value: shown, at, error: null }
        this.#onUpdate({ node, register, value: shown, at })
      }
    } catch (error) {
      if (signal.aborted) return
      watched.view = { ...watched.view, error: messageOf(error) }
      this.#onList(this.#listView(node))
    } finally {
      watched.observing = false
    }
  }

  #viewOf(info: RegisterInfo): RegisterView {
    return {
      register: info.register,
      name: info.name,
      datatype: info.datatype,
      writable: info.writable,
      numeric: NUMERIC.has(info.datatype),
      value: null,
      at: null,
      error: null,
    }
  }

  #listView(node: string): RegisterListView {
    return this.snapshot().find((l) => l.node === node)!
  }
}
