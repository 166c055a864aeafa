/** Tuning of the retransmission timer (RFC 6298 with LAN-sized bounds). */
export interface RttOptions {
  /** Retransmission timeout before any sample, ms. Default 200. */
  readonly initialRto: number
  /** Lower bound of the timeout, ms. Default 40 (RFC 6298 says 1 s; a LAN protocol needs far less, but above the stalls of a busy event loop). */
  readonly minRto: number
  /** Upper bound of the timeout, including backoff, ms. Default 2000. */
  readonly maxRto: number
}

/** Defaults of {@link RttOptions}. */
export const DEFAULT_RTT_OPTIONS: RttOptions = { initialRto: 200, minRto: 40, maxRto: 2_000 }

/**
 * Smoothed round-trip time of one peer (RFC 6298 §2): SRTT and RTTVAR with
 * gains 1/8 and 1/4, RTO = SRTT + max(G, 4·RTTVAR), clamped to
 * [minRto, maxRto]. Feed it only samples of packets sent once (Karn's rule).
 */
export class RttEstimator {
  readonly #options: RttOptions
  #srtt: number | undefined
  #rttvar = 0

  constructor(options: RttOptions = DEFAULT_RTT_OPTIONS) {
    this.#options = options
  }

  /** Smoothed RTT in ms, or undefined before the first sample. */
  get srtt(): number | undefined {
    return this.#srtt
  }

  /** Current retransmission timeout in ms. */
  get rto(): number {
    const { initialRto, minRto, maxRto } = this.#options
    if (this.#srtt === undefined) return initialRto
    // G (clock granularity) is 1 ms: the driver's clock is millisecond-precise or better.
    return Math.min(maxRto, Math.max(minRto, this.#srtt + Math.max(1, 4 * this.#rttvar)))
  }

  /** The timeout for the `attempt`-th retransmission (0 = first send): RTO doubled per attempt, capped. */
  backoff(attempt: number): number {
    return Math.min(this.#options.maxRto, this.rto * 2 ** Math.min(attempt, 16))
  }

  /** Adds one round-trip sample in ms. */
  sample(rtt: number): void {
    if (!(rtt >= 0) || !Number.isFinite(rtt)) return
    if (this.#srtt === undefined) {
      this.#srtt = rtt
      this.#rttvar = rtt / 2
      return
    }
    this.#rttvar = 0.75 * this.#rttvar + 0.25 * Math.abs(this.#srtt - rtt)
    this.#srtt = 0.875 * this.#srtt + 0.125 * rtt
  }
}
