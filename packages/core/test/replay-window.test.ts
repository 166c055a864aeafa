// The replay window's bitmap: exactly `size` bits, every counter of the window remembered
// across the ring's wrap, whatever the size of each step forward.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../src/errors.ts'
import { ReplayWindow } from '../src/replay-window.ts'

describe('ReplayWindow as a bitmap of exactly its size', () => {
  it('remembers all `size` counters up to the newest, the oldest sharing no bit with the newest', () => {
    const window = new ReplayWindow(0n, 64)
    for (let c = 1n; c <= 64n; c++) window.commit(c)
    for (let c = 1n; c <= 64n; c++) expect(window.check(c)).toBe('duplicate')
    window.commit(66n) // skips 65, pushes 1 and 2 out
    expect([window.check(1n), window.check(2n), window.check(3n)]).toEqual(['stale', 'stale', 'duplicate'])
    expect([window.check(65n), window.check(66n)]).toEqual(['fresh', 'duplicate'])
  })

  it.each([0n, 2n ** 32n - 3000n, 2n ** 63n, 2n ** 64n - 5000n])(
    'agrees with a set of accepted counters under random steps, 2048 bits (from %s)',
    (base) => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(fc.integer({ min: -2100, max: 40 }), fc.integer({ min: 41, max: 2100 })), {
            maxLength: 200,
          }),
          (steps) => {
            const window = new ReplayWindow(base)
            const accepted = new Set<bigint>()
            let newest = base
            for (const step of steps) {
              const counter = newest + BigInt(step)
              const inside = counter > base && counter > newest - 2048n
              const expected = !inside ? 'stale' : accepted.has(counter) ? 'duplicate' : 'fresh'
              expect(window.check(counter)).toBe(expected)
              if (expected !== 'fresh') continue
              window.commit(counter)
              accepted.add(counter)
              if (counter > newest) newest = counter
            }
          },
        ),
      )
    },
  )

  it('accepts only power-of-two sizes from 32', () => {
    for (const size of [32, 64, 2048]) expect(() => new ReplayWindow(0n, size)).not.toThrow()
    for (const size of [0, 16, 96, 100, 2049, 1.5])
      expect(() => new ReplayWindow(0n, size)).toThrow(InvalidArgumentError)
  })
})
