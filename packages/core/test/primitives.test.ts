import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReplayWindow } from '../src/replay-window.ts'
import { RttEstimator } from '../src/rtt-estimator.ts'
import { TimerTable } from '../src/timer-table.ts'

describe('ReplayWindow', () => {
  // Each row: [counter, verdict before commit]; every fresh counter is committed.
  const rows: [bigint, 'fresh' | 'duplicate' | 'stale'][] = [
    [0n, 'stale'],
    [1n, 'fresh'],
    [1n, 'duplicate'],
    [2n, 'fresh'],
    [10n, 'fresh'],
    [5n, 'fresh'],
    [5n, 'duplicate'],
    [2000n, 'fresh'],
    [10n, 'duplicate'],
    [4000n, 'fresh'],
    [1953n, 'fresh'], // 2047 behind the newest: still inside the 2048-counter window
    [1952n, 'stale'],
    [2000n, 'duplicate'],
    [3999n, 'fresh'],
    [3999n, 'duplicate'],
    [2n ** 64n - 1n, 'fresh'],
    [4000n, 'stale'],
  ]
  it.each(rows.map((row, i) => [i, ...row] as const))('row %i: counter %s is %s', (i) => {
    const window = new ReplayWindow()
    for (const [counter, verdict] of rows.slice(0, i + 1)) {
      expect(window.check(counter)).toBe(verdict)
      if (verdict === 'fresh') window.commit(counter)
    }
  })

  it('refuses everything at or below the handshake floor', () => {
    const window = new ReplayWindow(1000n)
    expect(window.check(999n)).toBe('stale')
    expect(window.check(1000n)).toBe('stale')
    expect(window.check(1001n)).toBe('fresh')
  })

  // Bases where the low 32 bits the ring is indexed by wrap, and where server counters start (2^63).
  it.each([0n, 2n ** 32n - 1500n, 2n ** 63n, 2n ** 64n - 4000n])(
    'accepts exactly the counters never seen within the window, in any order, from base %s (property)',
    (base) => {
      fc.assert(
        fc.property(fc.array(fc.bigInt({ min: 1n, max: 3000n }), { maxLength: 300 }), (offsets) => {
          const window = new ReplayWindow(base, 1024)
          const accepted = new Set<bigint>()
          let newest = base
          for (const counter of offsets.map((offset) => base + offset)) {
            const expected = accepted.has(counter)
              ? 'duplicate'
              : counter > newest - 1024n
                ? 'fresh'
                : 'stale'
            const verdict = window.check(counter)
            // Outside the window a seen counter may be called stale rather than duplicate: both refuse it.
            expect(verdict === expected || (verdict === 'stale' && counter <= newest - 1024n)).toBe(true)
            if (verdict === 'fresh') {
              window.commit(counter)
              accepted.add(counter)
              if (counter > newest) newest = counter
            }
            expect(window.newest).toBe(newest)
          }
        }),
      )
    },
  )

  it('rejects a size that is not a multiple of 32', () => {
    expect(() => new ReplayWindow(0n, 100)).toThrow(RangeError)
  })
})

describe('TimerTable', () => {
  it('fires keys in deadline order, once, and honours re-arming and clearing', () => {
    const table = new TimerTable<string>()
    table.set('a', 30)
    table.set('b', 10)
    table.set('c', 20)
    table.set('a', 5)
    table.clear('c')
    expect(table.next()).toBe(5)
    expect([table.popDue(100), table.popDue(100), table.popDue(100)]).toEqual(['a', 'b', undefined])
    expect(table.size).toBe(0)
  })

  it('popDue leaves deadlines in the future alone', () => {
    const table = new TimerTable<number>()
    table.set(1, 50)
    expect(table.popDue(49)).toBeUndefined()
    expect(table.popDue(50)).toBe(1)
  })

  it('matches a naive model under random operations (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'clear', 'pop'),
            fc.integer({ min: 0, max: 20 }),
            fc.integer({ min: 0, max: 1000 }),
          ),
        ),
        (ops) => {
          const table = new TimerTable<number>()
          const model = new Map<number, number>()
          for (const [op, key, at] of ops) {
            if (op === 'set') {
              table.set(key, at)
              model.set(key, at)
            } else if (op === 'clear') {
              table.clear(key)
              model.delete(key)
            } else {
              const popped = table.popDue(at)
              const due = [...model.entries()].filter(([, t]) => t <= at)
              if (popped === undefined) expect(due).toEqual([])
              else {
                expect(model.get(popped)).toBe(Math.min(...due.map(([, t]) => t)))
                model.delete(popped)
              }
            }
            const min = model.size ? Math.min(...model.values()) : undefined
            expect(table.next()).toBe(min)
          }
        },
      ),
    )
  })
})

describe('RttEstimator', () => {
  it('starts at the initial RTO and converges on the measured RTT', () => {
    const rtt = new RttEstimator({ initialRto: 200, minRto: 15, maxRto: 2000 })
    expect(rtt.rto).toBe(200)
    for (let i = 0; i < 50; i++) rtt.sample(40)
    expect(rtt.srtt).toBeCloseTo(40, 3)
    expect(rtt.rto).toBeGreaterThanOrEqual(40)
    expect(rtt.rto).toBeLessThan(45)
  })

  it('clamps to the bounds and doubles per attempt up to the cap', () => {
    const rtt = new RttEstimator({ initialRto: 200, minRto: 15, maxRto: 2000 })
    rtt.sample(0.1)
    expect(rtt.rto).toBe(15)
    expect([0, 1, 2, 3, 10].map((a) => rtt.backoff(a))).toEqual([15, 30, 60, 120, 2000])
  })

  it('ignores nonsense samples', () => {
    const rtt = new RttEstimator()
    rtt.sample(Number.NaN)
    rtt.sample(-5)
    expect(rtt.srtt).toBeUndefined()
  })
})
