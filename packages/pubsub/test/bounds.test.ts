import type { ServerInfo } from '@pavillion/core'
import { describe, expect, it } from 'vitest'
import { InFlightLimiter } from '../src/in-flight.ts'
import { SubscriberTable } from '../src/subscribers.ts'
import { TagClock } from '../src/tag-clock.ts'

const server = (n: number): ServerInfo => ({
  key: `10.0.0.${n}:1783`,
  address: { address: `10.0.0.${n}`, port: 1783 },
  suite: 1,
  publicKey: undefined,
})

describe('SubscriberTable', () => {
  it('forgets the least recently refreshed target past its cap', () => {
    const table = new SubscriberTable(240_000, 2)
    table.touch('a', server(1), 0)
    table.touch('b', server(1), 1)
    table.touch('a', server(2), 2) // 'a' is now the most recent
    table.touch('c', server(1), 3)
    expect(table.size).toBe(2)
    expect(table.list('b', 3)).toEqual([])
    expect(table.list('a', 3).map((s) => s.key)).toEqual([server(1).key, server(2).key])
  })

  it('expires records after exactly the expiry; touch reports a record as new again once expired', () => {
    const table = new SubscriberTable(1000, 8)
    expect(table.touch('a', server(1), 0)).toBe(true)
    expect(table.touch('a', server(1), 500)).toBe(false)
    expect(table.list('a', 1500).map((s) => s.key)).toEqual([server(1).key])
    expect(table.list('a', 1501)).toEqual([])
    expect(table.size).toBe(0)
    expect(table.touch('a', server(1), 2000)).toBe(true)
    expect(table.touch('a', server(1), 3001)).toBe(true)
  })

  it('remove and dropServer report only live subscribers', () => {
    const table = new SubscriberTable(1000, 8)
    table.touch('a', server(1), 0)
    table.touch('b', server(1), 900)
    table.touch('b', server(2), 900)
    expect(table.dropServer(server(1).key, 1500)).toEqual(['b'])
    expect(table.remove('b', server(2).key, 1500)?.key).toBe(server(2).key)
    expect(table.remove('b', server(2).key, 1500)).toBeUndefined()
    expect(table.size).toBe(0)
  })
})

describe('InFlightLimiter', () => {
  it('takes a slot of every key or none', () => {
    const limiter = new InFlightLimiter(1)
    expect(limiter.tryAcquire(['a'])).toBeUndefined()
    expect(limiter.tryAcquire(['b', 'a'])).toBe('a')
    expect(limiter.count('b')).toBe(0)
    limiter.release(['a'])
    expect(limiter.tryAcquire(['b', 'a'])).toBeUndefined()
    limiter.release(['a', 'b'])
    expect([limiter.count('a'), limiter.count('b')]).toEqual([0, 0])
  })

  it('forgets idle peers past a few hundred, never a busy one', () => {
    const limiter = new InFlightLimiter(2)
    limiter.tryAcquire(['busy'])
    for (let i = 0; i < 10_000; i++) {
      limiter.tryAcquire([`p${i}`])
      limiter.release([`p${i}`])
    }
    expect(limiter.peers).toBeLessThanOrEqual(258)
    expect(limiter.count('busy')).toBe(1)
    expect(limiter.tryAcquire(['busy'])).toBeUndefined()
    expect(limiter.tryAcquire(['busy'])).toBe('busy')
  })
})

describe('TagClock', () => {
  it('refuses older timestamps, accepts equal and newer ones, and forgets the oldest tag past its cap', () => {
    const clock = new TagClock(2)
    expect(clock.accept('t', 10n)).toBe(true)
    expect(clock.accept('t', 9n)).toBe(false)
    expect(clock.accept('t', 10n)).toBe(true)
    clock.record('u', 1n)
    clock.record('v', 1n)
    expect(clock.last('t')).toBeUndefined()
    expect(clock.accept('t', 0n)).toBe(true)
  })
})
