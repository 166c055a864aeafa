import type { TrackRequest } from '../endpoint-base.ts'
import type { DeliveryReport, ServerInfo } from '../events.ts'
import { Queue } from '../queue.ts'
import type { TimerTable } from '../timer-table.ts'

/** What a client asks its endpoint to send. */
export interface ClientSendRequest {
  /** Opcode ‖ payload, as `encodeApp` makes it. */
  readonly plaintext: Uint8Array
  /** Track acknowledgements and retransmit until `expect` is met or `deadline` (absolute ms) passes. */
  readonly track?: TrackRequest & {
    /** Keys of the servers expected to acknowledge; default: every connected server. */
    readonly servers?: readonly string[] | undefined
  }
}

/** One send waiting for a server to connect. */
export interface QueuedSend {
  readonly id: number | undefined
  readonly request: ClientSendRequest
  readonly internal: boolean
}

/** How a report of a send that never left the queue is handed on. */
export type QueuedReport = (report: DeliveryReport<ServerInfo>, internal: boolean, token: unknown) => void

/**
 * The sends a client holds while no server is connected, in order: each
 * tracked one with its deadline in the `queued` timer slot, reported with no
 * transmission when it expires, is cancelled or the client closes.
 */
export class SendQueue {
  readonly #queue = new Queue<QueuedSend>()
  readonly #timers: TimerTable
  readonly #report: QueuedReport

  constructor(timers: TimerTable, report: QueuedReport) {
    this.#timers = timers
    this.#report = report
  }

  /** Sends waiting. */
  get length(): number {
    return this.#queue.length
  }

  /** Queues a send; a tracked one gives up at its deadline. */
  push(queued: QueuedSend): void {
    this.#queue.push(queued)
    if (queued.id !== undefined && queued.request.track)
      this.#timers.set('queued', queued.id, queued.request.track.deadline)
  }

  /** Takes every send out, oldest first, to be transmitted now. */
  flush(transmit: (queued: QueuedSend) => void): void {
    for (let queued = this.#queue.shift(); queued !== undefined; queued = this.#queue.shift()) {
      if (queued.id !== undefined) this.#timers.clear('queued', queued.id)
      transmit(queued)
    }
  }

  /** Ends the waiting send `id`; its report says `cancelled`. */
  cancel(id: number): void {
    for (const queued of this.#queue.drain()) {
      if (queued.id === id) {
        this.#timers.clear('queued', id)
        this.#reportQueued(queued, 'cancelled')
      } else this.#queue.push(queued)
    }
  }

  /** Ends every waiting send made with `owner`; their reports say `cancelled`. */
  cancelOwned(owner: object): void {
    for (const queued of this.#queue.drain()) {
      if (queued.id !== undefined && queued.request.track?.owner === owner) {
        this.#timers.clear('queued', queued.id)
        this.#reportQueued(queued, 'cancelled')
      } else this.#queue.push(queued)
    }
  }

  /** The deadline of the waiting send `id` passed. */
  expire(id: number): void {
    for (const queued of this.#queue.drain()) {
      if (queued.id === id) this.#reportQueued(queued, 'deadline')
      else this.#queue.push(queued)
    }
  }

  /** Ends every waiting send with `closed` (the caller clears the timers). */
  closeAll(): void {
    for (const queued of this.#queue.drain()) this.#reportQueued(queued, 'closed')
  }

  #reportQueued(queued: QueuedSend, outcome: 'deadline' | 'closed' | 'cancelled'): void {
    if (queued.id === undefined) return
    this.#report(
      {
        id: queued.id,
        counter: 0n,
        outcome,
        acked: [],
        missing: [],
        transmissions: 0,
        elapsed: 0,
        answers: [],
      },
      queued.internal,
      queued.request.track?.token,
    )
  }
}
