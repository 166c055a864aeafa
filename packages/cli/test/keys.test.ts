import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'

const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-keys-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function run(argv: string[], options?: ConstructorParameters<typeof FakeIo>[0]) {
  const fake = new FakeIo(options)
  const status = await main(argv, fake.io)
  return { status, fake }
}

describe('keygen and pubkey', () => {
  it('keygen psk prints 64 hex characters, a new key each time', async () => {
    const a = await run(['keygen', 'psk'])
    const b = await run(['keygen', 'psk'])
    expect(a.status).toBe(0)
    expect(a.fake.stdout).toMatch(/^[0-9a-f]{64}\n$/)
    expect(a.fake.stdout).not.toBe(b.fake.stdout)
    const json = await run(['keygen', 'psk', '--json'])
    expect(json.fake.records()[0]).toEqual({ event: 'psk', psk: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })

  it('keygen ecc prints {"publicKey","secretKey"} and pubkey derives the same public key', async () => {
    const { status, fake } = await run(['keygen', 'ecc'])
    expect(status).toBe(0)
    expect(fake.lines()).toHaveLength(1)
    const keys = JSON.parse(fake.stdout) as { publicKey: string; secretKey: string }
    expect(Object.keys(keys)).toEqual(['publicKey', 'secretKey'])
    expect(keys.publicKey).toMatch(/^[0-9a-f]{64}$/)
    expect(keys.secretKey).toMatch(/^[0-9a-f]{64}$/)

    const file = join(dir, 'secret.key')
    await writeFile(file, `${keys.secretKey}\n`, { mode: 0o600 })
    const base64 = Buffer.from(keys.secretKey, 'hex').toString('base64')
    for (const [argv, env] of [
      [['pubkey', keys.secretKey], {}],
      [['pubkey', base64], {}],
      [['pubkey', `@${file}`], {}],
      [['pubkey'], { PAVILLION_SECRET_KEY: keys.secretKey }],
      [['pubkey'], { PAVILLION_SECRET_KEY: `@${file}` }],
    ] as const) {
      const derived = await run([...argv], { env })
      expect(derived.status).toBe(0)
      expect(derived.fake.stdout).toBe(`${keys.publicKey}\n`)
    }
    const json = await run(['pubkey', keys.secretKey, '--json'])
    expect(json.fake.records()).toEqual([{ event: 'pubkey', publicKey: keys.publicKey }])
  })

  it('refuses bad input with one line on stderr, status 2, and never the key text', async () => {
    const secret = 'f'.repeat(63)
    const cases: [string[], RegExp][] = [
      [['keygen', 'rsa'], /keygen makes "psk" or "ecc" keys/],
      [['keygen'], /missing psk\|ecc/],
      [['pubkey', secret], /SECRET: secret key: a 63-character hex string has an odd number of digits/],
      [['pubkey'], /give the secret key/],
      [['pubkey', `@${join(dir, 'missing')}`], /cannot read the file \(ENOENT\)/],
      [['keygen', 'psk', '--frob'], /Unknown option '--frob'.*see pavillion keygen --help/],
    ]
    for (const [argv, message] of cases) {
      const { status, fake } = await run(argv)
      expect(status, argv.join(' ')).toBe(2)
      expect(fake.stdout).toBe('')
      expect(fake.stderr).toMatch(message)
      expect(fake.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(fake.stderr).not.toContain(secret)
    }
  })
})
