import { describe, expect, it } from 'vitest'
import {
  createClient,
  createServer,
  exportKey,
  generatePsk,
  InvalidArgumentError,
  PavillionError,
  parseAddress,
} from '../src/index.ts'
import { planServerSockets } from '../src/server/server-options.ts'

const ID = 'kitchen-sensor-1'
const PSK_HEX = 'ab'.repeat(32)

describe('parseAddress', () => {
  const cases: [number, string, { host: string; port: number }][] = [
    [1, '192.168.1.10:1783', { host: '192.168.1.10', port: 1783 }],
    [2, '192.168.1.10', { host: '192.168.1.10', port: 1783 }],
    [3, '[fe80::1]:40000', { host: 'fe80::1', port: 40000 }],
    [4, '::1', { host: '::1', port: 1783 }],
    [5, 'sensor.local:9', { host: 'sensor.local', port: 9 }],
    [6, ' 239.255.28.12:1783 ', { host: '239.255.28.12', port: 1783 }],
  ]
  it.each(cases)('row %i: %s', (_, input, expected) => {
    expect(parseAddress(input, { option: 'address', defaultPort: 1783 })).toEqual(expected)
  })

  it('accepts { address, port } and refuses bad ports and hosts with InvalidArgumentError', () => {
    expect(parseAddress({ address: '10.0.0.1', port: 5 }, { option: 'a', defaultPort: 1 })).toEqual({
      host: '10.0.0.1',
      port: 5,
    })
    expect(() => parseAddress('1.2.3.4:0', { option: 'address', defaultPort: 1783 })).toThrow(
      InvalidArgumentError,
    )
    expect(() => parseAddress('1.2.3.4:70000', { option: 'address', defaultPort: 1783 })).toThrow(
      /"address": the port 70000 is not an integer 1–65535/,
    )
    expect(() => parseAddress('1.2.3.4:x', { option: 'address', defaultPort: 1783 })).toThrow(
      InvalidArgumentError,
    )
    expect(() => parseAddress('bad host!:1', { option: 'address', defaultPort: 1783 })).toThrow(
      /neither an IP address nor a host name/,
    )
    expect(parseAddress('0.0.0.0:0', { option: 'bind', defaultPort: 0, allowPortZero: true }).port).toBe(0)
    expect(() => parseAddress(42 as never, { option: 'address', defaultPort: 1 })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('createServer refuses bad options before binding anything', () => {
  const cases: [string, Parameters<typeof createServer>[0], typeof InvalidArgumentError, RegExp][] = [
    [
      'multicast without interface',
      { multicast: {} as never },
      InvalidArgumentError,
      /"multicast.interface" is required/,
    ],
    [
      'a group that is not multicast',
      { multicast: { group: '10.0.0.1', interface: '127.0.0.1' } },
      InvalidArgumentError,
      /multicast.group/,
    ],
    ['a port out of range', { port: 65536 }, InvalidArgumentError, /"port" expected an integer 0–65535/],
    [
      'a host name as bind address',
      { bind: 'localhost' },
      InvalidArgumentError,
      /"bind" expected an IP address/,
    ],
    [
      'guests without a key',
      { allowGuests: true },
      InvalidArgumentError,
      /"allowGuests" needs the server's own key/,
    ],
    [
      'ECC clients without a key',
      { clients: { ecc: { [ID]: 'cd'.repeat(32) } } },
      InvalidArgumentError,
      /"clients.ecc" needs/,
    ],
    [
      'a malformed PSK',
      { clients: { psk: { [ID]: 'not a key' } } },
      InvalidArgumentError,
      /clients.psk\["kitchen-sensor-1"\]/,
    ],
    [
      'a 15-byte client ID',
      { clients: { psk: { 'fifteen-bytes!!': PSK_HEX } } },
      InvalidArgumentError,
      /exactly 16 UTF-8 bytes/,
    ],
    ['announce without multicast', { announce: true }, InvalidArgumentError, /announce: \{ interface/],
    [
      'both keyPair and secretKey',
      { secretKey: PSK_HEX, keyPair: {} as never },
      InvalidArgumentError,
      /not both/,
    ],
  ]
  it.each(cases)('%s', async (_, options, type, message) => {
    const rejection = createServer({ bind: '127.0.0.1', port: 0, ...options })
    await expect(rejection).rejects.toThrow(type)
    await expect(rejection).rejects.toThrow(message)
  })

  it('never echoes key material in its messages', async () => {
    const secret = 'zz'.repeat(32)
    const error = await createServer({ clients: { psk: { [ID]: secret } } }).catch((e: unknown) => e)
    expect(String((error as Error).message)).not.toContain(secret)
  })

  it('handshakeCpuShare and the reply limits are checked before any socket is bound', async () => {
    await expect(createServer({ port: 0, bind: '127.0.0.1', handshakeCpuShare: 0 })).rejects.toThrow(
      /"handshakeCpuShare" expected a share of one core in \(0, 1\]/,
    )
    await expect(createServer({ port: 0, bind: '127.0.0.1', handshakeCpuShare: 2 })).rejects.toThrow(
      InvalidArgumentError,
    )
    await expect(
      createServer({ port: 0, bind: '127.0.0.1', handshakeCpuShare: '0.5' as unknown as number }),
    ).rejects.toThrow(InvalidArgumentError)
    const bad = createServer({ port: 0, bind: '127.0.0.1', limits: { repliesPerSecond: -1 } })
    await expect(bad).rejects.toThrow(PavillionError)
    await expect(bad).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    const server = await createServer({ port: 0, bind: '127.0.0.1', handshakeCpuShare: 0.1 })
    await server.close()
  })

  it('rejects with the reason of an already aborted signal', async () => {
    const reason = new Error('stop')
    await expect(createServer({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
  })
})

describe('createClient refuses bad options with a message that says what to do', () => {
  const cases: [string, Record<string, unknown>, typeof InvalidArgumentError, RegExp][] = [
    ['no address', { clientId: ID, psk: PSK_HEX }, InvalidArgumentError, /"address" is required/],
    [
      'a group without interface',
      { address: '239.255.28.12:1783', clientId: ID, psk: PSK_HEX },
      InvalidArgumentError,
      /"multicastInterface" is required/,
    ],
    [
      'a PSK without client ID',
      { address: '127.0.0.1:9', psk: PSK_HEX },
      InvalidArgumentError,
      /"clientId" is required with "psk"/,
    ],
    ['no credentials', { address: '127.0.0.1:9' }, InvalidArgumentError, /give "psk" with "clientId"/],
    [
      'a secret key without server key',
      { address: '127.0.0.1:9', secretKey: PSK_HEX },
      InvalidArgumentError,
      /"serverKey" is required/,
    ],
    [
      'a server key without secret key',
      { address: '127.0.0.1:9', serverKey: PSK_HEX },
      InvalidArgumentError,
      /"secretKey" is required/,
    ],
    [
      'PSK and ECC together',
      { address: '127.0.0.1:9', clientId: ID, psk: PSK_HEX, serverKey: PSK_HEX },
      InvalidArgumentError,
      /not both|both a PSK/,
    ],
    ['a short PSK', { address: '127.0.0.1:9', clientId: ID, psk: 'abcd' }, InvalidArgumentError, /"psk"/],
    [
      'a bad client ID',
      { address: '127.0.0.1:9', clientId: 'short', psk: PSK_HEX },
      InvalidArgumentError,
      /"clientId"/,
    ],
    ['port 0', { address: '127.0.0.1:0', clientId: ID, psk: PSK_HEX }, InvalidArgumentError, /port 0/],
    [
      'a host name as interface',
      { address: '239.255.28.12', multicastInterface: 'lo', clientId: ID, psk: PSK_HEX },
      InvalidArgumentError,
      /"multicastInterface" expected an IP address/,
    ],
    [
      'announce without multicast or interface',
      { address: '127.0.0.1:9', announce: true, clientId: ID, psk: PSK_HEX },
      InvalidArgumentError,
      /announce: \{ interface/,
    ],
    [
      'an announce interface in multicast mode',
      {
        address: '239.255.28.12',
        multicastInterface: '127.0.0.1',
        announce: { interface: '127.0.0.1' },
        clientId: ID,
        psk: PSK_HEX,
      },
      InvalidArgumentError,
      /give true or false/,
    ],
    [
      'a host name as announce interface',
      { address: '127.0.0.1:9', announce: { interface: 'lo' }, clientId: ID, psk: PSK_HEX },
      InvalidArgumentError,
      /"announce.interface" expected an IP address/,
    ],
  ]
  it.each(cases)('%s', async (_, options, type, message) => {
    const rejection = createClient(options as never)
    await expect(rejection).rejects.toThrow(type)
    await expect(rejection).rejects.toThrow(message)
  })

  it('accepts a PresharedKey object, hex and base64 alike', async () => {
    const psk = await generatePsk()
    const hex = exportKey(psk)
    const base64 = Buffer.from(hex, 'hex').toString('base64')
    for (const key of [psk, hex, base64]) {
      const client = await createClient({ address: '127.0.0.1:9', bind: '127.0.0.1', clientId: ID, psk: key })
      await client.close()
    }
  })
})

describe('planServerSockets: the spec defaults, and announcements only when asked', () => {
  it('unicast: 0.0.0.0:1783, separate send socket, no shared port, no announcement', () => {
    expect(planServerSockets({})).toEqual({
      transport: { bind: { address: '0.0.0.0', port: 1783 }, separateSendSocket: true, reuseAddress: false },
      announce: undefined,
    })
  })

  it('unicast with announce: { interface } announces to 224.0.0.251:2221 through that interface only', () => {
    const plan = planServerSockets({ bind: '192.0.2.5', port: 0, announce: { interface: '192.0.2.5' } })
    expect(plan.transport.multicast).toEqual({ interface: '192.0.2.5' })
    expect(plan.announce).toEqual({ address: '224.0.0.251', port: 2221 })
  })

  it('multicast: the default group, a shared port, announced on the group (port filled in once bound)', () => {
    expect(planServerSockets({ multicast: { interface: '127.0.0.1' } })).toEqual({
      transport: {
        bind: { address: '0.0.0.0', port: 1783 },
        separateSendSocket: true,
        reuseAddress: true,
        multicast: { group: '239.255.28.12', interface: '127.0.0.1' },
      },
      announce: { address: '239.255.28.12' },
    })
    expect(
      planServerSockets({ multicast: { interface: '127.0.0.1' }, announce: false }).announce,
    ).toBeUndefined()
  })
})
