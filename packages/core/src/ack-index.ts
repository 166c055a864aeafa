import { SequenceMap } from './sequence-map.ts'

/** Where an acknowledgement of one packet is looked up: its counter sequence and counter. */
export interface AckRef {
  /**
   * Whose counters: a server counts per session (the session's key), a
   * client has one sequence towards every server (`''`).
   */
  readonly sequence: string
  readonly counter: bigint
}

/**
 * Tickets of tracked sends by (sequence, counter), the same way on both
 * roles. Each sequence's counters are issued in order, so they live in a
 * `SequenceMap` (no `Map` churn per packet).
 */
export class AckIndex {
  readonly #bySequence = new Map<string, SequenceMap<bigint, number>>()

  /** The ticket waiting for `counter` of `sequence`, or undefined. */
  get(sequence: string, counter: bigint): number | undefined {
    return this.#bySequence.get(sequence)?.get(counter)
  }

  /** Files ticket `id` under `ref`. */
  set(ref: AckRef, id: number): void {
    let counters = this.#bySequence.get(ref.sequence)
    if (counters === undefined) {
      counters = new SequenceMap()
      this.#bySequence.set(ref.sequence, counters)
    }
    counters.set(ref.counter, id)
  }

  /** Removes `ref` when it still names ticket `id`. */
  delete(ref: AckRef, id: number): void {
    const counters = this.#bySequence.get(ref.sequence)
    if (counters?.get(ref.counter) === id) counters.delete(ref.counter)
  }

  /** Forgets a whole sequence (its session ended). */
  forget(sequence: string): void {
    this.#bySequence.delete(sequence)
  }
}
