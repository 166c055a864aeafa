import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { startDashboard } from '../src/index.ts'
import { startNetwork } from './support/network.ts'
import { type OpenSocket, openSocket } from './support/socket.ts'

// Binding beyond loopback is tried only where nothing but loopback exists: in
// a private network namespace, as CI runs the tests.
const ONLY_LOOPBACK = Object.values(networkInterfaces())
  .flat()
  .every((i) => i?.internal === true)
const TITLE = ONLY_LOOPBACK
  ? 'bound beyond loopback, the dashboard needs its one-time token'
  : 'the token over real HTTP — skipped: this machine has interfaces besides loopback, and the test binds 0.0.0.0 only inside a private network namespace'

describe.skipIf(!ONLY_LOOPBACK)(TITLE, () => {
  it('refuses the page and the WebSocket without the token, and serves them with it', async () => {
    const network = await startNetwork()
    const dashboard = await startDashboard({ clients: network.clients, bind: '0.0.0.0', port: 0 })
    try {
      expect(dashboard.token).toMatch(/^[0-9a-f]{32}$/)
      expect(dashboard.url).toContain(`?token=${dashboard.token}`)
      const origin = `http://127.0.0.1:${dashboard.address.port}`
      const ws = `ws://127.0.0.1:${dashboard.address.port}/ws`
      expect((await fetch(`${origin}/`)).status).toBe(403)
      expect((await fetch(`${origin}/?token=${'0'.repeat(32)}`)).status).toBe(403)
      expect((await fetch(`${origin}/?token=${dashboard.token}&token=${dashboard.token}`)).status).toBe(403)
      expect((await fetch(`${origin}/?token=${dashboard.token}`)).status).toBe(200)
      expect(await openSocket(ws, { origin })).toBe(403)
      expect(await openSocket(`${ws}?token=${'0'.repeat(32)}`, { origin })).toBe(403)
      expect(await openSocket(`${ws}?token=${dashboard.token}`, { origin: 'http://evil.example' })).toBe(403)
      const page = (await openSocket(`${ws}?token=${dashboard.token}`, { origin })) as OpenSocket
      expect(await page.inbox.next((m) => m.type === 'hello')).toMatchObject({ type: 'hello' })
      page.socket.terminate()
    } finally {
      await dashboard.close()
      await network.close()
    }
  })
})
