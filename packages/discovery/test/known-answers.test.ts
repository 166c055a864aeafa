import { randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { setTimeout as sleep } from 'node:timers/promises'
import { eventually, notInPrivateNamespace } from '@pavillion/transport-node/testing'
import packet from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { advertise, browse, MDNS_GROUP_V4, MDNS_PORT, SERVICE_TYPE } from '../src/index.ts'
import { knownAnswers, notKnown } from '../src/known-answers.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']

describe('known answers (RFC 6762 §7.1), as functions', () => {
  const ptr = (instance: string, ttl: number) => ({
    name: SERVICE_TYPE,
    type: 'PTR',
    ttl,
    data: `${instance}.${SERVICE_TYPE}`,
  })

  it('lists the PTRs held with more than half their TTL left, aged', () => {
    const held = [
      { instance: 'young', ttl: 4500, receivedAt: 0 },
      { instance: 'old', ttl: 120, receivedAt: 0 },
    ]
    expect(knownAnswers(held, 10_000)).toEqual([ptr('young', 4490), ptr('old', 110)])
    expect(knownAnswers(held, 61_000)).toEqual([ptr('young', 4439)])
  })

  it('stays within one datagram however many services are held', () => {
    const held = Array.from({ length: 500 }, (_, i) => ({
      instance: `s-${'x'.repeat(50)}-${i}`,
      ttl: 4500,
      receivedAt: 0,
    }))
    const answers = knownAnswers(held, 0)
    expect(answers.length).toBeGreaterThan(5)
    expect(
      packet.encodingLength({
        type: 'query',
        questions: [{ name: SERVICE_TYPE, type: 'PTR' }],
        answers,
      } as never),
    ).toBeLessThan(1472)
  })

  it('a responder leaves out what a query lists with at least half the TTL', () => {
    const mine = [ptr('a', 4500), ptr('b', 4500)]
    expect(notKnown(mine, [ptr('a', 2250)])).toEqual([ptr('b', 4500)])
    expect(notKnown(mine, [ptr('a', 2249), ptr('B', 4500)])).toEqual([ptr('a', 4500)])
    expect(notKnown(mine, undefined)).toEqual(mine)
  })
})

async function socketAt(port: number, group?: string): Promise<{ socket: Socket; heard: packet.Packet[] }> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true })
  const heard: packet.Packet[] = []
  socket.on('message', (bytes) => {
    try {
      heard.push(packet.decode(bytes))
    } catch {}
  })
  await new Promise<void>((resolve) =>
    socket.bind(port, group === undefined ? '127.0.0.1' : '0.0.0.0', resolve),
  )
  socket.setMulticastInterface('127.0.0.1')
  if (group !== undefined) socket.addMembership(group, '127.0.0.1')
  return { socket, heard }
}

const names = (records: readonly packet.Answer[] | undefined) =>
  (records ?? []).flatMap((r) => (r.type === 'PTR' ? [String(r.data)] : []))

describe.skipIf(skip !== undefined)(
  `known-answer suppression over mDNS on loopback${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it("a browser's repeated query lists the server it knows, with its TTL aged", async () => {
      const name = `known-${randomBytes(3).toString('hex')}`
      const instance = `${name}.${SERVICE_TYPE}`
      const sniffer = await socketAt(MDNS_PORT, MDNS_GROUP_V4)
      try {
        await using _ad = await advertise({
          interfaces: LO,
          name,
          port: 43_100,
          addresses: ['127.0.0.1'],
          info: { name, suites: ['psk'], version: '1' },
        })
        await using browser = await browse({ interfaces: LO })
        await eventually(() => browser.servers().find((s) => s.instance === name), 5_000, 'the server')
        // The next query goes out at most 2 s later (1 s, 2 s, 4 s, …): it carries our PTR.
        const known = await eventually(
          () => sniffer.heard.find((p) => p.type === 'query' && names(p.answers).includes(instance)),
          10_000,
          'a query listing the server',
        )
        const record = known.answers?.find((r) => r.type === 'PTR' && r.data === instance) as
          | { ttl?: number }
          | undefined
        expect(record?.ttl).toBeGreaterThan(2250)
        expect(record?.ttl).toBeLessThanOrEqual(4500)
      } finally {
        sniffer.socket.close()
      }
    })

    it('an advertiser does not answer a query that already lists its record', async () => {
      const name = `quiet-${randomBytes(3).toString('hex')}`
      const instance = `${name}.${SERVICE_TYPE}`
      await using ad = await advertise({
        interfaces: LO,
        name,
        port: 43_101,
        addresses: ['127.0.0.1'],
        info: { name, suites: ['psk'], version: '1' },
      })
      await eventually(() => (ad.announced ? true : undefined), 5_000, 'announced')
      // One-shot (legacy) queries from another port are answered straight back: nobody else's traffic counts.
      const asker = await socketAt(0)
      try {
        const ask = (id: number, answers: packet.Answer[]) =>
          new Promise<void>((resolve) =>
            asker.socket.send(
              packet.encode({ type: 'query', id, questions: [{ name: SERVICE_TYPE, type: 'PTR' }], answers }),
              MDNS_PORT,
              MDNS_GROUP_V4,
              () => resolve(),
            ),
          )
        const ptr = (ttl: number): packet.Answer => ({ name: SERVICE_TYPE, type: 'PTR', ttl, data: instance })
        const answeredTo = (id: number) =>
          asker.heard.filter((p) => p.id === id && names(p.answers).includes(instance))
        await ask(1, [ptr(4500)])
        await ask(2, [ptr(100)]) // less than half the TTL left: it is refreshed
        await ask(3, [])
        await eventually(
          () => (answeredTo(2).length > 0 && answeredTo(3).length > 0 ? true : undefined),
          5_000,
          'answers',
        )
        await sleep(300)
        expect([answeredTo(1).length, answeredTo(2).length, answeredTo(3).length]).toEqual([0, 1, 1])
      } finally {
        asker.socket.close()
      }
    })
  },
)
