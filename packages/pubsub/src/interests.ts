import { ALL_TARGETS } from './message.ts'

/** What a session said about one target: listening or not, and the counter of the packet that said it. */
interface Said {
  listening: boolean
  counter: bigint
}

/** How a session's subscribe/unsubscribe changed what it is sent. */
export type InterestChange = 'first' | 'changed' | 'unchanged'

/**
 * A server's record of the targets each client session said it listens to
 * (opcodes 13 and 14 sent by clients). A session that never said anything —
 * a reference client, or a client of ours without listeners — is sent every
 * target; once it said something, only what it subscribed to (`'*'`: all).
 * A statement older than the last one applied for the same target (a lower
 * counter: a retransmission overtaken by a later change) is ignored, so a
 * lost-then-retransmitted packet cannot undo a newer one. Bounded: at most
 * `maxTargets` targets per session; a session that names more is sent
 * everything from then on (over-delivery is safe, under-delivery is not).
 * Sessions are dropped when they close.
 */
export class SessionInterests {
  readonly #maxTargets: number
  readonly #sessions = new Map<string, Map<string, Said> | 'all'>()

  constructor(maxTargets: number) {
    this.#maxTargets = maxTargets
  }

  /** Applies "session `key` does (`listening`) or does not listen to `target`", said in packet `counter`. */
  apply(key: string, target: string, listening: boolean, counter: bigint): InterestChange {
    const known = this.#sessions.get(key)
    if (known === 'all') return 'unchanged'
    const first = known === undefined
    const said = known ?? new Map<string, Said>()
    const previous = said.get(target)
    if (previous !== undefined && previous.counter >= counter) return 'unchanged'
    if (previous === undefined && said.size >= this.#maxTargets) {
      this.#sessions.set(key, 'all')
      return first ? 'first' : 'changed'
    }
    said.set(target, { listening, counter })
    this.#sessions.set(key, said)
    if (first) return 'first'
    return previous?.listening === listening ? 'unchanged' : 'changed'
  }

  /** True when session `key` said anything (so it understands opcodes 13 and 14: a client of ours). */
  declared(key: string): boolean {
    return this.#sessions.has(key)
  }

  /** True when session `key` is to be sent messages of `target`. */
  wants(key: string, target: string): boolean {
    const said = this.#sessions.get(key)
    if (said === undefined || said === 'all') return true
    return said.get(target)?.listening === true || said.get(ALL_TARGETS)?.listening === true
  }

  /** Forgets session `key` (it closed). */
  drop(key: string): void {
    this.#sessions.delete(key)
  }
}
