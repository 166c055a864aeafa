import type { EndpointStats } from 'pavillion/core'

/** The counters the chart draws, summed over every node of the dashboard. */
export const COUNTERS = [
  'sent',
  'received',
  'retransmitted',
  'oversized',
  'malformed',
  'forged',
  'stale',
  'unexpected',
  'unknownOpcode',
  'overflow',
] as const

/** One counter's name. */
export type CounterName = (typeof COUNTERS)[number]

/** One sample: wall-clock ms and each counter's total at that time. */
export interface CounterSample {
  readonly at: number
  readonly values: Readonly<Record<CounterName, number>>
}

/** Samples kept (5 minutes at one a second); the oldest goes first. */
export const MAX_SAMPLES = 300

function valuesOf(stats: readonly EndpointStats[]): Record<CounterName, number> {
  const values = Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Record<CounterName, number>
  for (const s of stats) {
    values.sent += s.datagramsOut
    values.received += s.datagramsIn
    values.retransmitted += s.retransmissions
    values.oversized += s.oversized
    values.malformed += s.malformed
    values.forged += s.forged
    values.stale += s.stale
    values.unexpected += s.unexpected
    values.unknownOpcode += s.unknownOpcode
    values.overflow += s.overflow
  }
  return values
}

/** A bounded history of the engine counters (sent, received, retransmitted, dropped by reason). */
export class CounterHistory {
  readonly #read: () => readonly EndpointStats[]
  readonly #samples: CounterSample[] = []

  /** `read` returns the engine stats of every node. */
  constructor(read: () => readonly EndpointStats[]) {
    this.#read = read
  }

  /** Takes a sample now, forgetting the oldest beyond {@link MAX_SAMPLES}; returns it. */
  sample(at: number = Date.now()): CounterSample {
    const sample = { at, values: valuesOf(this.#read()) }
    this.#samples.push(sample)
    if (this.#samples.length > MAX_SAMPLES) this.#samples.shift()
    return sample
  }

  /** Every sample kept, oldest first. */
  samples(): readonly CounterSample[] {
    return this.#samples
  }
}
