import { hex, loadVectors } from '@pavillion/test-vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CaptureError,
  captureFormat,
  ipPacketOf,
  openCaptureDecoder,
  readCapture,
  udpOf,
} from '../src/index.ts'
import { captureOf, LINK_TYPES, type TestDatagram, type TestLink } from '../src/testing/index.ts'

const payload = hex(loadVectors('psk_handshake').datagrams![0]!.hex)
const datagrams: TestDatagram[] = [
  { src: ['127.0.0.2', 40002], dst: ['127.0.0.1', 1783], payload },
  { src: ['::1', 40002], dst: ['fe80::1:2', 1783], payload, time: 1_700_000_000.5 },
]

function errorOf(run: () => unknown): CaptureError {
  try {
    run()
  } catch (error) {
    if (error instanceof CaptureError) return error
    throw error
  }
  throw new Error('expected a CaptureError')
}

describe('reading pcap and pcapng', () => {
  for (const format of ['pcap', 'pcapng'] as const)
    for (const bigEndian of [false, true])
      for (const link of Object.keys(LINK_TYPES) as TestLink[]) {
        if (link === 'ipv4') continue
        it(`${format} ${bigEndian ? 'big' : 'little'}-endian, ${link}: the UDP datagrams and times come back`, () => {
          const file = captureOf(datagrams, { link, format, bigEndian })
          expect(captureFormat(file)).toBe(format)
          const packets = [...readCapture(file)]
          expect(packets.map((p) => p.linkType)).toEqual([LINK_TYPES[link], LINK_TYPES[link]])
          expect(packets[1]!.timeNs).toBe(1_700_000_000_500_000_000n)
          const found = packets.map((p) => {
            const ip = ipPacketOf(p.linkType, p.data)
            if (ip.kind !== 'ip') throw new Error(ip.reason)
            return udpOf(ip.version, ip.packet)
          })
          expect(found[0]).toMatchObject({
            kind: 'udp',
            datagram: { src: '127.0.0.2:40002', dst: '127.0.0.1:1783', payload, missing: 0 },
          })
          expect(found[1]).toMatchObject({
            kind: 'udp',
            datagram: { src: '[::1]:40002', dst: '[fe80::1:2]:1783', payload },
          })
        })
      }
})

describe('bad capture files', () => {
  const good = captureOf(datagrams)
  it('a file that is not a capture', () => {
    expect(errorOf(() => [...readCapture(new TextEncoder().encode('GIF89a, not a capture'))])).toMatchObject({
      reason: 'NOT_A_CAPTURE',
      code: 'ERR_INVALID_ARGUMENT',
    })
    expect(errorOf(() => [...readCapture(new Uint8Array(2))])).toMatchObject({ reason: 'NOT_A_CAPTURE' })
  })
  it('a pcap cut inside its header, a record header, a record', () => {
    expect(errorOf(() => [...readCapture(good.subarray(0, 10))]).reason).toBe('TRUNCATED')
    expect(errorOf(() => [...readCapture(good.subarray(0, 30))]).message).toMatch(
      /packet 1 at byte 24 ends inside its record header/,
    )
    const packets: unknown[] = []
    const error = errorOf(() => {
      for (const p of readCapture(good.subarray(0, good.length - 1))) packets.push(p)
    })
    expect(error).toMatchObject({ reason: 'TRUNCATED' })
    expect(packets).toHaveLength(1)
  })
  it('a pcapng cut inside a block, or whose block trailer lies', () => {
    const ng = captureOf(datagrams, { format: 'pcapng' })
    expect(errorOf(() => [...readCapture(ng.subarray(0, ng.length - 4))]).reason).toBe('TRUNCATED')
    const lying = ng.slice()
    lying[lying.length - 1]! ^= 0xff
    expect(errorOf(() => [...readCapture(lying)]).reason).toBe('MALFORMED')
  })
  it('a record claiming an absurd length', () => {
    const bad = good.slice()
    new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true)
    expect(errorOf(() => [...readCapture(bad)])).toMatchObject({ reason: 'MALFORMED', offset: 32 })
  })
  it('a snap length that cut a datagram: listed as CUT_SHORT', async () => {
    const file = captureOf(datagrams.slice(0, 1))
    const view = new DataView(file.buffer)
    view.setUint32(24 + 8, 60, true) // captured: 60 of the frame's bytes
    const decoder = await openCaptureDecoder()
    const [record] = [...decoder.records(file.subarray(0, 24 + 16 + 60))]
    expect(record!.decoded).toMatchObject({ kind: 'undecoded', reason: 'CUT_SHORT' })
  })
})

describe('hostile input never throws anything but a CaptureError', () => {
  const files = [captureOf(datagrams), captureOf(datagrams, { format: 'pcapng', link: 'sll2' })]
  const decode = async (file: Uint8Array) => {
    const decoder = await openCaptureDecoder()
    try {
      for (const record of decoder.records(file))
        expect(record.decoded.kind).toMatch(/^(setup|secure|undecoded)$/)
    } catch (error) {
      expect(error).toBeInstanceOf(CaptureError)
    }
  }

  it('random bytes after a valid magic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.uint8Array({ maxLength: 300 }), async (base, tail) => {
        const file = new Uint8Array(28 + tail.length)
        file.set(base.subarray(0, 28))
        file.set(tail, 28)
        await decode(file)
      }),
      { numRuns: 300, seed: 17 },
    )
  })

  it('valid captures with bytes flipped and cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        async (base, flips, cut) => {
          const file = base.slice(0, base.length - (cut % 40))
          for (const [at, mask] of flips) file[at % file.length]! ^= mask
          await decode(file)
        },
      ),
      { numRuns: 400, seed: 1783 },
    )
  })
})
