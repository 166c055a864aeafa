import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseClientId, parsePsk, parseSecretKey } from 'pavillion/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CaptureKeys,
  type CaptureRecord,
  captureFormat,
  openCaptureDecoder,
  readCapture,
} from '../src/index.ts'
import {
  ECC_CLIENT,
  type EccSession,
  eccSession,
  HOSTS,
  PSK_CLIENT,
  pskSession,
  sendForeignUdp,
} from './support/session.ts'
import { installed, packetsIn, recordCapture, toPcapng } from './support/tcpdump.ts'

// Real sessions between our server and client over loopback UDP, captured by tcpdump while they
// run (the tests run in a private network namespace, as CI runs them), then decoded.
const ready = installed('tcpdump') && installed('editcap')
if (!ready && process.env.CI) throw new Error('tcpdump and editcap must be installed (.ci/run installs them)')

const dir = process.env.CAPTURE_DEBUG_DIR ?? (await mkdtemp(join(tmpdir(), 'pavillion-capture-')))
const files = {
  psk: join(dir, 'psk.pcap'),
  ecc: join(dir, 'ecc-sll2-ns.pcap'),
  eccNg: join(dir, 'ecc.pcapng'),
}
let psk = ''
let ecc: EccSession = { serverSecret: '', clientSecret: '', datagrams: 0 }

afterAll(() => (process.env.CAPTURE_DEBUG_DIR ? undefined : rm(dir, { recursive: true, force: true })))

/** The records of our session: every datagram to or from the client's one address (the only client). */
function sessionOf(records: CaptureRecord[], clientId: string): CaptureRecord[] {
  const first = records.find(
    (r) =>
      r.decoded.kind === 'setup' &&
      r.decoded.message.type === 'nonce-request' &&
      new TextDecoder().decode(r.decoded.message.clientId) === clientId,
  )
  expect(first, `no nonce request from ${clientId}`).toBeDefined()
  const client = first!.src
  return records.filter((r) => r.src === client || r.dst === client)
}

async function decodeFile(path: string, keys: CaptureKeys) {
  const decoder = await openCaptureDecoder(keys)
  const records = [...decoder.records(await readFile(path))]
  return { decoder, records }
}

const types = (records: CaptureRecord[]) =>
  records.map((r) =>
    r.decoded.kind === 'undecoded' ? `undecoded:${r.decoded.reason}` : r.decoded.message.type,
  )

describe.skipIf(!ready)('captures of real sessions recorded with tcpdump', () => {
  beforeAll(async () => {
    const host = HOSTS.tcpdump
    await recordCapture(
      files.psk,
      async () => {
        psk = (await pskSession(host)).psk
        await sendForeignUdp(host, 3)
      },
      { host },
    )
    // On `any`, on a loaded machine, tcpdump's file now and then lacks one of the session's datagrams
    // (2 of 5 CI runs of the whole suite; never when run alone): record again when tcpdump's own count
    // of the file is short of what client and server sent. The decoding checks below stay strict.
    for (let attempt = 1; attempt <= 3; attempt++) {
      await recordCapture(
        files.ecc,
        async () => {
          ecc = await eccSession(host)
        },
        { host, iface: 'any', flags: ['-y', 'LINUX_SLL2', '--time-stamp-precision=nano'] },
      )
      if (packetsIn(files.ecc) >= ecc.datagrams) break
    }
    toPcapng(files.ecc, files.eccNg)
  }, 60_000)

  it('a PSK session on lo (Ethernet, pcap): every datagram decodes with the PSK', async () => {
    const { decoder, records } = await decodeFile(files.psk, {
      psk: [{ clientId: parseClientId(PSK_CLIENT), psk: parsePsk(psk) }],
    })
    const session = sessionOf(records, PSK_CLIENT)
    const seen = types(session)
    expect(
      seen.filter((t) => t.startsWith('undecoded')),
      seen.join(' '),
    ).toEqual([])
    for (const type of [
      'nonce-request',
      'psk-nonce',
      'psk-client-info',
      'session-accepted',
      'rpc-call',
      'rpc-response',
      'reliable',
      'ack',
      'quit',
    ])
      expect(seen, `${type} in ${seen.join(' ')}`).toContain(type)
    const call = session.find((r) => r.decoded.kind === 'secure' && r.decoded.message.type === 'rpc-call')!
    expect(call.decoded).toMatchObject({
      direction: 'client-to-server',
      client: PSK_CLIENT,
      message: { fn: 401, args: new TextEncoder().encode('stressed') },
    })
    const response = session.find(
      (r) => r.decoded.kind === 'secure' && r.decoded.message.type === 'rpc-response',
    )!
    expect(response.decoded).toMatchObject({
      direction: 'server-to-client',
      message: { status: 0, data: new TextEncoder().encode('desserts') },
    })
    const info = session.find(
      (r) => r.decoded.kind === 'setup' && r.decoded.message.type === 'psk-client-info',
    )!
    expect(info.decoded).toMatchObject({ notes: [expect.stringContaining('hash verified')] })
    expect(decoder.problems()).toEqual([])
    // The three datagrams that are not Pavillion are listed with their reason.
    const foreign = records.filter(
      (r) => r.decoded.kind === 'undecoded' && r.decoded.reason === 'NOT_PAVILLION',
    )
    expect(foreign).toHaveLength(3)
    expect(decoder.summary()).toMatchObject({ foreign: 3 })
  })

  it('without keys the setup messages decode and the secure ones name the client to give a key for', async () => {
    const { records } = await decodeFile(files.psk, {})
    const session = sessionOf(records, PSK_CLIENT)
    for (const r of session) {
      if (r.decoded.kind === 'setup') continue
      expect(r.decoded).toMatchObject({
        kind: 'undecoded',
        reason: 'NO_KEYS',
        detail: expect.stringContaining(PSK_CLIENT),
      })
    }
    expect(session.filter((r) => r.decoded.kind === 'setup').length).toBeGreaterThanOrEqual(4)
  })

  it('a wrong PSK is reported as a problem, and nothing is decrypted with it', async () => {
    const wrong = parsePsk('00'.repeat(32))
    const { decoder, records } = await decodeFile(files.psk, {
      psk: [{ clientId: parseClientId(PSK_CLIENT), psk: wrong }],
    })
    expect(records.some((r) => r.decoded.kind === 'secure')).toBe(false)
    expect(decoder.problems().join(' ')).toMatch(/--psk-client capture-client01: the key does not verify/)
  })

  it('an ECC session on any (Linux cooked v2, nanosecond pcap, and as pcapng): decodes with the server key', async () => {
    for (const path of [files.ecc, files.eccNg]) {
      const bytes = await readFile(path)
      expect(captureFormat(bytes)).toBe(path.endsWith('.pcapng') ? 'pcapng' : 'pcap')
      expect([...readCapture(bytes)].every((p) => p.linkType === 276)).toBe(true)
      const { decoder, records } = await decodeFile(path, { secretKeys: [parseSecretKey(ecc.serverSecret)] })
      const session = sessionOf(records, ECC_CLIENT)
      const seen = types(session)
      expect(
        seen.filter((t) => t.startsWith('undecoded')),
        seen.join(' '),
      ).toEqual([])
      for (const type of [
        'nonce-request',
        'ecc-nonce',
        'ecc-client-info',
        'session-accepted',
        'rpc-call',
        'rpc-response',
        'quit',
      ])
        expect(seen, `${type} in ${seen.join(' ')}`).toContain(type)
      const accepted = session.find(
        (r) => r.decoded.kind === 'setup' && r.decoded.message.type === 'session-accepted',
      )!
      expect(accepted.decoded).toMatchObject({ notes: ['session ID matches the handshake'] })
      expect(decoder.problems()).toEqual([])
    }
  })

  it("an ECC session also decodes with the client's secret key and the server's", async () => {
    const keys = { secretKeys: [parseSecretKey(ecc.clientSecret), parseSecretKey(ecc.serverSecret)] }
    const { records } = await decodeFile(files.eccNg, keys)
    expect(types(sessionOf(records, ECC_CLIENT)).filter((t) => t.startsWith('undecoded'))).toEqual([])
  })

  it('a secret key that opens nothing is reported', async () => {
    const { decoder } = await decodeFile(files.eccNg, { secretKeys: [parseSecretKey('11'.repeat(32))] })
    expect(decoder.problems().join(' ')).toMatch(/open none of the \d+ ECC handshake/)
  })
})
