import { describe, expect, it } from 'vitest'
import { AccessPolicy } from '../src/access.ts'
import { DashboardError, isLoopback } from '../src/index.ts'
import { resolveOptions } from '../src/options.ts'

const node = { clients: [{} as never] }

describe('options', () => {
  it('binds loopback without a token, anything else with a fresh 32-hex-character token', () => {
    expect(resolveOptions(node)).toMatchObject({
      bind: '127.0.0.1',
      port: 8080,
      loopback: true,
      token: undefined,
    })
    const a = resolveOptions({ ...node, bind: '0.0.0.0' })
    const b = resolveOptions({ ...node, bind: '0.0.0.0' })
    expect(a.token).toMatch(/^[0-9a-f]{32}$/)
    expect(a.token).not.toBe(b.token)
    expect(resolveOptions({ ...node, bind: '::1' }).token).toBeUndefined()
  })

  it.each([
    [{}, 'clients'],
    [{ ...node, port: 65536 }, 'port'],
    [{ ...node, port: 1.5 }, 'port'],
    [{ ...node, bind: 'localhost' }, 'bind'],
    [{ ...node, sampleInterval: 10 }, 'sampleInterval'],
  ])('refuses %o with a DashboardError on "%s"', (options, option) => {
    let error: unknown
    try {
      resolveOptions(options)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DashboardError)
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', option })
  })

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
  ])('isLoopback(%s) is %s', (address, expected) => expect(isLoopback(address)).toBe(expected))
})

describe('access policy', () => {
  const loopback = AccessPolicy.of('127.0.0.1', 8080, true, undefined)
  const open = AccessPolicy.of('0.0.0.0', 8080, false, 'a'.repeat(32))

  it('on loopback, answers only its own Host names', () => {
    expect(loopback.hostAllowed('127.0.0.1:8080')).toBe(true)
    expect(loopback.hostAllowed('LOCALHOST:8080')).toBe(true)
    expect(loopback.hostAllowed('evil.example:8080')).toBe(false)
    expect(loopback.hostAllowed('127.0.0.1:8081')).toBe(false)
    expect(loopback.hostAllowed(undefined)).toBe(false)
    expect(loopback.hostAllowed('x'.repeat(1000))).toBe(false)
    expect(AccessPolicy.of('::1', 80, true, undefined).hostAllowed('[::1]:80')).toBe(true)
  })

  it('elsewhere, needs the token', () => {
    expect(open.hostAllowed('192.168.1.10:8080')).toBe(true)
    expect(open.tokenAllowed('a'.repeat(32))).toBe(true)
    for (const wrong of [undefined, '', 'a'.repeat(31), 'b'.repeat(32), ['a'.repeat(32)], 'a'.repeat(400)]) {
      expect(open.tokenAllowed(wrong)).toBe(false)
    }
  })

  it('lets a WebSocket in only from its own origin', () => {
    expect(loopback.socketAllowed('127.0.0.1:8080', 'http://127.0.0.1:8080', undefined)).toBe(true)
    expect(loopback.socketAllowed('127.0.0.1:8080', 'http://evil.example', undefined)).toBe(false)
    expect(loopback.socketAllowed('127.0.0.1:8080', undefined, undefined)).toBe(false)
    expect(loopback.socketAllowed('127.0.0.1:8080', 'null', undefined)).toBe(false)
    expect(loopback.socketAllowed('localhost:8080', 'http://127.0.0.1:8080', undefined)).toBe(false)
    expect(open.socketAllowed('10.0.0.2:8080', 'http://10.0.0.2:8080', 'a'.repeat(32))).toBe(true)
    expect(open.socketAllowed('10.0.0.2:8080', 'http://10.0.0.2:8080', undefined)).toBe(false)
  })
})
