import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { captureOf } from '@pavillion/capture/testing'
import { type DatagramRecord, hex, loadVectors } from '@pavillion/test-vectors'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'

// `pavillion decode` on captures of the recorded reference session (PSK handshake + secure
// messages), and on every kind of bad input. Real tcpdump captures are decoded in
// packages/capture's own tests.
const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-decode-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

const psk = loadVectors('psk_handshake')
const recs: DatagramRecord[] = [...psk.datagrams!, ...loadVectors('secure_messages').datagrams!]
const address = (socket = ''): [string, number] => {
  const [role, port] = socket.split(':')
  return [role === 'client' ? '127.0.0.2' : '127.0.0.1', Number(port)]
}
const session = captureOf(
  recs.map((r) => ({ src: address(r.src), dst: address(r.dst), payload: hex(r.hex) })),
  { link: 'raw' },
)
const keyFlag = `interop-client01=${psk.psk}`

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, bytes)
  return path
}

async function run(argv: string[]) {
  const fake = new FakeIo()
  const status = await main(argv, fake.io)
  return { status, fake }
}

describe('pavillion decode', () => {
  it('prints every datagram of the session decoded, then a summary (NDJSON)', async () => {
    const path = await file('session.pcap', session)
    const { status, fake } = await run(['decode', path, '--psk-client', keyFlag, '--json'])
    expect(fake.stderr).toBe('')
    expect(status).toBe(0)
    const records = fake.records()
    expect(records).toHaveLength(recs.length + 1)
    for (const [i, rec] of recs.entries())
      expect(records[i], `#${rec.i}`).toMatchObject({ event: 'datagram', kind: rec.kind, size: rec.len })
    expect(records[4]).toMatchObject({
      direction: 'server-to-client',
      client: 'interop-client01',
      message: { type: 'subscribe', target: 'T' },
    })
    expect(records.at(-1)).toMatchObject({
      event: 'summary',
      udp: recs.length,
      decoded: recs.length,
      undecoded: 0,
      problems: [],
    })
  })

  it('text lines name the message and its fields; the PSK may come from a file', async () => {
    const path = await file('session2.pcap', session)
    const key = await file('psk.key', `${psk.psk}\n`)
    const { status, fake } = await run(['decode', path, '--psk-client', `interop-client01=@${key}`])
    expect(status).toBe(0)
    const lines = fake.lines()
    expect(lines[0]).toMatch(
      /^1 0\.000000 127\.0\.0\.2:40002 → 127\.0\.0\.1:1783 101 B setup nonce-request suite=1 clientId="interop-client01"/,
    )
    expect(lines[5]).toMatch(/c→s \[interop-client01\] rpc-call fn=401 args="echo me: hello pavillion"/)
    expect(lines.at(-1)).toMatch(/^30 packet\(s\): 30 Pavillion datagram\(s\), 30 decoded, 0 not decoded/)
    expect(fake.stdout).not.toContain(psk.psk)
  })

  it('without keys: exit 0, secure datagrams listed with the reason', async () => {
    const path = await file('nokeys.pcap', session)
    const { status, fake } = await run(['decode', path, '--json'])
    expect(status).toBe(0)
    expect(fake.records()[5]).toMatchObject({
      kind: 'undecoded',
      reason: 'NO_KEYS',
      detail: expect.stringContaining('--psk-client interop-client01=KEY'),
    })
  })

  it('a wrong PSK: everything listed, then exit 2 naming the key', async () => {
    const path = await file('wrong.pcap', session)
    const { status, fake } = await run([
      'decode',
      path,
      '--psk-client',
      `interop-client01=${'ab'.repeat(32)}`,
    ])
    expect(status).toBe(2)
    expect(fake.lines()).toHaveLength(recs.length + 1)
    expect(fake.stderr).toMatch(
      /^pavillion decode: --psk-client interop-client01: the key does not verify .* \(wrong PSK\)/,
    )
  })

  it('a truncated capture: the complete packets, then exit 2', async () => {
    const path = await file('cut.pcap', session.subarray(0, session.length - 10))
    const { status, fake } = await run(['decode', path, '--json'])
    expect(status).toBe(2)
    expect(fake.records().filter((r) => r.event === 'datagram')).toHaveLength(recs.length - 1)
    expect(fake.stderr).toMatch(
      /^pavillion decode: .*cut\.pcap: pcap file is truncated: packet 30 at byte \d+ needs \d+ bytes, \d+ remain\n$/,
    )
  })

  it('a file that is not a capture, a missing file, no file: exit 2 with the reason', async () => {
    const text = await run(['decode', await file('notes.txt', 'hello, this is not a capture\n')])
    expect(text.status).toBe(2)
    expect(text.fake.stderr).toMatch(/notes\.txt: not a pcap or pcapng capture file/)
    const missing = await run(['decode', join(dir, 'nope.pcap')])
    expect(missing.status).toBe(2)
    expect(missing.fake.stderr).toMatch(/nope\.pcap: cannot read the file \(ENOENT\)/)
    expect((await run(['decode'])).status).toBe(2)
  })

  it('a capture of UDP that is not Pavillion: exit 2, each datagram listed', async () => {
    const dns = captureOf(
      [{ src: ['127.0.0.1', 5000], dst: ['127.0.0.1', 53], payload: Uint8Array.of(1, 2, 3, 4) }],
      { link: 'raw' },
    )
    const { status, fake } = await run(['decode', await file('dns.pcap', dns)])
    expect(status).toBe(2)
    expect(fake.lines()[0]).toMatch(/not decoded \(NOT_PAVILLION\)/)
    expect(fake.stderr).toMatch(/no Pavillion datagram in this capture \(1 UDP datagram\(s\)/)
  })

  it('malformed key flags: exit 2 without echoing the key', async () => {
    const path = await file('flags.pcap', session)
    const bad = await run(['decode', path, '--psk-client', 'interop-client01=not-a-key'])
    expect(bad.status).toBe(2)
    expect(bad.fake.stderr).not.toContain('not-a-key')
    expect((await run(['decode', path, '--psk-client', 'no-equals-sign'])).status).toBe(2)
    expect((await run(['decode', path, '--secret-key', 'zz'])).status).toBe(2)
  })
})
