// The sockets' lookup: literals of the socket's family only, checked once each, never a host name.

import { InvalidArgumentError } from '@pavillion/core'
import { describe, expect, it } from 'vitest'
import { literalLookup } from '../src/literal-lookup.ts'

describe('literalLookup', () => {
  it('answers literals of its family synchronously and refuses the rest, however many peers it saw', () => {
    const lookup = literalLookup('udp4')
    const answers: [string, number][] = []
    const record = (_error: unknown, address: string, family: number) => answers.push([address, family])
    for (let i = 0; i < 5000; i++) lookup(`10.0.${(i >> 8) & 255}.${i & 255}`, {}, record)
    lookup('10.0.0.1', {}, record)
    expect(answers).toHaveLength(5001)
    expect(answers[5000]).toEqual(['10.0.0.1', 4])
    for (const bad of ['localhost', '::1', '10.0.0.256', '10.0.0.1 ']) {
      expect(() => lookup(bad, {}, record)).toThrow(InvalidArgumentError)
    }
    expect(answers).toHaveLength(5001)
  })

  it('an IPv6 lookup refuses IPv4 literals', () => {
    const lookup = literalLookup('udp6')
    const answers: string[] = []
    lookup('::1', {}, (_e, address) => answers.push(address))
    expect(answers).toEqual(['::1'])
    expect(() => lookup('127.0.0.1', {}, () => undefined)).toThrow(InvalidArgumentError)
  })
})
