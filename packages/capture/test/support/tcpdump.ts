import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

/** Whether a program is on PATH. */
export function installed(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** What to capture: the loopback address of the sessions, the interface (`lo`, or `any` for Linux cooked frames) and extra tcpdump flags. */
export interface CaptureOptions {
  readonly host: string
  readonly iface?: 'lo' | 'any'
  readonly flags?: readonly string[]
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

/**
 * Runs `session` while tcpdump writes every UDP packet to or from `options.host`
 * (the address of the sessions in session.ts) on loopback to `path`; the tests
 * run in a private network namespace. Bounded: at most 4000 packets, and tcpdump is stopped
 * (SIGINT, then SIGKILL after 10 s) as soon as the session ends.
 */
export async function recordCapture(
  path: string,
  session: () => Promise<void>,
  options: CaptureOptions,
): Promise<void> {
  const args = [
    '-i',
    options.iface ?? 'lo',
    // Hand each packet over at once: without it a block of the capture ring may still be open when tcpdump stops.
    '--immediate-mode',
    '-U',
    '-n',
    '-Z',
    'root',
    '-s',
    '0',
    '-c',
    '4000',
    ...(options.flags ?? []),
    '-w',
    path,
    `udp and host ${options.host}`,
  ]
  const tcpdump = spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start within 10 s: ${stderr}`)), 10_000)
    tcpdump.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('listening on')) {
        clearTimeout(timer)
        resolve()
      }
    })
    tcpdump.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`tcpdump exited with ${code}: ${stderr}`))
    })
  })
  tcpdump.removeAllListeners('exit')
  try {
    await session()
    await quiet(path)
  } finally {
    tcpdump.kill('SIGINT')
    if (!(await exited(tcpdump, 10_000))) tcpdump.kill('SIGKILL')
  }
}

/**
 * Waits until tcpdump has written the last packets (-U writes each at once, but tcpdump may not have
 * been scheduled yet on a busy machine): the file has not grown for one second, or 15 s passed.
 */
async function quiet(path: string): Promise<void> {
  const sizeOf = () => (existsSync(path) ? statSync(path).size : 0)
  let size = sizeOf()
  let stableSince = performance.now()
  for (const started = performance.now(); performance.now() - started < 15_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = sizeOf()
    if (now !== size) {
      size = now
      stableSince = performance.now()
    } else if (performance.now() - stableSince >= 1_000) return
  }
}

/** Converts a capture to pcapng with Wireshark's editcap. */
export function toPcapng(from: string, to: string): void {
  execFileSync('editcap', ['-F', 'pcapng', from, to], { stdio: 'ignore' })
}

/** How many packets tcpdump itself reads from a capture file (an independent count, not our reader's). */
export function packetsIn(path: string): number {
  const listing = execFileSync('tcpdump', ['-n', '-r', path], { stdio: ['ignore', 'pipe', 'ignore'] })
  return listing.toString().split('\n').filter(Boolean).length
}
