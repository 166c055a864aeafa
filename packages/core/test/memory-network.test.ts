import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../src/errors.ts'
import { MemoryNetwork, type MemoryTransport, SIM_GROUP, transportSuite } from '../src/testing/index.ts'
import type { PeerAddress } from '../src/transport.ts'

transportSuite({ describe, it, expect }, 'MemoryTransport', async () => {
  const net = new MemoryNetwork()
  return {
    a: net.createTransport(),
    b: net.createTransport(),
    c: net.createTransport(),
    deliver: () => void net.drain(),
  }
})

/** Records what `transport` receives as arrays of numbers. */
function inbox(transport: MemoryTransport): { bytes: number[]; from: PeerAddress }[] {
  const received: { bytes: number[]; from: PeerAddress }[] = []
  transport.onDatagram((bytes, from) => received.push({ bytes: [...bytes], from }))
  return received
}

/** Sends `count` datagrams carrying their index (2 bytes) from a to b. */
function sendNumbered(a: MemoryTransport, b: MemoryTransport, count: number): void {
  for (let i = 0; i < count; i++) a.send(b.localAddress(), Uint8Array.of(i >> 8, i & 0xff))
}

function pair(seed = 1) {
  const net = new MemoryNetwork({ seed })
  const a = net.createTransport()
  const b = net.createTransport()
  return { net, a, b, received: inbox(b) }
}

describe('MemoryNetwork addressing', () => {
  it('assigns distinct fake loopback addresses with ports from 40000', () => {
    const net = new MemoryNetwork()
    const addresses = [net.createTransport(), net.createTransport()].map((t) => t.localAddress())
    expect(addresses).toEqual([
      { address: '127.0.0.1', port: 40000 },
      { address: '127.0.0.2', port: 40001 },
    ])
  })

  it('takes an explicit address, picks a port for port 0, and refuses a taken address', () => {
    const net = new MemoryNetwork()
    expect(net.createTransport({ address: '127.0.0.1', port: 1783 }).localAddress().port).toBe(1783)
    expect(net.createTransport({ address: '127.0.0.1', port: 0 }).localAddress().port).toBe(40000)
    expect(() => net.createTransport({ address: '127.0.0.1', port: 1783 })).toThrow(/already in use/)
    expect(() => net.createTransport({ address: '127.0.0.1', port: 70000 })).toThrow(InvalidArgumentError)
  })

  it('frees the address on close', async () => {
    const net = new MemoryNetwork()
    const first = net.createTransport({ address: '127.0.0.1', port: 1783 })
    await first.close()
    expect(net.createTransport({ address: '127.0.0.1', port: 1783 }).closed).toBe(false)
  })
})

describe('MemoryNetwork delivery', () => {
  it('queues datagrams until the test delivers them', () => {
    const { net, a, b, received } = pair()
    sendNumbered(a, b, 3)
    expect(received).toHaveLength(0)
    expect(net.pending).toBe(3)
    expect(net.deliverNext()).toBe(true)
    expect(received).toHaveLength(1)
    expect(net.deliverAll()).toBe(2)
    expect(net.deliverNext()).toBe(false)
    expect(received.map((d) => d.bytes[1])).toEqual([0, 1, 2])
  })

  it('deliverAll() leaves replies queued; drain() delivers them too', () => {
    const { net, a, b } = pair()
    b.onDatagram((bytes, from) => b.send(from, bytes))
    const replies = inbox(a)
    a.send(b.localAddress(), Uint8Array.of(5))
    expect(net.deliverAll()).toBe(1)
    expect(replies).toHaveLength(0)
    expect(net.drain()).toBe(1)
    expect(replies).toEqual([{ bytes: [5], from: b.localAddress() }])
  })

  it('drain() stops a feedback loop at its limit', () => {
    const { net, a, b } = pair()
    b.onDatagram((bytes, from) => b.send(from, bytes))
    a.onDatagram((bytes, from) => a.send(from, bytes))
    a.send(b.localAddress(), Uint8Array.of(1))
    expect(() => net.drain(100)).toThrow(/still busy after 100/)
  })

  it('logs every send, with drops, and counts deliveries', () => {
    const { net, a, b } = pair()
    a.send(b.localAddress(), Uint8Array.of(1))
    a.send({ address: '127.9.9.9', port: 9 }, Uint8Array.of(2))
    net.drain()
    expect(
      net.sent.map(({ from, to, bytes, dropped }) => ({ from, to, bytes: [...bytes], dropped })),
    ).toEqual([
      { from: a.localAddress(), to: b.localAddress(), bytes: [1], dropped: false },
      { from: a.localAddress(), to: { address: '127.9.9.9', port: 9 }, bytes: [2], dropped: true },
    ])
    expect(net.stats).toMatchObject({ sent: 2, delivered: 1, dropped: 1 })
  })

  it('drops datagrams for a receiver without handler or closed before delivery', async () => {
    const net = new MemoryNetwork()
    const a = net.createTransport()
    const b = net.createTransport()
    a.send(b.localAddress(), Uint8Array.of(1))
    net.drain()
    inbox(b)
    a.send(b.localAddress(), Uint8Array.of(2))
    await b.close()
    net.drain()
    expect(net.stats).toMatchObject({ delivered: 0, dropped: 2 })
  })

  it('gives each receiver its own copy', () => {
    const net = new MemoryNetwork()
    const [a, b, c] = [net.createTransport(), net.createTransport(), net.createTransport()]
    b.onDatagram((bytes) => bytes.fill(0))
    const atC = inbox(c)
    const payload = Uint8Array.of(7)
    a.send(b.localAddress(), payload)
    a.send(c.localAddress(), payload)
    net.drain()
    expect(atC[0]!.bytes).toEqual([7])
    expect([...net.sent[0]!.bytes]).toEqual([7])
  })

  it('passes errors injected with emitError() to onError', () => {
    const net = new MemoryNetwork()
    const a = net.createTransport()
    const errors: Error[] = []
    a.onError((error) => errors.push(error))
    a.emitError(new Error('EHOSTUNREACH'))
    expect(errors.map((e) => e.message)).toEqual(['EHOSTUNREACH'])
  })
})

describe('MemoryNetwork multicast', () => {
  const group = SIM_GROUP.address

  function members(net: MemoryNetwork, count: number, multicastLoop = true): MemoryTransport[] {
    return Array.from({ length: count }, (_, i) => {
      const t = net.createTransport({ address: `127.0.1.${i + 1}`, port: 1783 }, { multicastLoop })
      t.joinGroup(group)
      return t
    })
  }

  it('delivers a group datagram to every member on the port, including the sender', () => {
    const net = new MemoryNetwork()
    const [m1, m2, m3] = members(net, 3)
    const other = net.createTransport({ address: '127.0.1.9', port: 1784 })
    other.joinGroup(group)
    const boxes = [m1!, m2!, m3!, other].map(inbox)
    m1!.send({ address: group, port: 1783 }, Uint8Array.of(1))
    net.drain()
    expect(boxes.map((box) => box.length)).toEqual([1, 1, 1, 0])
    expect(boxes[1]![0]!.from).toEqual(m1!.localAddress())
    expect(m1!.isOwnAddress(boxes[0]![0]!.from)).toBe(true)
  })

  it('skips the sender when multicastLoop is off, and non-members always', () => {
    const net = new MemoryNetwork()
    const [m1, m2] = members(net, 2, false)
    const outsider = net.createTransport({ address: '127.0.1.8', port: 1783 })
    const boxes = [m1!, m2!, outsider].map(inbox)
    m1!.send({ address: group, port: 1783 }, Uint8Array.of(1))
    m2!.leaveGroup(group)
    m1!.send({ address: group, port: 1783 }, Uint8Array.of(2))
    net.drain()
    expect(boxes.map((box) => box.length)).toEqual([0, 1, 0])
  })

  it('rejects joining a unicast address', () => {
    const net = new MemoryNetwork()
    expect(() => net.createTransport().joinGroup('10.0.0.1')).toThrow(InvalidArgumentError)
  })
})

describe('MemoryNetwork impairments', () => {
  it('honours a seeded loss rate over 10 000 datagrams, reproducibly', () => {
    const run = (seed: number) => {
      const { net, a, b, received } = pair(seed)
      net.impair({ from: a.localAddress(), to: b.localAddress() }, { loss: 0.1 })
      sendNumbered(a, b, 10_000)
      net.drain()
      return { received: received.length, dropped: net.stats.dropped }
    }
    const first = run(7)
    expect(first.received).toBeGreaterThan(8_700)
    expect(first.received).toBeLessThan(9_300)
    expect(first.received + first.dropped).toBe(10_000)
    expect(run(7)).toEqual(first)
    expect(run(8)).not.toEqual(first)
  })

  it('applies only in the selected direction', () => {
    const { net, a, b, received } = pair()
    net.impair({ from: b.localAddress(), to: a.localAddress() }, { blackhole: true })
    const back = inbox(a)
    sendNumbered(a, b, 10)
    b.send(a.localAddress(), Uint8Array.of(1))
    net.drain()
    expect([received.length, back.length]).toEqual([10, 0])
  })

  it('duplicates datagrams', () => {
    const { net, a, b, received } = pair()
    net.impair({}, { duplicate: 0.5 })
    sendNumbered(a, b, 1000)
    net.drain()
    expect(received.length).toBe(1000 + net.stats.duplicated)
    expect(net.stats.duplicated).toBeGreaterThan(400)
    expect(net.stats.duplicated).toBeLessThan(600)
    expect(new Set(received.map((d) => d.bytes.join())).size).toBe(1000)
  })

  it('reorders datagrams without losing any', () => {
    const { net, a, b, received } = pair()
    net.impair({ to: b.localAddress() }, { reorder: 0.2 })
    sendNumbered(a, b, 1000)
    net.drain()
    const order = received.map((d) => (d.bytes[0]! << 8) | d.bytes[1]!)
    const inversions = order.filter((n, i) => i > 0 && n < order[i - 1]!).length
    expect(received).toHaveLength(1000)
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i))
    expect(net.stats.reordered).toBeGreaterThan(100)
    expect(inversions).toBeGreaterThan(100)
  })

  it('corrupts by flipping exactly one bit', () => {
    const { net, a, b, received } = pair()
    net.impair({}, { corrupt: 1 })
    const payload = new Uint8Array(64).fill(0x55)
    for (let i = 0; i < 100; i++) a.send(b.localAddress(), payload)
    net.drain()
    expect(received).toHaveLength(100)
    for (const { bytes } of received) {
      const flipped = bytes.reduce((bits, byte) => bits + popcount(byte ^ 0x55), 0)
      expect(flipped).toBe(1)
    }
    expect(net.stats.corrupted).toBe(100)
    expect([...net.sent[0]!.bytes]).toEqual([...payload])
  })

  it('loses datagrams in bursts with the Gilbert–Elliott model', () => {
    const { net, a, b, received } = pair(3)
    net.impair({}, { burst: { pGoodToBad: 0.01, pBadToGood: 0.25 } })
    sendNumbered(a, b, 10_000)
    net.drain()
    const lost = lostRuns(
      received.map((d) => (d.bytes[0]! << 8) | d.bytes[1]!),
      10_000,
    )
    const total = lost.reduce((sum, run) => sum + run, 0)
    // Stationary loss p/(p+r) ≈ 3.8 %, mean burst 1/r = 4.
    expect(total / 10_000).toBeGreaterThan(0.02)
    expect(total / 10_000).toBeLessThan(0.06)
    expect(total / lost.length).toBeGreaterThan(2.5)
  })

  it('blackholes a link until the impairment is removed', () => {
    const { net, a, b, received } = pair()
    const heal = net.impair({ to: b.localAddress() }, { blackhole: true })
    sendNumbered(a, b, 5)
    net.drain()
    expect(received).toHaveLength(0)
    heal()
    sendNumbered(a, b, 5)
    net.impair({}, { blackhole: true })
    net.clearImpairments()
    sendNumbered(a, b, 5)
    net.drain()
    expect(received).toHaveLength(10)
    expect(net.sent.filter((s) => s.dropped)).toHaveLength(5)
  })

  it('impairs each receiver of a group datagram separately', () => {
    const net = new MemoryNetwork()
    const group = SIM_GROUP
    const [m1, m2] = [1, 2].map((i) => net.createTransport({ address: `127.0.2.${i}`, port: 1783 }))
    for (const m of [m1!, m2!]) m.joinGroup(group.address)
    const boxes = [m1!, m2!].map(inbox)
    net.impair({ to: m2!.localAddress() }, { blackhole: true })
    m1!.send(group, Uint8Array.of(1))
    net.impair({ to: group }, { blackhole: true })
    m1!.send(group, Uint8Array.of(2))
    net.drain()
    expect(boxes.map((box) => box.length)).toEqual([1, 0])
  })

  it('rejects rates outside [0, 1]', () => {
    const net = new MemoryNetwork()
    expect(() => net.impair({}, { loss: 1.5 })).toThrow(InvalidArgumentError)
    expect(() => net.impair({}, { burst: { pGoodToBad: -0.1, pBadToGood: 0.5 } })).toThrow(/burst.pGoodToBad/)
  })
})

function popcount(byte: number): number {
  let bits = 0
  for (let b = byte; b > 0; b >>= 1) bits += b & 1
  return bits
}

/** Lengths of the runs of consecutive numbers missing from `received` (0…total-1, in order). */
function lostRuns(received: number[], total: number): number[] {
  const got = new Set(received)
  const runs: number[] = []
  let run = 0
  for (let n = 0; n < total; n++) {
    if (!got.has(n)) run++
    else if (run > 0) {
      runs.push(run)
      run = 0
    }
  }
  if (run > 0) runs.push(run)
  return runs
}
