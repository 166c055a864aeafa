import { main } from '../../src/main.ts'
import { FakeIo, waitUntil } from './fake-io.ts'

/** A `pavillion serve --json` running in-process, its port read from its first record. */
export interface RunningServer {
  readonly fake: FakeIo
  readonly port: number
  readonly status: Promise<number>
  /** Interrupts the server (as SIGINT) and resolves with its exit status. */
  stop(): Promise<number>
}

/** Starts `pavillion serve --json ARGS` in-process and waits for its `listening` record. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const fake = new FakeIo({ env })
  const status = main(['serve', '--json', ...args], fake.io)
  let exited = false
  void status.then(() => {
    exited = true
  })
  if (!(await waitUntil(() => exited || fake.lines().length > 0))) throw new Error('serve printed nothing')
  if (exited) throw new Error(`serve exited: ${fake.stderr}`)
  const first = fake.records()[0]
  if (first?.event !== 'listening') throw new Error(`unexpected first record ${fake.lines()[0]}`)
  return {
    fake,
    port: first.port as number,
    status,
    stop: () => {
      fake.interrupt()
      return status
    },
  }
}
