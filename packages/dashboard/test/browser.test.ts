import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Dashboard, startDashboard } from '../src/index.ts'
import { startNetwork, type TestNetwork } from './support/network.ts'
import { openSocket } from './support/socket.ts'

const CHROMIUM = '/usr/bin/chromium'
/** Set to a folder (e.g. `../../docs`) to write the screenshots of the main views there. */
const SCREENSHOTS = process.env.PAVILLION_DASHBOARD_SCREENSHOTS
const WAIT = { timeout: 15_000 }

const HAVE_CHROMIUM = existsSync(CHROMIUM)
const TITLE = HAVE_CHROMIUM
  ? "the dashboard in Debian's chromium, against real servers and clients"
  : `the dashboard in a browser — skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`

describe.skipIf(!HAVE_CHROMIUM)(TITLE, () => {
  let network: TestNetwork
  let dashboard: Dashboard
  let profile: string
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    network = await startNetwork()
    dashboard = await startDashboard({
      clients: network.clients,
      servers: [network.hub],
      port: 0,
      sampleInterval: 250,
    })
    // A fresh profile each run: launchPersistentContext passes it as --user-data-dir.
    profile = await mkdtemp(join(tmpdir(), 'pavillion-chromium-'))
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 1000 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    page = context.pages()[0] ?? (await context.newPage())
    await page.goto(dashboard.url)
    await page.locator('#connection[data-state="open"]').waitFor(WAIT)
  })

  afterAll(async () => {
    await context?.close()
    await dashboard?.close()
    await network?.close()
    if (profile !== undefined) await rm(profile, { recursive: true, force: true })
  })

  it('lists both servers, with RTT and status bytes, and the hosted server’s client', async () => {
    const servers = page.locator('#peers tr[data-role="server"]')
    await expect.poll(() => servers.count(), WAIT).toBe(2)
    for (const [i, server] of network.servers.entries()) {
      const row = page.locator(`#peers tr[data-node="c${i}"]`)
      await expect.poll(() => row.textContent(), WAIT).toContain(`127.0.0.1:${server.sendAddress.port}`)
      await expect.poll(() => row.textContent(), WAIT).toContain('wlan -55 dBm')
      await expect.poll(() => row.textContent(), WAIT).toMatch(/\d+\.\d\d ms/)
    }
    await expect
      .poll(() => page.locator('#peers tr[data-role="client"]').textContent(), WAIT)
      .toContain('sensor-kitchen-1')
  })

  it('shows messages published during the test, per target and filtered', async () => {
    await network.servers[0].publish('alarms', 'door', 'open', { timeout: 5000 })
    await network.sensor.publish('temperature', 'kitchen', '21.5', { timeout: 5000 })
    const rows = page.locator('#messages tbody tr:not([hidden])')
    await expect.poll(() => page.locator('#messages').textContent(), WAIT).toContain('"open"')
    await expect.poll(() => page.locator('#messages').textContent(), WAIT).toContain('"21.5"')
    await page.selectOption('#message-target', 'alarms')
    await expect.poll(() => rows.count(), WAIT).toBe(1)
    expect(await rows.first().textContent()).toContain('door')
    await page.selectOption('#message-target', '')
    await page.fill('#message-filter', 'kitchen')
    await expect.poll(() => rows.count(), WAIT).toBe(1)
    expect(await rows.first().textContent()).toContain('21.5')
    await page.fill('#message-filter', '')
    await shoot(page.locator('#messages-panel'), 'messages')
  })

  it('calls a function from the form and shows its result, and a remote error with its status', async () => {
    const form = page.locator('#call-form')
    await form.locator('[name=node]').selectOption('c0')
    await form.locator('[name=fn]').fill('401')
    await form.locator('[name=args]').fill('stressed')
    await form.locator('button').click()
    const result = page.locator('#call-result')
    await expect.poll(() => result.getAttribute('data-state'), WAIT).toBe('ok')
    expect(await result.textContent()).toContain('"desserts"')
    await shoot(page.locator('#call-panel'), 'call')

    await form.locator('[name=fn]').fill('999')
    await form.locator('button').click()
    await expect.poll(() => result.getAttribute('data-state'), WAIT).toBe('error')
    expect(await result.textContent()).toMatch(/RemoteError ERR_RPC_REMOTE status \d+/)
  })

  it('publishes from the form: the server receives it and the page reports the acknowledgement', async () => {
    const received = network.servers[1].messages('lights', { signal: AbortSignal.timeout(15_000) })
    const form = page.locator('#publish-form')
    await form.locator('[name=node]').selectOption('c1')
    await form.locator('[name=target]').fill('lights')
    await form.locator('[name=name]').fill('hall')
    await form.locator('[name=payload]').fill('on')
    await form.locator('button').click()
    const result = page.locator('#publish-result')
    await expect.poll(() => result.getAttribute('data-state'), WAIT).toBe('ok')
    expect(await result.textContent()).toContain('acknowledged')
    for await (const m of received) {
      expect([m.name, new TextDecoder().decode(m.payload)]).toEqual(['hall', 'on'])
      break
    }
    await expect.poll(() => page.locator('#messages').textContent(), WAIT).toContain('"on"')
  })

  it('draws the counters chart, which gains points', async () => {
    const chart = page.locator('#counters-chart')
    const points = async () => Number(await chart.getAttribute('data-points'))
    const before = await points()
    await expect.poll(points, WAIT).toBeGreaterThan(before + 2)
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0)
    await shoot(page.locator('#counters-panel'), 'counters')
  })

  it('lists the registers of each server, charts a numeric one as it changes and shows text values', async () => {
    const row = (register: number) =>
      page.locator(`.register-node[data-node="c0"] tr[data-register="${register}"]`)
    await expect.poll(() => row(100).textContent(), WAIT).toContain('temperature')
    expect(await row(100).textContent()).toContain('f32')
    expect(await row(101).textContent()).toContain('mode')
    await expect.poll(() => row(101).locator('.value').textContent(), WAIT).toBe('eco')
    expect(await row(101).locator('td').nth(3).textContent()).toBe('yes')
    expect(await row(100).locator('td').nth(3).textContent()).toBe('no')
    await expect.poll(() => row(100).locator('.value').textContent(), WAIT).toBe('20')
    const chart = page.locator('#registers-chart-c0')
    const points = async () => Number(await chart.getAttribute('data-points'))
    const before = await points()
    for (const value of [21.5, 23, 22.25]) {
      network.temperature.set(value)
      await expect.poll(() => row(100).locator('.value').textContent(), WAIT).toBe(String(value))
    }
    expect(await points()).toBeGreaterThanOrEqual(before + 3)
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0)
    // The second server declares none: its node is listed with no row.
    await expect.poll(() => page.locator('.register-node[data-node="c1"]').count(), WAIT).toBe(1)
    expect(await page.locator('.register-node[data-node="c1"] tbody tr').count()).toBe(0)
    await shoot(page.locator('#registers-panel'), 'registers')
    await shoot(page, 'overview', true)
  })

  it('refuses a WebSocket from another origin, without one, or for another host', async () => {
    const url = dashboard.url.replace(/^http/, 'ws').replace(/\/$/, '/ws')
    const host = new URL(dashboard.url).host
    expect(await openSocket(url, { origin: 'http://evil.example' })).toBe(403)
    expect(await openSocket(url, {})).toBe(403)
    expect(await openSocket(url, { origin: `http://${host}`, host: 'evil.example' })).toBe(421)
    // The page itself, in the browser, cannot open one from another origin either.
    const other = await context.newPage()
    await other.goto('about:blank')
    const refused = await other.evaluate(
      (target) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(target)
          socket.onopen = () => resolve('open')
          socket.onerror = () => resolve('refused')
        }),
      url,
    )
    expect(refused).toBe('refused')
    await other.close()
  })
  it('closes the browser, the dashboard and the nodes with no handle left open', async () => {
    await context.close()
    await dashboard.close()
    await network.close()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const open = process.getActiveResourcesInfo()
    for (const kind of ['ProcessWrap', 'TCPServerWrap', 'UDPWrap']) expect(open).not.toContain(kind)
  })
})

/** Writes a screenshot of `what` to the screenshot folder, when one was given. */
async function shoot(
  what: { screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown> },
  name: string,
  fullPage = false,
): Promise<void> {
  if (SCREENSHOTS === undefined) return
  await mkdir(SCREENSHOTS, { recursive: true })
  await what.screenshot({
    path: join(SCREENSHOTS, `dashboard-${name}.png`),
    ...(fullPage ? { fullPage } : {}),
  })
}
