import { InvalidArgumentError } from '@pavillion/wire'
import { assertBigInt, assertByteCount, assertBytes, typeName } from './check.ts'
import { HASH_LENGTH } from './constants.ts'
import { utf8 } from './encoding.ts'
import { CryptoError } from './errors.ts'
import { loadedSodium } from './sodium.ts'

/** Bytes per block of the seeded stream: one BLAKE2b-512 digest. */
const SEEDED_BLOCK_LENGTH = 64

/** A source of random bytes: returns a new array of exactly `length` bytes. */
export type RandomSource = (length: number) => Uint8Array

/** A {@link RandomSource} that replays recorded draws; see {@link scriptedRandom}. */
export interface ScriptedRandomSource {
  /** Hands out the next recorded draw. */
  (length: number): Uint8Array
  /** How many recorded draws have not been handed out yet. */
  remaining(): number
}

/**
 * A deterministic random stream for tests and simulations (never for real keys).
 *
 * The stream is `B0 ‖ B1 ‖ …` with `Bi = BLAKE2b-512(key = BLAKE2b-256(seed), message = u64le(i))`
 * (a string seed is UTF-8 encoded); draws consume consecutive bytes, so two draws of 4 bytes
 * equal one draw of 8. The source may be created before libsodium is loaded (for
 * `loadCrypto({ random: seededRandom('x') })`), but it can only draw afterwards: a draw
 * before `loadCrypto()` has resolved throws a CryptoError (`ERR_NOT_LOADED`), and a length that is not a non-negative
 * integer throws an InvalidArgumentError.
 *
 * @throws InvalidArgumentError when `seed` is neither a string nor a Uint8Array
 */
export function seededRandom(seed: Uint8Array | string): RandomSource {
  if (typeof seed !== 'string' && !(seed instanceof Uint8Array))
    throw new InvalidArgumentError(`"seed" expected string or Uint8Array, got type=${typeName(seed)}`)
  const seedBytes = typeof seed === 'string' ? utf8(seed) : seed.slice()
  let key: Uint8Array | undefined
  const blockIndex = new Uint8Array(8)
  const blockIndexView = new DataView(blockIndex.buffer)
  let block = 0n
  let pool: Uint8Array = new Uint8Array(0)
  let used = 0
  return (length) => {
    assertByteCount('length', length)
    const sodium = loadedSodium()
    key ??= sodium.crypto_generichash(HASH_LENGTH, seedBytes, null)
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      if (used === pool.length) {
        blockIndexView.setBigUint64(0, block++, true)
        pool = sodium.crypto_generichash(SEEDED_BLOCK_LENGTH, blockIndex, key)
        used = 0
      }
      const take = Math.min(length - filled, pool.length - used)
      out.set(pool.subarray(used, used + take), filled)
      used += take
      filled += take
    }
    return out
  }
}

/**
 * A replay source for recorded transcripts: the n-th request returns (a copy of) `draws[n]`.
 * A request whose length differs from the recorded draw throws (and consumes nothing), as does
 * a request after the last draw.
 *
 * @throws InvalidArgumentError when `draws` is not an array of Uint8Array
 */
export function scriptedRandom(draws: Uint8Array[]): ScriptedRandomSource {
  if (!Array.isArray(draws))
    throw new InvalidArgumentError(`"draws" expected an array, got type=${typeName(draws)}`)
  const script = draws.map((draw, i) => {
    assertBytes(`draws[${i}]`, draw)
    return draw.slice()
  })
  let next = 0
  const source = (length: number): Uint8Array => {
    assertByteCount('length', length)
    const draw = script[next]
    if (draw === undefined)
      throw new CryptoError(
        'ERR_RANDOM_SOURCE',
        `scriptedRandom: all ${script.length} recorded draws were used; ${length} more bytes were requested`,
      )
    if (draw.length !== length)
      throw new CryptoError(
        'ERR_RANDOM_SOURCE',
        `scriptedRandom: draw #${next} was recorded with ${draw.length} bytes, but ${length} were requested`,
      )
    next++
    return draw
  }
  return Object.assign(source, { remaining: () => script.length - next })
}

/**
 * A uniformly distributed integer in `[min, max]` (both inclusive), by rejection sampling:
 * draws the fewest bytes that can hold `max - min`, masks the excess high bits and retries
 * while the value is out of range (fewer than 2 draws on average). `min === max` draws nothing.
 *
 * @throws InvalidArgumentError when `min` or `max` is not a bigint
 * @throws InvalidArgumentError when `min > max`
 */
export function uniformBigInt(random: RandomSource, min: bigint, max: bigint): bigint {
  assertBigInt('min', min)
  assertBigInt('max', max)
  if (min > max) throw new InvalidArgumentError(`"min" must not exceed "max", got min=${min} max=${max}`)
  const span = max - min
  if (span === 0n) return min
  const bits = span.toString(2).length
  const length = Math.ceil(bits / 8)
  const topMask = 0xff >> (8 * length - bits)
  for (;;) {
    const bytes = random(length)
    let value = BigInt(bytes[length - 1]! & topMask)
    for (let i = length - 2; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
    if (value <= span) return min + value
  }
}

/**
 * Wraps a random source so that every draw is checked: the requested length must be a
 * non-negative integer (else InvalidArgumentError) and the source must return a Uint8Array of
 * exactly that length (else a CryptoError `ERR_RANDOM_SOURCE`), so a broken source can never yield a short key.
 *
 * @throws InvalidArgumentError when `source` is not a function
 */
export function checkedRandom(source: RandomSource): RandomSource {
  if (typeof source !== 'function')
    throw new InvalidArgumentError(`"random" expected function, got type=${typeName(source)}`)
  return (length) => {
    assertByteCount('length', length)
    const bytes: unknown = source(length)
    if (!(bytes instanceof Uint8Array) || bytes.length !== length)
      throw new CryptoError(
        'ERR_RANDOM_SOURCE',
        `random source returned ${bytes instanceof Uint8Array ? `${bytes.length} bytes` : typeName(bytes)} when ${length} bytes were requested`,
      )
    return bytes
  }
}
