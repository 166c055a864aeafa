import { describe, expect, it } from 'vitest'
import { decodeTxt, encodeTxt, fingerprintOf, SERVICE_TYPE, ServiceTable } from '../src/index.ts'

const txt = (name: string) => encodeTxt({ name, suites: ['psk', 'ecc'], version: '1' })

function complete(table: ServiceTable, now: number, i: number, ttl = 120) {
  const instance = `s${i}.${SERVICE_TYPE}`
  table.pointer(now, instance, ttl)
  table.service(now, instance, `h${i}.local`, 1000 + i, ttl)
  table.text(now, instance, txt(`S${i}`), ttl)
  return table.address(now, `h${i}.local`, `127.0.0.${i}`, ttl, true)
}

describe('ServiceTable', () => {
  it('1. reports up once a service has SRV, TXT and an address; changed on a new port; down on goodbye', () => {
    const t = new ServiceTable(8)
    expect(complete(t, 0, 1).map((c) => c.type)).toEqual(['up'])
    expect(t.service(10, `s1.${SERVICE_TYPE}`, 'h1.local', 2001, 120).map((c) => c.type)).toEqual(['changed'])
    expect(t.service(20, `s1.${SERVICE_TYPE}`, 'h1.local', 2001, 0).map((c) => c.type)).toEqual(['down'])
    expect(t.size).toBe(0)
  })

  it('2. stays within maxServices under a flood; complete entries are never evicted for incomplete ones', () => {
    const t = new ServiceTable(16)
    for (let i = 1; i <= 4; i++) complete(t, 0, i)
    for (let i = 0; i < 10_000; i++) t.pointer(1, `fake${i}.${SERVICE_TYPE}`, 4500)
    expect(t.size).toBe(16)
    expect(t.servers().map((s) => s.instance)).toEqual(['s1', 's2', 's3', 's4'])
    expect(t.evicted).toBeGreaterThan(9_000)
  })

  it('3. clamps hostile TTLs and expires entries', () => {
    const t = new ServiceTable(4)
    complete(t, 0, 1, 2 ** 31)
    expect(t.expire(4_500_000 - 1)).toEqual([])
    expect(t.expire(4_500_001).map((c) => c.type)).toEqual(['down'])
    expect(t.size).toBe(0)
  })

  it('3b. a listed service goes down when its SRV (120 s) expires, though its PTR and TXT live 4500 s', () => {
    const t = new ServiceTable(4)
    const instance = `s1.${SERVICE_TYPE}`
    t.pointer(0, instance, 4500)
    t.service(0, instance, 'h1.local', 1001, 120)
    t.text(0, instance, txt('S1'), 4500)
    expect(t.address(0, 'h1.local', '127.0.0.1', 120, true).map((c) => c.type)).toEqual(['up'])
    expect(t.due(95_000)).toEqual({ instances: [], hosts: [] })
    expect(t.expire(119_000)).toEqual([])
    expect(t.expire(120_001).map((c) => c.type)).toEqual(['down'])
    expect(t.servers()).toEqual([])
  })

  it('3c. asks for SRV and addresses past 80% of their TTL; a refresh keeps the service listed', () => {
    const t = new ServiceTable(4)
    const instance = `s1.${SERVICE_TYPE}`
    t.pointer(0, instance, 4500)
    t.service(0, instance, 'h1.local', 1001, 120)
    t.text(0, instance, txt('S1'), 4500)
    t.address(0, 'h1.local', '127.0.0.1', 120, true)
    expect(t.due(96_000)).toEqual({ instances: ['s1'], hosts: ['h1.local'] })
    expect(t.service(100_000, instance, 'h1.local', 1001, 120)).toEqual([])
    expect(t.address(100_000, 'h1.local', '127.0.0.1', 120, true)).toEqual([])
    expect(t.due(100_000)).toEqual({ instances: [], hosts: [] })
    expect(t.expire(200_000)).toEqual([])
    expect(t.servers().map((s) => s.instance)).toEqual(['s1'])
    expect(t.expire(220_001).map((c) => c.type)).toEqual(['down'])
  })

  it('3d. a listed service whose every address expired goes down', () => {
    const t = new ServiceTable(4)
    const instance = `s1.${SERVICE_TYPE}`
    t.pointer(0, instance, 4500)
    t.service(0, instance, 'h1.local', 1001, 4500)
    t.text(0, instance, txt('S1'), 4500)
    t.address(0, 'h1.local', '127.0.0.1', 120, true)
    expect(t.expire(120_001).map((c) => c.type)).toEqual(['down'])
    expect(t.size).toBe(0)
  })

  it('4. keeps at most 8 addresses per host and ignores addresses of hosts no service names', () => {
    const t = new ServiceTable(4)
    complete(t, 0, 1)
    for (let i = 0; i < 100; i++) t.address(0, 'h1.local', `10.0.0.${i}`, 120, false)
    expect(t.servers()[0]?.addresses).toHaveLength(8)
    t.address(0, 'nobody.local', '10.9.9.9', 120, false)
    expect(t.hosts).toBe(1)
  })

  it('5. rejects names outside _pavillion._udp.local, bad ports and bad TXT', () => {
    const t = new ServiceTable(4)
    expect(t.pointer(0, 'x._http._tcp.local', 120)).toEqual([])
    expect(t.service(0, `a.b.${SERVICE_TYPE}`, 'h.local', 1, 120)).toEqual([])
    expect(t.service(0, `a.${SERVICE_TYPE}`, 'h.local', 70_000, 120)).toEqual([])
    expect(t.text(0, `a.${SERVICE_TYPE}`, ['v=x'], 120)).toEqual([])
    expect(t.size).toBe(0)
  })
})

describe('TXT record', () => {
  it('round-trips every key, and drops what does not check out', () => {
    const fp = fingerprintOf(new Uint8Array(32).fill(7))
    const info = {
      name: 'Kitchen',
      suites: ['ecc'] as const,
      fingerprint: fp,
      group: '239.255.28.12',
      version: '1',
    }
    expect(decodeTxt(encodeTxt({ ...info, suites: ['ecc'] }), 'k')).toEqual({ ...info, suites: ['ecc'] })
    expect(decodeTxt(['v=1', 'suites=psk,rot13,psk', 'fp=nothex', 'group=nope'], 'k')).toEqual({
      name: 'k',
      suites: ['psk'],
      version: '1',
    })
    expect(decodeTxt([Buffer.from('junk'), 42, null], 'k')).toBeUndefined()
    expect(fp).toMatch(/^[0-9a-f]{32}$/)
  })
})
