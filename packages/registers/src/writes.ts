import type { ClientInfo } from '@pavillion/core'
import { decodeValue } from './codecs.ts'
import type { DeclaredRegister } from './declared-register.ts'
import { RegisterWriteError } from './errors.ts'

/** The last write applied to a register, by session and request tag, and the version it produced. */
interface LastWrite {
  readonly client: string
  readonly tag: string
  readonly version: number
}

/**
 * A server's writes: one at a time per register, in arrival order, and the
 * last applied one of each register remembered so that a retry of it (the
 * same session and tag, nothing changed since) is confirmed without running
 * the writer again (README, "Wire rules" 5).
 */
export class Writes {
  readonly #last = new Map<number, LastWrite>()
  readonly #queues = new Map<number, Promise<void>>()
  readonly #running = new Set<string>()
  readonly #open: () => boolean
  /** Writers run to completion. */
  applied = 0

  /** `open` says whether the server still runs (a write queued at close never runs). */
  constructor(open: () => boolean) {
    this.#open = open
  }

  /** True when this write from `client` (by `tag`) is running or was the last applied and nothing changed since. */
  repeated(declared: DeclaredRegister, client: string, tag: string): 'running' | 'applied' | undefined {
    if (this.#running.has(`${declared.register}|${client}|${tag}`)) return 'running'
    const last = this.#last.get(declared.register)
    if (last?.client === client && last.tag === tag && last.version === declared.version) return 'applied'
    return undefined
  }

  /**
   * Runs the writer after the register's earlier writes, then sets the value;
   * `tag` (a write from the network) is remembered for its retries.
   * Rejects with what the writer threw, or `unknown-register` when the register went away.
   */
  apply(declared: DeclaredRegister, bytes: Uint8Array, client: ClientInfo, tag?: string): Promise<void> {
    const { register, writer } = declared
    const key = `${register}|${client.key}|${tag}`
    if (tag !== undefined) this.#running.add(key)
    const value = decodeValue(declared.datatype, bytes)
    const run = (this.#queues.get(register) ?? Promise.resolve()).then(async () => {
      if (declared.removed || !this.#open())
        throw new RegisterWriteError('no such register', 'unknown-register')
      await writer?.(value as never, { client, register })
      this.applied++
      declared.setBytes(bytes)
      if (tag === undefined) this.#last.delete(register)
      else this.#last.set(register, { client: client.key, tag, version: declared.version })
    })
    const done = run.then(
      () => {},
      () => {},
    )
    this.#queues.set(register, done)
    done.then(() => {
      this.#running.delete(key)
      if (this.#queues.get(register) === done) this.#queues.delete(register)
    })
    return run
  }

  /** Forgets what a closed session wrote. */
  forgetSession(client: string): void {
    for (const [register, last] of this.#last) if (last.client === client) this.#last.delete(register)
  }

  /** Forgets a removed register. */
  forgetRegister(register: number): void {
    this.#last.delete(register)
  }
}
