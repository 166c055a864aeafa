/**
 * A small deterministic pseudo-random generator (xorshift32) for simulated
 * network impairments. Not for cryptography: it exists so that a test given
 * the same seed sees the same losses, duplicates and bit flips every run.
 */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number
}

/** Creates a generator from any 32-bit seed (0 is allowed and mapped to a fixed non-zero state). */
export function createSeededRandom(seed: number): SeededRandom {
  // xorshift32 needs a non-zero state; scramble the seed so nearby seeds diverge quickly.
  let state = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 0x6d2b79f5
  return {
    next() {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      state >>>= 0
      return state / 0x1_0000_0000
    },
  }
}
