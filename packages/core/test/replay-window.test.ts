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

  it.each([0n, 2n ** 63n])(
    'agrees with a set of accepted counters under mostly in-order steps: the run, then the bitmap (from %s)',
    (base) => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              { weight: 8, arbitrary: fc.constant(1) },
              { weight: 1, arbitrary: fc.integer({ min: 2, max: 3000 }) },
              { weight: 1, arbitrary: fc.integer({ min: -2100, max: 0 }) },
            ),
            { maxLength: 300 },
          ),
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

  it.each([
    // [1] counters committed in order, [2] the out-of-order one, [3] counters then checked, verdicts
    [[1n, 2n, 3n], 5n, [3n, 4n, 5n, 6n], ['duplicate', 'fresh', 'duplicate', 'fresh']],
    [[3n, 4n], 1n, [1n, 2n, 3n, 4n], ['duplicate', 'fresh', 'duplicate', 'duplicate']],
    [
      [10n, 11n, 5000n, 5001n],
      4000n,
      [11n, 2953n, 2954n, 4000n, 4999n, 5001n],
      ['stale', 'stale', 'fresh', 'duplicate', 'fresh', 'duplicate'],
    ],
    [
      [1n, 2n, 3n, 2051n],
      2049n,
      [3n, 4n, 2049n, 2050n, 2051n],
      ['stale', 'fresh', 'duplicate', 'fresh', 'duplicate'],
    ],
  ])('%#: a run keeps its counters when the bitmap takes over', (run, late, probes, verdicts) => {
    const window = new ReplayWindow(0n, 2048)
    for (const c of run) window.commit(c)
    window.commit(late)
    expect(probes.map((c) => window.check(c))).toEqual(verdicts)
  })

  it('starts a new run at its floor after reset', () => {
    const window = new ReplayWindow(0n, 64)
    for (const c of [1n, 3n, 2n]) window.commit(c) // out of order: a bitmap
    window.reset(100n)
    expect([window.check(3n), window.check(100n), window.check(101n)]).toEqual(['stale', 'stale', 'fresh'])
    window.commit(102n)
    expect([window.check(101n), window.check(102n), window.newest]).toEqual(['fresh', 'duplicate', 102n])
  })

  it('accepts only power-of-two sizes from 32', () => {
    for (const size of [32, 64, 2048]) expect(() => new ReplayWindow(0n, size)).not.toThrow()
    for (const size of [0, 16, 96, 100, 2049, 1.5])
      expect(() => new ReplayWindow(0n, size)).toThrow(InvalidArgumentError)
  })
})
