import { describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'

// Bad input is refused before anything is sent (no server listens at 127.0.0.1:1): status 2 and one
// line on stderr, worded the same way by every command.
const KEY = '00'.repeat(32)
const credentials = ['--client-id', 'kitchen-sensor-1', '--psk', KEY]
const big = 'a'.repeat(5000)
const notUtf8 = 'a\uFFFDb' // what Node makes of the bytes 61 ff 62 on the command line

async function refused(argv: string[]): Promise<string> {
  const fake = new FakeIo()
  const [command = '', ...rest] = argv
  const status = await main([command, ...credentials, ...rest], fake.io) // a later flag wins
  expect(fake.stdout).toBe('')
  expect(fake.stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(status, fake.stderr).toBe(2)
  return fake.stderr.trimEnd()
}

describe('input errors', () => {
  it('name a positional argument as the usage line does, an option with its dashes', async () => {
    expect(await refused(['call', '127.0.0.1:1', '70000'])).toBe(
      'pavillion call: FN expected an integer 0–65535, got "70000"',
    )
    expect(await refused(['pub', '127.0.0.1:1', 't', 'n', 'x', '--count', '0'])).toBe(
      'pavillion pub: --count expected an integer 1–1000000, got "0"',
    )
  })

  it('say in the same words for call, pub and ping that a payload must fit one datagram', async () => {
    const tail = 'bytes of payload: it travels in one 4096-byte datagram with its header and encryption'
    expect(await refused(['call', '127.0.0.1:1', '401', big])).toBe(
      `pavillion call: PAYLOAD is 5000 bytes; a call carries at most 4058 ${tail}`,
    )
    expect(await refused(['ping', '127.0.0.1:1', '--size', '5000'])).toBe(
      `pavillion ping: --size is 5000 bytes; a call carries at most 4058 ${tail}`,
    )
    // The message's target and name share the datagram: 4061 plaintext bytes less 16 for these.
    expect(await refused(['pub', '127.0.0.1:1', 'lights', 'kitchen', big])).toBe(
      `pavillion pub: PAYLOAD is 5000 bytes; a message to lights/kitchen carries at most 4045 ${tail}`,
    )
  })

  it('refuse arguments that were not UTF-8 instead of sending U+FFFD in their place', async () => {
    expect(await refused(['call', '127.0.0.1:1', '401', notUtf8])).toBe(
      'pavillion call: PAYLOAD is not valid UTF-8 (the command line can only carry UTF-8 text); give the bytes as hex with --hex, or on standard input with --stdin',
    )
    expect(await refused(['pub', '127.0.0.1:1', notUtf8, 'n', 'x'])).toMatch(
      /^pavillion pub: TARGET is not valid UTF-8/,
    )
    expect(await refused(['pub', '127.0.0.1:1', 't', notUtf8, 'x'])).toMatch(
      /^pavillion pub: NAME is not valid UTF-8/,
    )
    expect(await refused(['sub', '127.0.0.1:1', 'lights', notUtf8])).toMatch(
      /^pavillion sub: TARGET is not valid UTF-8/,
    )
  })

  it('call a hex PSK of the wrong length hex, not base64', async () => {
    expect(await refused(['call', '127.0.0.1:1', '401', 'hi', '--psk', '0011'])).toMatch(
      /^pavillion call: --psk: PSK: a 4-character hex string gives 2 bytes, not 32; /,
    )
  })
})
