import { randomBytes } from 'node:crypto'
import { notInPrivateNamespace } from '@pavillion/test-utils'
import { createServer, generateKeyPair } from 'pavillion'
import { fingerprintOf } from 'pavillion/discovery'
import { describe, expect, it } from 'vitest'
import { DashboardError, type DiscoveredView, startDashboard } from '../src/index.ts'
import { type Inbox, type OpenSocket, openSocket } from './support/socket.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']

/** The view of `instance` in `state` that a page was shown: in its hello's list or in a later message. */
async function viewIn(inbox: Inbox, instance: string, state: 'up' | 'down'): Promise<DiscoveredView> {
  let view: DiscoveredView | undefined
  const views = (m: Record<string, unknown>): DiscoveredView[] =>
    m.type === 'hello'
      ? (m.discovered as DiscoveredView[])
      : m.type === 'discovered'
        ? [m.server as DiscoveredView]
        : []
  await inbox.next((m) => {
    view = views(m).find((v) => v.instance === instance && v.state === state)
    return view !== undefined
  })
  if (view === undefined) throw new Error(`no ${state} view of ${instance}`)
  return view
}

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
      // The browser may list the server before this page connects: then it is in the hello, not a message.
      const seen = (state: 'up' | 'down') => viewIn(inbox, name, state)
      const up = await seen('up')
      expect(up.name).toBe(name)
      expect(up.addresses).toContain('127.0.0.1')
      expect(up.port).toBe(server.address.port)
      expect(up.suites).toContain('ecc')
      expect(up.fingerprint).toBe(fingerprintOf(keys.publicKey))

      // A page that connects after the server was listed finds it, up, in its hello.
      const second = (await openSocket(`${origin.replace(/^http/, 'ws')}/ws`, { origin })) as OpenSocket
      const hello2 = await second.inbox.next((m) => m.type === 'hello')
      expect((hello2.discovered as DiscoveredView[]).find((s) => s.instance === name)?.state).toBe('up')

      await server.close()
      expect((await viewIn(second.inbox, name, 'down')).port).toBe(server.address.port)
      second.socket.close()
      const down = await seen('down')
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
