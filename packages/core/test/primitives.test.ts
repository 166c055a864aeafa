import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../src/errors.ts'
import { ReplayWindow } from '../src/replay-window.ts'
import { RttEstimator } from '../src/rtt-estimator.ts'
import { SequenceMap } from '../src/sequence-map.ts'
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

  it.each([0n, 2n ** 32n - 100n, 2n ** 63n])(
    'after a jump forward every counter within the window is judged by what was accepted (from %s)',
    (base) => {
      for (const jump of [1, 31, 32, 33, 100, 1023, 1024, 2047, 2048, 2049, 4096, 10_000]) {
        const window = new ReplayWindow(base, 1024)
        const accepted = new Set<bigint>()
        for (let i = 1n; i <= 64n; i++) {
          window.commit(base + i)
          accepted.add(base + i)
        }
        const newest = base + 64n + BigInt(jump)
        expect(window.check(newest)).toBe('fresh')
        window.commit(newest)
        accepted.add(newest)
        for (let c = newest - 1023n; c <= newest; c++) {
          if (c <= base) continue
          expect([jump, c - base, window.check(c)]).toEqual([
            jump,
            c - base,
            accepted.has(c) ? 'duplicate' : 'fresh',
          ])
        }
      }
    },
  )

  it('rejects a size that is not a multiple of 32', () => {
    expect(() => new ReplayWindow(0n, 100)).toThrow(InvalidArgumentError)
  })
})

describe('TimerTable', () => {
  /** Fires what is due at `now`, returning `slot:owner` in firing order. */
  const fired = (table: TimerTable, now: number): string[] => {
    const out: string[] = []
    table.fireDue(now, (slot, owner) => out.push(`${slot}:${owner}`))
    return out
  }

  it('fires timers in deadline order, once, and honours re-arming and clearing', () => {
    const table = new TimerTable()
    table.set('disconnect', 'a', 30)
    table.set('disconnect', 'b', 10)
    table.set('disconnect', 'c', 20)
    table.set('disconnect', 'a', 5)
    table.clear('disconnect', 'c')
    expect(table.next()).toBe(5)
    expect(fired(table, 100)).toEqual(['disconnect:a', 'disconnect:b'])
    expect(fired(table, 100)).toEqual([])
    expect(table.size).toBe(0)
  })

  it('keeps each slot of one owner apart, and leaves deadlines in the future alone', () => {
    const table = new TimerTable()
    table.set('retransmit', 1, 50)
    table.set('queued', 1, 40)
    expect(table.get('retransmit', 1)).toBe(50)
    expect(fired(table, 39)).toEqual([])
    expect(fired(table, 49)).toEqual(['queued:1'])
    expect(fired(table, 50)).toEqual(['retransmit:1'])
  })

  it('matches a naive model under random operations (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('set', 'clear', 'fire'),
            fc.integer({ min: 0, max: 20 }),
            fc.integer({ min: 0, max: 1000 }),
          ),
        ),
        (ops) => {
          const table = new TimerTable()
          const model = new Map<number, number>()
          for (const [op, key, at] of ops) {
            if (op === 'set') {
              table.set('retransmit', key, at)
              model.set(key, at)
            } else if (op === 'clear') {
              table.clear('retransmit', key)
              model.delete(key)
            } else {
              const times: number[] = []
              table.fireDue(at, (_, owner) => {
                times.push(model.get(owner as number)!)
                model.delete(owner as number)
              })
              expect([...times].sort((x, y) => x - y)).toEqual(times)
              expect([...model.values()].every((t) => t > at)).toBe(true)
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

describe('SequenceMap', () => {
  // Operations on keys near a moving head (most entries brief, some outliving many laps of the ring).
  const operation = fc.oneof(
    fc.record({ op: fc.constant('add' as const), linger: fc.boolean() }),
    fc.record({ op: fc.constant('drop' as const), back: fc.nat(9000) }),
    fc.record({ op: fc.constant('update' as const), back: fc.nat(9000) }),
    // Many keys issued elsewhere meanwhile: lingering entries meet new keys a lap later.
    fc.record({ op: fc.constant('skip' as const), by: fc.integer({ min: 1, max: 10_000 }) }),
  )

  it.each([
    ['numbers', (n: number) => n],
    ['numbers past 2^32', (n: number) => 2 ** 32 - 50 + n],
    ['bigint counters from 2^63', (n: number) => 2n ** 63n + BigInt(n)],
  ] as const)('behaves as a Map for %s (property)', (_, keyOf) => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 3000 }), (operations) => {
        const map = new SequenceMap<number | bigint, number>()
        const model = new Map<number | bigint, number>()
        let head = 0
        for (const [i, step] of operations.entries()) {
          if (step.op === 'add') {
            const key = keyOf(head++)
            map.set(key, i)
            model.set(key, i)
            // Most entries leave soon after they arrive; lingering ones stay.
            const old = keyOf(head - 40)
            if (!step.linger && head > 40 && model.has(old)) {
              expect(map.delete(old)).toBe(true)
              model.delete(old)
            }
          } else if (step.op === 'skip') {
            head += step.by
          } else {
            // An existing key when there is one (often a lingering one), else one never set.
            const present = [...model.keys()]
            const key = present.length > 0 ? present[step.back % present.length]! : keyOf(head + step.back)
            if (step.op === 'drop') expect(map.delete(key)).toBe(model.delete(key))
            else if (model.has(key)) {
              map.set(key, -i)
              model.set(key, -i)
            }
          }
        }
        expect(map.size).toBe(model.size)
        for (const [key, value] of model) expect(map.get(key)).toBe(value)
        expect([...map.values()].sort()).toEqual([...model.values()].sort())
        expect(map.get(keyOf(head + 5))).toBeUndefined()
      }),
      { numRuns: 60 },
    )
  })

  it('updates and removes an entry that was moved aside by a newer key in its slot', () => {
    const map = new SequenceMap<number, string>()
    map.set(0, 'old')
    map.set(64, 'new') // same slot of the first ring: 0 moves aside
    map.set(0, 'updated')
    expect(map.size).toBe(2)
    expect([map.get(0), map.get(64)]).toEqual(['updated', 'new'])
    expect(map.delete(0)).toBe(true)
    expect(map.delete(0)).toBe(false)
    expect([map.get(0), map.get(64), map.size]).toEqual([undefined, 'new', 1])
  })

  it('keeps thousands of long-lived entries among brief ones, and forgets all on clear', () => {
    const map = new SequenceMap<number, string>()
    for (let i = 0; i < 100_000; i++) {
      map.set(i, `v${i}`)
      if (i % 50 !== 0) map.delete(i) // every 50th stays
    }
    expect(map.size).toBe(2000)
    expect(map.get(49_950)).toBe('v49950')
    expect(map.has(49_951)).toBe(false)
    map.clear()
    expect(map.size).toBe(0)
    expect(map.get(0)).toBeUndefined()
  })
})
