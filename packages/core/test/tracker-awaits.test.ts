import { describe, expect, it } from 'vitest'
import { DeliveryTracker, type TrackerHost } from '../src/delivery-tracker.ts'

const host: TrackerHost<string> = {
  transmit() {},
  rto: () => 40,
  sampleRtt() {},
  report() {},
  setTimer() {},
  clearTimer() {},
  countRetransmission() {},
}
const to = { address: '127.0.0.1', port: 1783 }

/** A send answered by `answeredBy`, to whoever answers first. */
const params = (answeredBy: number, counter: bigint) => ({
  acks: [{ sequence: '', counter }],
  answeredBy,
  counter,
  expect: 'any' as const,
  deadline: 5000,
  targets: [],
  fallback: { to, bytes: Uint8Array.of(1) },
})

describe('DeliveryTracker.awaits', () => {
  it('says which opcodes answer a send in flight, so other packets skip the lookup', () => {
    const tracker = new DeliveryTracker(host)
    expect(tracker.awaits(5)).toBe(false)
    tracker.track(0, params(5, 10n), 1)
    tracker.track(0, params(5, 11n), 2)
    expect([tracker.awaits(5), tracker.awaits(2), tracker.awaits(3)]).toEqual([true, false, false])
    expect(tracker.acknowledge(1, '', 10n, 5, 'k', 'peer')).toBe(true)
    expect(tracker.awaits(5)).toBe(true)
    tracker.cancel(2, 2)
    expect(tracker.awaits(5)).toBe(false)
  })
})
