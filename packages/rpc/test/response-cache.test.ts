import { describe, expect, it } from 'vitest'
import { ResponseCache } from '../src/response-cache.ts'

const bytes = (n: number) => Uint8Array.of(n)

describe('ResponseCache', () => {
  it('keeps the arguments and serves a finished response until its ttl', () => {
    const cache = new ResponseCache(4, 100)
    const args = Uint8Array.of(1, 2)
    const entry = cache.begin('k', 7, args)!
    expect(entry.args).toEqual(Uint8Array.of(1, 2))
    expect(cache.lookup('k', 10_000)).toBe(entry) // running: never expires
    cache.complete(entry, bytes(1), 50)
    expect(cache.lookup('k', 149)?.response).toEqual(bytes(1))
    expect(cache.lookup('k', 150)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('evicts the least recently used finished entry, never a running one', () => {
    const cache = new ResponseCache(3, 100)
    const a = cache.begin('a', 1, bytes(0))!
    const b = cache.begin('b', 1, bytes(0))!
    cache.begin('running', 1, bytes(0))
    cache.complete(a, bytes(1), 0)
    cache.complete(b, bytes(2), 0)
    cache.lookup('a', 1) // a is now more recent than b
    expect(cache.begin('c', 1, bytes(0))).toBeDefined()
    expect(cache.lookup('b', 1)).toBeUndefined()
    expect(cache.lookup('a', 1)).toBeDefined()
    // At t=200: a is now the least recently used finished entry, so it goes.
    const c = cache.lookup('c', 1)!
    cache.complete(c, bytes(3), 150)
    expect(cache.begin('d', 1, bytes(0))).toBeDefined()
    expect(cache.lookup('c', 200)).toBeDefined()
    expect(cache.lookup('running', 200)).toBeDefined()
  })

  it('refuses a new call when every entry is running', () => {
    const cache = new ResponseCache(2, 100)
    cache.begin('a', 1, bytes(0))
    cache.begin('b', 1, bytes(0))
    expect(cache.begin('c', 1, bytes(0))).toBeUndefined()
    expect(cache.begin('a', 2, bytes(1))).toBeDefined() // replacing its own key frees its slot
  })

  it.each([
    [0, 100],
    [1.5, 100],
    [1, -1],
    [1, Number.NaN],
    [1, Number.POSITIVE_INFINITY],
  ])('refuses bounds %s entries / %s ms', (entries, ttl) => {
    expect(() => new ResponseCache(entries, ttl)).toThrow(RangeError)
  })
})
