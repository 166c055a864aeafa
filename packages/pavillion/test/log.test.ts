import { afterEach, describe, expect, it } from 'vitest'
import { createClient, createServer, generatePsk, type LogRecord } from '../src/index.ts'
import { Closer, freePort, waitUntil } from './support/loopback.ts'

const ID = 'log-client-00001'
const closer = new Closer()
afterEach(() => closer.closeAll())

describe('the log option', () => {
  it('reports sessions to the server, servers to the client, each at its level and in words', async () => {
    const psk = await generatePsk()
    const serverLog: LogRecord[] = []
    const clientLog: LogRecord[] = []
    const quiet: LogRecord[] = []
    const server = closer.add(
      await createServer({
        bind: '127.0.0.1',
        port: 0,
        clients: { psk: { [ID]: psk } },
        log: (record) => serverLog.push(record),
      }),
    )
    const client = await createClient({
      address: `127.0.0.1:${server.address.port}`,
      bind: '127.0.0.1',
      clientId: ID,
      psk,
      log: { logger: (record) => clientLog.push(record), level: 'debug' },
    })
    const other = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk,
        log: { logger: (record) => quiet.push(record), level: 'warn' },
      }),
    )
    await client.waitForServer({ timeout: 5000 })
    await other.waitForServer({ timeout: 5000 })
    await client.close()
    expect(await waitUntil(() => serverLog.some((r) => r.event === 'session:closed'))).toBe(true)
    expect(serverLog[0]).toEqual({
      level: 'info',
      event: 'session:opened',
      message: expect.stringMatching(/^session opened with log-client-00001 \(127\.0\.0\.1:\d+, psk\)$/),
    })
    expect(serverLog.find((r) => r.event === 'session:closed')?.message).toMatch(
      /^session with log-client-00001 \(127\.0\.0\.1:\d+\) closed: quit$/,
    )
    expect(clientLog[0]).toEqual({
      level: 'info',
      event: 'server:connected',
      message: expect.stringMatching(/^connected to server 127\.0\.0\.1:\d+$/),
    })
    expect(quiet).toEqual([]) // nothing at warn or above happened
  })

  it('warns a client whose ID the server does not know', async () => {
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: await generatePsk() } } }),
    )
    const records: LogRecord[] = []
    closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: 'somebody-else-01',
        psk: await generatePsk(),
        log: (record) => records.push(record),
      }),
    )
    expect(await waitUntil(() => records.length > 0, 5000)).toBe(true)
    expect(records[0]).toEqual({
      level: 'warn',
      event: 'server:invalid-client-id',
      message: `server 127.0.0.1:${server.sendAddress.port} does not know this client ID`,
    })
  })

  it('logs rejected handshakes once per address per 10 s, with the claimed client ID and no key', async () => {
    const records: LogRecord[] = []
    const server = closer.add(
      await createServer({
        bind: '127.0.0.1',
        port: 0,
        clients: { psk: { [ID]: await generatePsk() } },
        log: (record) => records.push(record),
      }),
    )
    const psk = await generatePsk()
    for (let i = 0; i < 3; i++) {
      const stranger = closer.add(
        await createClient({
          address: `127.0.0.1:${server.address.port}`,
          bind: '127.0.0.1',
          clientId: 'stranger-client1',
          psk,
        }),
      )
      await expect(stranger.waitForServer({ timeout: 5000 })).rejects.toMatchObject({
        code: 'ERR_AUTH_FAILED',
      })
    }
    expect(server.stats().rejectedHandshakes).toBeGreaterThanOrEqual(3)
    expect(records.filter((r) => r.event === 'handshake:rejected')).toEqual([
      {
        level: 'warn',
        event: 'handshake:rejected',
        message: expect.stringMatching(
          /^rejected a handshake from 127\.0\.0\.1:\d+ claiming client ID stranger-client1: unknown client ID or key$/,
        ),
      },
    ])
  })

  it('refuses a log option that is neither a function nor { logger, level } (the client it began is closed again)', async () => {
    const options = { address: `127.0.0.1:${await freePort()}`, clientId: ID, psk: await generatePsk() }
    await expect(createClient({ ...options, log: 'console' as never })).rejects.toThrow(
      '"log" expected a function or { logger, level? }',
    )
    await expect(
      createClient({ ...options, log: { logger: () => {}, level: 'loud' as never } }),
    ).rejects.toThrow('"log.level" expected one of debug, info, warn, error, got loud')
  })
})
