import { InvalidArgumentError } from '@pavillion/core'
import { describe, expect, it } from 'vitest'
import { ResponseCache } from '../src/response-cache.ts'

const bytes = (n: number) => Uint8Array.of(n)

describe('ResponseCache', () => {
  it('serves a finished response until its ttl', () => {
    const cache = new ResponseCache(4, 100)
    const entry = cache.begin('k', 1n, 0)!
    expect(cache.lookup('k', 1n, 10_000)).toBe(entry) // running: never expires
    cache.complete(entry, bytes(1), 50)
    expect(cache.lookup('k', 1n, 149)?.response).toEqual(bytes(1))
    expect(cache.lookup('k', 1n, 150)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('evicts the oldest finished entry, never a running one', () => {
    const cache = new ResponseCache(3, 100)
    cache.begin('running', 1n, 0)
    const a = cache.begin('a', 1n, 0)!
    const b = cache.begin('a', 2n, 0)!
    cache.complete(b, bytes(2), 0)
    cache.complete(a, bytes(1), 0)
    expect(cache.begin('c', 1n, 0)).toBeDefined()
    expect(cache.lookup('a', 1n, 1)).toBeUndefined() // a started first
    expect(cache.lookup('a', 2n, 1)).toBeDefined()
    expect(cache.lookup('running', 1n, 1)).toBeDefined()
    expect(cache.size).toBe(3)
  })

  it('tells calls apart by caller and counter', () => {
    const cache = new ResponseCache(4, 100)
    const first = cache.begin('a', 7n, 0)!
    const second = cache.begin('b', 7n, 0)!
    expect(cache.lookup('a', 7n, 0)).toBe(first)
    expect(cache.lookup('b', 7n, 0)).toBe(second)
    expect(cache.lookup('a', 8n, 0)).toBeUndefined()
  })

  it('keeps the recent calls while expired ones are dropped on access', () => {
    const cache = new ResponseCache(8, 3)
    for (let i = 0n; i < 10_000n; i++) {
      const entry = cache.begin('a', i, Number(i))!
      cache.complete(entry, bytes(1), Number(i))
      cache.lookup('a', i - 5n, Number(i)) // a retransmission after the ttl: dropped
    }
    expect(cache.size).toBe(5)
    for (let i = 9_995n; i < 10_000n; i++) expect(cache.lookup('a', i, Number(i))).toBeDefined()
  })

  it("keeps each caller's latest call beyond the bound, up to twice it", () => {
    const cache = new ResponseCache(2, 100)
    for (const caller of ['a', 'b', 'c', 'd']) cache.complete(cache.begin(caller, 1n, 0)!, bytes(1), 0)
    expect(cache.size).toBe(4) // four callers, each with its one call: none evicted yet
    for (const caller of ['a', 'b', 'c', 'd']) expect(cache.lookup(caller, 1n, 1)).toBeDefined()
    cache.complete(cache.begin('e', 1n, 0)!, bytes(1), 0)
    expect(cache.size).toBe(4) // the hard bound: the oldest latest call goes
    expect(cache.lookup('a', 1n, 1)).toBeUndefined()
    cache.complete(cache.begin('b', 2n, 0)!, bytes(2), 0)
    expect(cache.lookup('b', 1n, 1)).toBeUndefined() // no longer b's latest: the first to go
    expect(cache.lookup('c', 1n, 1)).toBeDefined()
  })

  it('lets an expired latest call go first', () => {
    const cache = new ResponseCache(1, 10)
    cache.complete(cache.begin('a', 1n, 0)!, bytes(1), 0)
    cache.complete(cache.begin('b', 1n, 20)!, bytes(1), 20)
    expect(cache.size).toBe(1)
    expect(cache.lookup('b', 1n, 21)).toBeDefined()
  })

  it('refuses a new call when every entry is running', () => {
    const cache = new ResponseCache(2, 100)
    cache.begin('a', 1n, 0)
    cache.begin('b', 1n, 0)
    expect(cache.begin('c', 1n, 0)).toBeUndefined()
    expect(cache.begin('a', 1n, 0)).toBeDefined() // replacing its own call frees its slot
  })

  it.each([
    [0, 100],
    [1.5, 100],
    [1, -1],
    [1, Number.NaN],
    [1, Number.POSITIVE_INFINITY],
  ])('refuses bounds %s entries / %s ms', (entries, ttl) => {
    expect(() => new ResponseCache(entries, ttl)).toThrow(InvalidArgumentError)
  })
})
