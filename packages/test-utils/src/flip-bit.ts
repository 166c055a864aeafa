import type { SeededRandom } from '@pavillion/core/testing'

/** A copy of `bytes` with exactly one random bit flipped (an empty datagram is returned as is). */
export function flipRandomBit(bytes: Uint8Array, random: SeededRandom): Uint8Array {
  const copy = Uint8Array.from(bytes) // never `slice()`: on a Buffer it is a view, not a copy
  if (copy.length === 0) return copy
  const bit = Math.floor(random.next() * copy.length * 8)
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}
