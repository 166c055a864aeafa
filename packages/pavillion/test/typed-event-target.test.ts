import { describe, expect, it } from 'vitest'
import { TypedEventTarget } from '../src/typed-event-target.ts'

interface Events {
  ping: { n: number }
  error: { error: unknown }
}

class Target extends TypedEventTarget<Events> {
  ping(n: number): void {
    this.emit('ping', { n })
  }
}

describe('TypedEventTarget', () => {
  it('reports a throwing listener as an error event, never as an exception, and still calls the others', () => {
    const target = new Target()
    const errors: unknown[] = []
    const seen: number[] = []
    const boom = new Error('boom')
    target.addEventListener('error', ({ detail }) => errors.push(detail.error))
    target.addEventListener('ping', () => {
      throw boom
    })
    target.addEventListener('ping', ({ detail }) => seen.push(detail.n))
    expect(() => target.ping(1)).not.toThrow()
    expect(errors).toEqual([boom])
    expect(seen).toEqual([1])
  })

  it('ignores an error listener that throws, and removes and deduplicates listeners as EventTarget does', () => {
    const target = new Target()
    target.addEventListener('error', () => {
      throw new Error('again')
    })
    target.addEventListener('ping', () => {
      throw new Error('first')
    })
    expect(() => target.ping(1)).not.toThrow()
    const seen: number[] = []
    const listener = ({ detail }: CustomEvent<{ n: number }>) => seen.push(detail.n)
    target.addEventListener('ping', listener)
    target.addEventListener('ping', listener)
    target.ping(2)
    target.removeEventListener('ping', listener)
    target.ping(3)
    expect(seen).toEqual([2])
  })
})
