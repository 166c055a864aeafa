import { InvalidArgumentError } from '@pavillion/core'
import type { Impairment, SeededRandom } from '@pavillion/core/testing'

/** What an impairment decided for one datagram. */
export interface Fate {
  /** Lost: not forwarded at all. */
  dropped: boolean
  /** A second, pristine copy follows the first. */
  duplicated: boolean
  /** One random bit of the first copy is flipped. */
  corrupted: boolean
  /** How many later datagrams of the same flow overtake it (0 = none; 1 to 3 when reordered). */
  holdback: number
}

/** The Gilbert–Elliott channel state one direction keeps between datagrams. */
export interface BurstState {
  /** True while the channel is in its bad state. */
  bad: boolean
}

/**
 * Decides the fate of one datagram, drawing from `random` in the order
 * `MemoryNetwork` in `@pavillion/core/testing` does (burst state, burst loss,
 * loss, duplicate, corrupt, reorder), so a seed means the same thing to both.
 * `@pavillion/core/testing` exports the `Impairment` type but not its
 * decision rule, hence this small twin.
 */
export function decide(impairment: Impairment, random: SeededRandom, state: BurstState): Fate {
  const fate: Fate = { dropped: false, duplicated: false, corrupted: false, holdback: 0 }
  if (impairment.blackhole === true) {
    fate.dropped = true
    return fate
  }
  const { burst } = impairment
  if (burst !== undefined) {
    state.bad = random.next() < (state.bad ? 1 - burst.pBadToGood : burst.pGoodToBad)
    if (chance(random, state.bad ? (burst.lossInBad ?? 1) : (burst.lossInGood ?? 0))) fate.dropped = true
  }
  if (chance(random, impairment.loss)) fate.dropped = true
  if (chance(random, impairment.duplicate)) fate.duplicated = true
  if (chance(random, impairment.corrupt)) fate.corrupted = true
  if (chance(random, impairment.reorder)) fate.holdback = 1 + Math.floor(random.next() * 3)
  return fate
}

/**
 * Checks every rate of an impairment.
 * @throws InvalidArgumentError naming the first rate that is not a probability in [0, 1]
 */
export function checkImpairment(impairment: Impairment): void {
  for (const name of ['loss', 'duplicate', 'reorder', 'corrupt'] as const) checkRate(name, impairment[name])
  const { burst } = impairment
  if (burst === undefined) return
  for (const name of ['pGoodToBad', 'pBadToGood', 'lossInBad', 'lossInGood'] as const)
    checkRate(`burst.${name}`, burst[name])
}

function chance(random: SeededRandom, rate: number | undefined): boolean {
  return rate !== undefined && rate > 0 && random.next() < rate
}

function checkRate(name: string, rate: number | undefined): void {
  if (rate !== undefined && !(rate >= 0 && rate <= 1))
    throw new InvalidArgumentError(`impairment ${name} must be a probability between 0 and 1 (got ${rate})`)
}
