import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emitter } from '../src/api/emitter.ts'

type Events = { tick: number }

afterEach(() => {
  vi.restoreAllMocks()
})

describe('Emitter', () => {
  it('removes a listener on abort, adds nothing for an aborted signal, and counts a function added twice twice', () => {
    const errors: unknown[] = []
    const events = new Emitter<Events>((error) => errors.push(error))
    const seen: number[] = []
    const record = (n: number) => seen.push(n)
    const controller = new AbortController()
    events.on('tick', record, { signal: controller.signal })
    const removeSecond = events.on('tick', record)
    events.on('tick', record, { signal: AbortSignal.abort() })
    events.emit('tick', 1)
    controller.abort()
    events.emit('tick', 2)
    removeSecond()
    events.emit('tick', 3)
    expect(seen).toEqual([1, 1, 2])
    expect(events.has('tick')).toBe(false)
    expect(errors).toEqual([])
  })

  it('keeps calling the others when a listener throws, and a listener added during an event waits for the next', () => {
    const errors: unknown[] = []
    const events = new Emitter<Events>((error) => errors.push(error))
    const seen: string[] = []
    events.on('tick', () => {
      throw new Error('boom')
    })
    events.on('tick', (n) => {
      seen.push(`a${n}`)
      if (n === 1) events.on('tick', (m) => seen.push(`late${m}`))
    })
    events.emit('tick', 1)
    events.emit('tick', 2)
    expect(seen).toEqual(['a1', 'a2', 'late2'])
    expect(errors).toHaveLength(2)
  })

  it('without a hook, reports a throwing listener as an error event, never as an exception, and still calls the others', () => {
    const events = new Emitter<{ tick: number; error: { error: unknown } }>()
    const errors: unknown[] = []
    const seen: number[] = []
    const boom = new Error('boom')
    events.on('error', ({ error }) => errors.push(error))
    events.on('tick', () => {
      throw boom
    })
    events.on('tick', (n) => seen.push(n))
    expect(() => events.emit('tick', 1)).not.toThrow()
    expect(errors).toEqual([boom])
    expect(seen).toEqual([1])
  })

  it('without a hook, writes to console.error what no error listener takes, and what an error listener throws (no loop)', () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {})
    const events = new Emitter<{ tick: number; error: { error: unknown } }>()
    expect(() => events.emit('tick', 0)).not.toThrow()
    const first = new Error('first')
    events.on('tick', () => {
      throw first
    })
    expect(() => events.emit('tick', 1)).not.toThrow()
    expect(printed).toHaveBeenCalledTimes(1)
    expect(printed.mock.calls[0]?.[0]).toContain('"tick" listener threw')
    expect(printed.mock.calls[0]?.[1]).toBe(first)
    let calls = 0
    const again = new Error('again')
    events.on('error', () => {
      calls++
      throw again
    })
    expect(() => events.emit('tick', 2)).not.toThrow()
    expect(calls).toBe(1)
    expect(printed).toHaveBeenCalledTimes(2)
    expect(printed.mock.calls[1]?.[0]).toContain('"error" listener threw')
    expect(printed.mock.calls[1]?.[1]).toBe(again)
  })
})
