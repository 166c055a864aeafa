import { encodeApp } from '@pavillion/wire'

/**
 * The answer to a time sync request (opcode 21) sealed with `requestCounter`:
 * our monotonic clock `now` and the wall clock (`now + wallClockOffset`), in µs.
 */
export function timeSyncResponse(now: number, requestCounter: bigint, wallClockOffset: number): Uint8Array {
  return encodeApp({
    type: 'time-sync-response',
    requestCounter,
    monotonicUs: BigInt(Math.round(now * 1000)),
    wallUs: BigInt(Math.round((now + wallClockOffset) * 1000)),
  })
}

/**
 * A client's pending time sync request (opcode 20): the counter it went out
 * with and when, to turn the answer into a clock offset.
 */
export class ClockSync {
  #pending: { counter: bigint; sentAt: number } | undefined

  /** A request went out now with `counter`; it replaces any earlier one. */
  requested(counter: bigint, now: number): void {
    this.#pending = { counter, sentAt: now }
  }

  /**
   * Local monotonic ms minus the server's, from an answer received at `now`
   * (half the round trip assumed each way); undefined when it answers no
   * pending request.
   */
  offsetOf(now: number, requestCounter: bigint, monotonicUs: bigint): number | undefined {
    const sync = this.#pending
    if (sync === undefined || sync.counter !== requestCounter) return undefined
    const remote = Number(monotonicUs) / 1000
    return now - (now - sync.sentAt) / 2 - remote
  }
}
