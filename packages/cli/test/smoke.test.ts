import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'

// The real executable, as a user runs it: node dist/bin.js (built by the global setup).
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url))
const ID = 'cli-smoke-client'
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

async function run(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      timeout: 15_000,
    })
    return { status: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** Starts `serve` as a child and resolves with it and its port (the first NDJSON line). */
function serveChild(args: string[]): Promise<{ child: ChildProcess; port: number; lines: string[] }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const lines: string[] = []
  return new Promise((resolve, reject) => {
    let buffered = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        if (lines.length === 1) resolve({ child, port: (JSON.parse(line) as { port: number }).port, lines })
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
  })
}

describe('dist/bin.js', () => {
  it('prints a PSK, its version, and exits 2 with one line for an unknown command', async () => {
    const key = await run(['keygen', 'psk'])
    expect(key).toEqual({ status: 0, stdout: expect.stringMatching(/^[0-9a-f]{64}\n$/), stderr: '' })
    expect((await run(['--version'])).stdout).toBe('0.1.0\n')
    expect((await run(['--version', '--verbose'])).stdout).toMatch(
      /^pavillion 0\.1\.0\nnode v\S+ \(.+\)\ncrypto backend: (native|wasm) \(/,
    )
    const unknown = await run(['frobnicate'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toBe(
      'pavillion: unknown command "frobnicate"; run pavillion --help for the list\n',
    )
  })

  it('serves until SIGINT (exit 0) while a child call succeeds and a remote error exits 1', async () => {
    const psk = (await run(['keygen', 'psk'])).stdout.trim()
    const { child, port, lines } = await serveChild([
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--psk-client',
      `${ID}=${psk}`,
    ])
    const called = await run(['call', `127.0.0.1:${port}`, '0', 'over a real process', '--client-id', ID], {
      PAVILLION_PSK: psk,
    })
    expect(called).toEqual({ status: 0, stdout: 'over a real process\n', stderr: '' })
    const failed = await run(['call', `127.0.0.1:${port}`, '4321', '--client-id', ID], { PAVILLION_PSK: psk })
    expect(failed.status).toBe(1)
    expect(failed.stderr.trimEnd().split('\n')).toHaveLength(1)

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    expect(JSON.parse(lines.at(-1) ?? '{}')).toEqual({ event: 'closed' })
  })
})
