import { InvalidArgumentError } from '../errors.ts'
import { addressKey, type PeerAddress } from '../transport.ts'
import type { SeededRandom } from './seeded-random.ts'

/** The links an impairment applies to. An omitted end matches every address. */
export interface LinkSelector {
  /** Sender's address. */
  readonly from?: PeerAddress
  /** Receiver's address, or the group address a datagram was sent to. */
  readonly to?: PeerAddress
}

/**
 * Gilbert–Elliott burst loss: a two-state channel that moves between a good
 * and a bad state before every datagram and loses datagrams at the rate of
 * its current state.
 */
export interface BurstLoss {
  /** Probability of moving from the good to the bad state. */
  readonly pGoodToBad: number
  /** Probability of moving from the bad back to the good state. */
  readonly pBadToGood: number
  /** Loss rate in the bad state. Default 1. */
  readonly lossInBad?: number
  /** Loss rate in the good state. Default 0. */
  readonly lossInGood?: number
}

/** What a link does to datagrams. Every rate is a probability in [0, 1]; omitted means 0. */
export interface Impairment {
  /** Independent (Bernoulli) loss rate. */
  readonly loss?: number
  /** Rate at which a second, identical copy is delivered right after the first. */
  readonly duplicate?: number
  /** Rate at which a datagram is overtaken by up to 3 datagrams queued after it. */
  readonly reorder?: number
  /** Rate at which one random bit of a (non-empty) datagram is flipped. */
  readonly corrupt?: number
  /** Burst loss on top of `loss`. */
  readonly burst?: BurstLoss
  /** Drops everything. */
  readonly blackhole?: boolean
}

/** What the network decided for one datagram on one link. */
export interface Fate {
  dropped: boolean
  duplicated: boolean
  corrupted: boolean
  /** How many later datagrams overtake this one. */
  holdback: number
}

/** One `impair()` call: a selector, an impairment and its burst-loss state. */
export class ImpairmentRule {
  readonly #from: string | undefined
  readonly #to: string | undefined
  readonly #impairment: Impairment
  #bad = false

  constructor(link: LinkSelector, impairment: Impairment) {
    for (const name of ['loss', 'duplicate', 'reorder', 'corrupt'] as const) checkRate(name, impairment[name])
    if (impairment.burst !== undefined) {
      for (const name of ['pGoodToBad', 'pBadToGood', 'lossInBad', 'lossInGood'] as const) {
        checkRate(`burst.${name}`, impairment.burst[name])
      }
    }
    this.#from = link.from === undefined ? undefined : addressKey(link.from)
    this.#to = link.to === undefined ? undefined : addressKey(link.to)
    this.#impairment = impairment
  }

  /** True when the rule applies to a datagram from `from`, sent to `destination`, arriving at `receiver` (all address keys). */
  matches(from: string, destination: string, receiver: string): boolean {
    return (
      (this.#from === undefined || this.#from === from) &&
      (this.#to === undefined || this.#to === receiver || this.#to === destination)
    )
  }

  /** Adds this rule's effects to `fate`, drawing from `random` in a fixed order. */
  apply(fate: Fate, random: SeededRandom): void {
    const { blackhole, burst, loss, duplicate, corrupt, reorder } = this.#impairment
    if (blackhole === true) {
      fate.dropped = true
      return
    }
    if (burst !== undefined) {
      this.#bad = random.next() < (this.#bad ? 1 - burst.pBadToGood : burst.pGoodToBad)
      if (chance(random, this.#bad ? (burst.lossInBad ?? 1) : (burst.lossInGood ?? 0))) fate.dropped = true
    }
    if (chance(random, loss)) fate.dropped = true
    if (chance(random, duplicate)) fate.duplicated = true
    if (chance(random, corrupt)) fate.corrupted = true
    if (chance(random, reorder)) fate.holdback = 1 + Math.floor(random.next() * 3)
  }
}

function chance(random: SeededRandom, rate: number | undefined): boolean {
  return rate !== undefined && rate > 0 && random.next() < rate
}

function checkRate(name: string, rate: number | undefined): void {
  if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
    throw new InvalidArgumentError(`impairment ${name} must be a probability between 0 and 1 (got ${rate})`)
  }
}
