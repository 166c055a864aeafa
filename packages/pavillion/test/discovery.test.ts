import { randomBytes } from 'node:crypto'
import { advertise, fingerprintOf } from '@pavillion/discovery'
import { notInPrivateNamespace } from '@pavillion/transport-node/testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createClient,
  createServer,
  DiscoveryError,
  generateKeyPair,
  generatePsk,
  InvalidArgumentError,
  type ServerMovedDetail,
} from '../src/index.ts'
import { Closer, text, waitUntil } from './support/loopback.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']
const ID = 'discovery-client'
const closer = new Closer()
afterEach(() => closer.closeAll())
const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`

describe.skipIf(skip !== undefined)(
  `discovery over mDNS on loopback${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('a client created by name finds its server among three on 127.0.0.x, connects and calls', async () => {
      const psk = await generatePsk()
      const names = [2, 3, 4].map((n) => unique(`dev${n}`))
      for (const [i, name] of names.entries()) {
        const server = closer.add(
          await createServer({
            bind: `127.0.0.${i + 2}`,
            port: 0,
            clients: { psk: { [ID]: psk } },
            advertise: { name, interfaces: LO },
          }),
        )
        server.rpc.handle(401, () => new TextEncoder().encode(name))
      }
      const client = closer.add(
        await createClient({
          server: { name: names[1] ?? '' },
          // Generous: a handshake slower than this (a loaded machine) would read as a refusal.
          discovery: { interfaces: LO, verifyTimeout: 10_000, timeout: 15_000 },
          clientId: ID,
          psk,
        }),
      )
      expect(text(await client.call(401, '', { timeout: 10_000 }))).toBe(names[1])
      expect(client.servers()[0]?.address.address).toBe('127.0.0.3')
    })

    it('follows a server restarted on a new port, reporting server:moved', async () => {
      const psk = await generatePsk()
      const name = unique('mover')
      const start = async () => {
        const server = await createServer({
          bind: '127.0.0.5',
          port: 0,
          clients: { psk: { [ID]: psk } },
          advertise: { name, interfaces: LO },
        })
        server.rpc.handle(401, () => Uint8Array.of(server.address.port >> 8, server.address.port & 255))
        return server
      }
      const first = await start()
      const client = closer.add(
        await createClient({
          server: { name },
          discovery: { interfaces: LO, verifyTimeout: 10_000, timeout: 15_000 },
          clientId: ID,
          psk,
        }),
      )
      const moves: ServerMovedDetail[] = []
      client.on('server:moved', (e) => moves.push(e))
      await client.call(401, '', { timeout: 3000 })
      await first.close()
      const second = closer.add(await start())
      expect(second.address.port).not.toBe(first.address.port)
      expect(await waitUntil(() => moves.length > 0, 8000)).toBe(true)
      const answer = await client.call(401, '', { timeout: 8000 })
      expect((answer[0] ?? 0) * 256 + (answer[1] ?? 0)).toBe(second.address.port)
      expect(moves[0]?.to).toEqual({ address: '127.0.0.5', port: second.address.port })
      expect(moves[0]?.from.port).toBe(first.address.port)
    })

    it('refuses a forged record that points at a server with another key', async () => {
      const real = await generateKeyPair()
      const impostorKeys = await generateKeyPair()
      const impostor = closer.add(
        await createServer({ bind: '127.0.0.6', port: 0, keyPair: impostorKeys, allowGuests: true }),
      )
      // The forger claims the real server's fingerprint, at the impostor's address.
      closer.add(
        await advertise({
          interfaces: LO,
          name: unique('forged'),
          port: impostor.address.port,
          addresses: ['127.0.0.6'],
          info: { name: 'forged', suites: ['ecc'], version: '1', fingerprint: fingerprintOf(real.publicKey) },
        }),
      )
      const me = await generateKeyPair()
      const error = await createClient({
        server: { publicKey: real.publicKey },
        discovery: { interfaces: LO, verifyTimeout: 1500 },
        secretKey: me.secretKey,
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DiscoveryError)
      expect(error).toMatchObject({
        code: 'ERR_DISCOVERY_UNVERIFIED',
        reason: 'refused',
        attempts: [{ address: '127.0.0.6', port: impostor.address.port, outcome: 'refused' }],
      })
      // With the genuine server advertised too, the handshake picks it, whichever record comes first.
      closer.add(
        await createServer({
          bind: '127.0.0.9',
          port: 0,
          keyPair: real,
          allowGuests: true,
          advertise: { name: unique('genuine'), interfaces: LO },
        }),
      )
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const client = closer.add(
        await createClient({
          server: { publicKey: real.publicKey },
          discovery: { interfaces: LO, verifyTimeout: 5_000 },
          secretKey: me.secretKey,
        }),
      )
      expect(client.servers()[0]?.address.address).toBe('127.0.0.9')
      expect(client.servers()[0]?.publicKey).toEqual(real.publicKey)
    })

    it('says no-answer for a record pointing where nothing listens', async () => {
      closer.add(
        await advertise({
          interfaces: LO,
          name: unique('ghost'),
          port: 9,
          addresses: ['127.0.0.10'],
          info: { name: 'ghost', suites: ['psk'], version: '1' },
        }),
      )
      const ghost = await createClient({
        server: { name: 'ghost' },
        discovery: { interfaces: LO, verifyTimeout: 800 },
        clientId: ID,
        psk: await generatePsk(),
      }).catch((e: unknown) => e)
      expect(ghost).toMatchObject({
        reason: 'no-answer',
        attempts: [{ address: '127.0.0.10', port: 9, outcome: 'no-answer' }],
      })
    })

    it('resolves a .local host name through mDNS, and says when no record matches', async () => {
      const psk = await generatePsk()
      const server = closer.add(
        await createServer({
          bind: '127.0.0.8',
          port: 0,
          clients: { psk: { [ID]: psk } },
          advertise: { name: unique('local'), interfaces: LO },
        }),
      )
      const host = server.advertisement?.host ?? ''
      expect(host).toMatch(/^pavillion-[0-9a-f]{8}\.local$/)
      const client = closer.add(
        await createClient({
          address: `${host}:${server.address.port}`,
          discovery: { interfaces: LO },
          clientId: ID,
          psk,
        }),
      )
      expect(client.destination).toEqual({ address: '127.0.0.8', port: server.address.port })
      await client.waitForServer({ timeout: 3000 })
      const missing = await createClient({
        server: { name: unique('nobody') },
        discovery: { interfaces: LO, timeout: 500 },
        clientId: ID,
        psk,
      }).catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(DiscoveryError)
      expect(missing).toMatchObject({ code: 'ERR_DISCOVERY_NOT_FOUND', reason: 'not-found' })
    })

    it('finds a server by its public key and verifies it in the handshake', async () => {
      const keys = await generateKeyPair()
      const server = closer.add(
        await createServer({
          bind: '127.0.0.7',
          port: 0,
          keyPair: keys,
          allowGuests: true,
          advertise: { name: unique('ecc'), interfaces: LO },
        }),
      )
      const me = await generateKeyPair()
      const client = closer.add(
        await createClient({
          server: { publicKey: keys.publicKey },
          discovery: { interfaces: LO, verifyTimeout: 10_000, timeout: 15_000 },
          secretKey: me.secretKey,
        }),
      )
      expect(client.servers()[0]?.publicKey).toEqual(keys.publicKey)
      expect(server.advertisement?.announced).toBe(true)
    })
  },
)

describe('discovery options', () => {
  it('does not advertise a server bound to loopback unless interfaces are named', async () => {
    const server = closer.add(await createServer({ bind: '127.0.0.1', port: 0, advertise: 'quiet' }))
    expect(server.advertisement).toBeUndefined()
  })

  it('asks for interfaces when a server on every interface advertises, and when a client looks by name', async () => {
    await expect(createServer({ port: 0, advertise: 'x' })).rejects.toThrow(/advertise.interfaces/)
    await expect(
      createClient({ server: { name: 'x' }, clientId: ID, psk: await generatePsk() }),
    ).rejects.toThrow(/"discovery" is required/)
    await expect(
      createClient({ address: '127.0.0.1:1', server: { name: 'x' }, clientId: ID, psk: await generatePsk() }),
    ).rejects.toThrow(InvalidArgumentError)
  })
})
