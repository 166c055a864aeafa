import { SequenceMap } from './sequence-map.ts'

/**
 * Every timer an endpoint arms: a fixed set of named slots, each armed at
 * most once per owner — a peer's key, a ticket, or `''` for the endpoint.
 */
const TIMER_SLOTS = [
  /** Client: retry the start-up nonce request (owner `''`). */
  'handshake',
  /** Client: send an empty reliable message (owner `''`). */
  'keepalive',
  /** Client: report a silent server disconnected (owner: its key). */
  'disconnect',
  /** Client: the deadline of a send still waiting for a server (owner: its ticket). */
  'queued',
  /** Client: wipe a server's previous key when its grace ends (owner: the server's key). */
  'grace',
  /** Server: the second and third start-up announcement (owner: 1, 2). */
  'announce',
  /** Server: close a silent session (owner: its key). */
  'session',
  /** Both: the next retransmission or the deadline of a tracked send (owner: its ticket). */
  'retransmit',
] as const

/** One of {@link TIMER_SLOTS}. */
export type TimerSlot = (typeof TIMER_SLOTS)[number]

/** Who a timer of a slot belongs to. */
export type TimerOwner = string | number

/** The slots whose owners are numbers issued in sequence (tickets): kept in a `SequenceMap`. */
const NUMBERED: ReadonlySet<TimerSlot> = new Set(['queued', 'announce', 'retransmit'])

interface Deadlines {
  get(owner: TimerOwner): number | undefined
  set(owner: TimerOwner, at: number): void
  delete(owner: TimerOwner): boolean
  clear(): void
  entries(): IterableIterator<[TimerOwner, number]>
  readonly size: number
}

const SLOT_INDEX = new Map<TimerSlot, number>(TIMER_SLOTS.map((slot, i) => [slot, i]))

/**
 * Deadlines as data: at most one deadline per slot and owner, the earliest
 * found in O(log n). Re-arming or clearing leaves the old heap entry behind
 * and skips it lazily, so every operation stays logarithmic. Holds no timers itself.
 */
export class TimerTable {
  readonly #slots: Deadlines[] = TIMER_SLOTS.map((slot) =>
    NUMBERED.has(slot) ? (new SequenceMap<number, number>() as unknown as Deadlines) : new Map(),
  )
  // The heap as three parallel arrays (deadline, slot index, owner): no object per entry.
  readonly #at: number[] = []
  readonly #slot: number[] = []
  readonly #owner: TimerOwner[] = []

  /** Number of armed timers. */
  get size(): number {
    let size = 0
    for (const deadlines of this.#slots) size += deadlines.size
    return size
  }

  /** Arms (or re-arms) `slot` of `owner` to fire at `at`. */
  set(slot: TimerSlot, owner: TimerOwner, at: number): void {
    const index = SLOT_INDEX.get(slot)!
    const deadlines = this.#slots[index]!
    if (deadlines.get(owner) === at) return
    deadlines.set(owner, at)
    this.#push(at, index, owner)
    // Stale entries accumulate when timers are re-armed often; rebuild when they dominate.
    if (this.#at.length > 64 && this.#at.length > 4 * this.size) this.#rebuild()
  }

  /** Disarms `slot` of `owner`; harmless when it is not armed. */
  clear(slot: TimerSlot, owner: TimerOwner): void {
    this.#slots[SLOT_INDEX.get(slot)!]!.delete(owner)
  }

  /** When `slot` of `owner` fires, or undefined. */
  get(slot: TimerSlot, owner: TimerOwner): number | undefined {
    return this.#slots[SLOT_INDEX.get(slot)!]!.get(owner)
  }

  /** The earliest armed deadline, or undefined when nothing is armed. */
  next(): number | undefined {
    this.#dropStale()
    return this.#at[0]
  }

  /** Disarms and fires, earliest first, every timer due at or before `now` (those armed meanwhile too). */
  fireDue(now: number, fire: (slot: TimerSlot, owner: TimerOwner) => void): void {
    for (;;) {
      this.#dropStale()
      const at = this.#at[0]
      if (at === undefined || at > now) return
      const index = this.#slot[0]!
      const owner = this.#owner[0]!
      this.#pop()
      this.#slots[index]!.delete(owner)
      fire(TIMER_SLOTS[index]!, owner)
    }
  }

  /** Disarms everything. */
  clearAll(): void {
    for (const deadlines of this.#slots) deadlines.clear()
    this.#at.length = 0
    this.#slot.length = 0
    this.#owner.length = 0
  }

  #dropStale(): void {
    while (this.#at.length > 0 && this.#slots[this.#slot[0]!]!.get(this.#owner[0]!) !== this.#at[0])
      this.#pop()
  }

  #rebuild(): void {
    this.#at.length = 0
    this.#slot.length = 0
    this.#owner.length = 0
    for (const [index, deadlines] of this.#slots.entries())
      for (const [owner, at] of deadlines.entries()) this.#push(at, index, owner)
  }

  #push(at: number, slot: number, owner: TimerOwner): void {
    const heapAt = this.#at
    let i = heapAt.length
    heapAt.push(at)
    this.#slot.push(slot)
    this.#owner.push(owner)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heapAt[parent]! <= at) break
      this.#move(parent, i)
      i = parent
    }
    heapAt[i] = at
    this.#slot[i] = slot
    this.#owner[i] = owner
  }

  #pop(): void {
    const heapAt = this.#at
    const lastAt = heapAt.pop()!
    const lastSlot = this.#slot.pop()!
    const lastOwner = this.#owner.pop()!
    const size = heapAt.length
    if (size === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && heapAt[right]! < heapAt[left]! ? right : left
      if (heapAt[child]! >= lastAt) break
      this.#move(child, i)
      i = child
    }
    heapAt[i] = lastAt
    this.#slot[i] = lastSlot
    this.#owner[i] = lastOwner
  }

  #move(from: number, to: number): void {
    this.#at[to] = this.#at[from]!
    this.#slot[to] = this.#slot[from]!
    this.#owner[to] = this.#owner[from]!
  }
}
