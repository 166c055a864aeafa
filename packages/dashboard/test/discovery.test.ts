import { randomBytes } from 'node:crypto'
import { notInPrivateNamespace } from '@pavillion/test-utils'
import { createServer, generateKeyPair } from 'pavillion'
import { fingerprintOf } from 'pavillion/discovery'
import { describe, expect, it } from 'vitest'
import { DashboardError, type DiscoveredView, startDashboard } from '../src/index.ts'
import { type OpenSocket, openSocket } from './support/socket.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']

describe('discovery options', () => {
  it('refuses discovery without interfaces, with too many, or with a non-address', async () => {
    for (const discovery of [
      { interfaces: [] },
      { interfaces: ['eth0'] },
      { interfaces: Array(17).fill('127.0.0.1') },
    ]) {
      await expect(startDashboard({ port: 0, discovery })).rejects.toThrow(DashboardError)
    }
    await expect(startDashboard({ port: 0 })).rejects.toThrow(DashboardError)
  })
})

describe.skipIf(skip !== undefined)(
  `discovered servers on the dashboard${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('lists a server advertising over mDNS on 127.0.0.1, then marks it down when it closes', async () => {
      const name = `kitchen-${randomBytes(3).toString('hex')}`
      const keys = await generateKeyPair()
      const server = await createServer({
        bind: '127.0.0.1',
        port: 0,
        keyPair: keys,
        advertise: { name, interfaces: LO },
      })
      const dashboard = await startDashboard({ port: 0, discovery: { interfaces: LO } })
      const origin = new URL(dashboard.url).origin
      const { socket, inbox } = (await openSocket(`${origin.replace(/^http/, 'ws')}/ws`, {
        origin,
      })) as OpenSocket
      const hello = await inbox.next((m) => m.type === 'hello')
      expect(Array.isArray(hello.discovered)).toBe(true)
      const seen = (state: 'up' | 'down') =>
        inbox.next(
          (m) =>
            m.type === 'discovered' &&
            (m.server as DiscoveredView).instance === name &&
            (m.server as DiscoveredView).state === state,
        )
      const up = (await seen('up')).server as DiscoveredView
      expect(up.name).toBe(name)
      expect(up.addresses).toContain('127.0.0.1')
      expect(up.port).toBe(server.address.port)
      expect(up.suites).toContain('ecc')
      expect(up.fingerprint).toBe(fingerprintOf(keys.publicKey))

      await server.close()
      const down = (await seen('down')).server as DiscoveredView
      expect(down.port).toBe(server.address.port)

      // A page that connects later gets the list in its hello, the server still marked down.
      const later = (await openSocket(`${origin.replace(/^http/, 'ws')}/ws`, { origin })) as OpenSocket
      const listed = (await later.inbox.next((m) => m.type === 'hello')).discovered as DiscoveredView[]
      expect(listed.find((s) => s.instance === name)?.state).toBe('down')
      later.socket.close()
      socket.close()
      await dashboard.close()
    }, 60_000)
  },
)
