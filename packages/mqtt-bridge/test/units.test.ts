import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { debugLogger, enabledNamespaces } from '../src/debug-log.ts'
import { BridgeConfigError } from '../src/errors.ts'
import { LatestOnly } from '../src/latest-only.ts'
import { LoopGuard } from '../src/loop-guard.ts'
import { type MqttLink, redactUrl } from '../src/mqtt-link.ts'
import { resolveOptions } from '../src/options.ts'
import { valueText } from '../src/register-values.ts'
import {
  decodeLevels,
  encodeLevel,
  encodeLevels,
  filterProblem,
  fixedLevels,
  matchesFilter,
} from '../src/topics.ts'

describe('topic levels', () => {
  it('encode to valid single levels and decode back exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const level = encodeLevel(text)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 must never be in a level
        expect(level).not.toMatch(/[/+#\u0000]/)
        expect(level.startsWith('$')).toBe(false)
        expect(decodeLevels(level)).toBe(text)
        expect(decodeLevels(encodeLevels(text))).toBe(text)
      }),
    )
  })

  it('keep "/" as a separator in names only', () => {
    expect(encodeLevels('kitchen/ceiling')).toBe('kitchen/ceiling')
    expect(encodeLevel('kitchen/ceiling')).toBe('kitchen%2Fceiling')
    expect(decodeLevels('%E0%A4%A')).toBeUndefined()
  })

  it('match filters as MQTT does', () => {
    expect(matchesFilter('a/+/c', 'a/b/c')).toBe(true)
    expect(matchesFilter('a/+', 'a/b/c')).toBe(false)
    expect(matchesFilter('a/#', 'a')).toBe(true)
    expect(matchesFilter('a/#', 'a/b/c')).toBe(true)
    expect(matchesFilter('#', '$SYS/x')).toBe(false)
    expect(matchesFilter('+/x', '$SYS/x')).toBe(false)
    expect(fixedLevels('site/in/+/x')).toBe(2)
    expect(fixedLevels('a/b')).toBe(2)
    expect(filterProblem('a/#/b')).toMatch(/last/)
    expect(filterProblem('a/b+')).toMatch(/whole level/)
    expect(filterProblem('a/+/#')).toBeUndefined()
  })
})

describe('LoopGuard', () => {
  const p = Uint8Array.of(1, 2)
  it('suppresses one echo per injection, within its lifetime, on the same link', () => {
    const guard = new LoopGuard(1000, 10)
    guard.injected('hall', 't', 'n', p, 0)
    expect(guard.isEcho('lab', 't', 'n', p, 1)).toBe(false)
    expect(guard.isEcho('hall', 't', 'n', Uint8Array.of(1), 1)).toBe(false)
    expect(guard.isEcho('hall', 't', 'n', p, 1)).toBe(true)
    expect(guard.isEcho('hall', 't', 'n', p, 2)).toBe(false)
    guard.injected('hall', 't', 'n', p, 0)
    expect(guard.isEcho('hall', 't', 'n', p, 1001)).toBe(false)
    expect(guard.size).toBe(0)
  })

  it('never holds more than its capacity', () => {
    const guard = new LoopGuard(1000, 3)
    for (let i = 0; i < 100; i++) guard.injected('hall', 't', String(i), p, 0)
    expect(guard.size).toBe(3)
    expect(guard.isEcho('hall', 't', '99', p, 1)).toBe(true)
    expect(guard.isEcho('hall', 't', '0', p, 1)).toBe(false)
  })
})

describe('debug namespaces', () => {
  it('follow the debug package conventions', () => {
    expect([...enabledNamespaces('bridge:*')]).toHaveLength(7)
    expect([...enabledNamespaces('bridge:*,-bridge:mqtt')]).not.toContain('bridge:mqtt')
    expect([...enabledNamespaces('bridge:in bridge:rpc')]).toEqual(['bridge:in', 'bridge:rpc'])
    expect(enabledNamespaces('pavillion:*').size).toBe(0)
    expect(debugLogger(undefined, () => {})).toBeUndefined()
    const lines: string[] = []
    debugLogger('bridge:in', (t) => lines.push(t))!('bridge:out', 'x')
    expect(lines).toEqual([])
  })
})

describe('options', () => {
  const links = new Set(['hall'])
  const base = { id: 'site-a', mqtt: { url: 'mqtt://127.0.0.1:1883' } }
  it('default to nothing in from MQTT and everything out', () => {
    const resolved = resolveOptions(base, links)
    expect(resolved.inbound).toEqual([])
    expect(resolved.rpc).toEqual([])
    expect(resolved.registers).toEqual([])
    expect(resolveOptions({ ...base, registers: [{ to: 'hall', observe: 'all' }] }, links).registers).toEqual(
      [{ to: 'hall', observe: 'all', write: [], rateLimitMs: 0 }],
    )
    expect([...resolved.outbound.identities]).toEqual(['*'])
    expect(resolved.discovery).toBeUndefined()
    expect(resolveOptions({ ...base, discovery: { interfaces: ['127.0.0.1'] } }, links).discovery).toEqual({
      interfaces: ['127.0.0.1'],
      maxServices: 256,
    })
  })

  it.each([
    [{ id: 'a b' }, 'id'],
    [{ inbound: [{ filter: 'x/#/y', to: 'hall' }] }, 'inbound[0].filter'],
    [{ inbound: [{ filter: 'x/#', to: 'nowhere' }] }, 'inbound[0].to'],
    [{ inbound: [{ filter: 'pavillion/hall/#', to: 'hall' }] }, 'inbound[0].filter'],
    [{ rpc: [{ to: 'hall', functions: [70000] }] }, 'rpc[0].functions'],
    [{ registers: [{ to: 'nowhere', observe: [1] }] }, 'registers[0].to'],
    [{ registers: [{ to: 'hall', observe: [65535] }] }, 'registers[0].observe'],
    [{ registers: [{ to: 'hall', write: [1.5] }] }, 'registers[0].write'],
    [{ registers: [{ to: 'hall', rateLimitMs: -1 }] }, 'registers[0].rateLimitMs'],
    [{ registers: [{ to: 'hall' }, { to: 'hall', write: [1] }] }, 'registers[1].to'],
    [{ queues: { toMqtt: 0 } }, 'queues.toMqtt'],
    [{ prefix: 'a/+' }, 'prefix'],
    [{ discovery: { interfaces: [] } }, 'discovery.interfaces'],
    [{ discovery: { interfaces: ['127.0.0.1'], maxServices: 0 } }, 'discovery.maxServices'],
  ])('refuse %j with a typed error naming the option', (bad, path) => {
    const attempt = () => resolveOptions({ ...base, ...bad }, links)
    expect(attempt).toThrow(BridgeConfigError)
    try {
      attempt()
    } catch (error) {
      expect((error as BridgeConfigError).path).toBe(path)
      expect((error as BridgeConfigError).code).toBe('ERR_INVALID_ARGUMENT')
    }
  })

  it('redacts credentials from URLs', () => {
    expect(redactUrl('mqtts://user:secret@broker:8883/')).toBe('mqtts://broker:8883/')
  })
})

describe('register values as text', () => {
  it('write each datatype the way parseValue reads it back', () => {
    expect(valueText('f32', 21.5)).toBe('21.5')
    expect(valueText('u8', 40)).toBe('40')
    expect(valueText('bool', true)).toBe('true')
    expect(valueText('utf8', 'hall')).toBe('hall')
    expect(valueText('json', { on: true })).toBe('{"on":true}')
    expect(valueText('bytes', Uint8Array.of(0, 255))).toBe('00ff')
  })
})

describe('latest-only retained publishes', () => {
  it('keep one publish per topic in flight and send only the latest value after it', () => {
    const sent: [string, string, () => void][] = []
    const link = {
      publish: (topic: string, payload: Uint8Array, _q: 1, _r: true, _p: object, done: () => void) =>
        sent.push([topic, new TextDecoder().decode(payload), done]),
    } as unknown as MqttLink
    let coalesced = 0
    const latest = new LatestOnly(
      () => link,
      () => coalesced++,
    )
    const bytes = (t: string) => new TextEncoder().encode(t)
    latest.publish('a', bytes('1'), {})
    latest.publish('a', bytes('2'), {})
    latest.publish('a', bytes('3'), {})
    latest.publish('b', bytes('x'), {})
    expect(sent.map(([t, v]) => `${t}=${v}`)).toEqual(['a=1', 'b=x'])
    sent[0]![2]() // the broker confirmed a=1
    expect(sent.map(([t, v]) => `${t}=${v}`)).toEqual(['a=1', 'b=x', 'a=3'])
    expect(coalesced).toBe(1)
    sent[2]![2]()
    latest.publish('a', bytes('4'), {})
    expect(sent.at(-1)!.slice(0, 2)).toEqual(['a', '4'])
  })
})
