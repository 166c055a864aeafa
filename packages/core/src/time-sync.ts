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
