import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

/** The mosquitto binary, or undefined when it is not installed (Debian puts it in /usr/sbin). */
export const MOSQUITTO = ['mosquitto', '/usr/sbin/mosquitto'].find(
  (bin) => spawnSync(bin, ['-h'], { stdio: 'ignore' }).error === undefined,
)

/** Outside CI a machine without mosquitto skips these tests; in CI (which installs it) they must run. */
export const skipWithoutMosquitto = MOSQUITTO === undefined && process.env.CI !== 'true'

/** A free TCP port on 127.0.0.1. */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function accepting(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline)
      throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** How a test's mosquitto is configured. */
export interface MosquittoOptions {
  /** Keep sessions and queued messages across `restart()`. */
  readonly persistent?: boolean
  /** Lines for the listener, e.g. `certfile …`, `keyfile …` for TLS. */
  readonly listener?: readonly string[]
  /** A `mosquitto_passwd` file: anonymous clients are then refused. */
  readonly passwordFile?: string
}

/**
 * A real mosquitto started by the test: its own configuration file in a
 * temporary folder, one listener on 127.0.0.1 and a free port, anonymous
 * clients. `persistent` keeps sessions and queued messages across
 * `restart()` (saved on SIGTERM, as a broker that is restarted does).
 */
export class Mosquitto {
  readonly port: number
  readonly #dir: string
  readonly #conf: string
  #child: ChildProcess | undefined
  #log = ''
  /** Set by the first `close()`; later calls return it. */
  #closing: Promise<void> | undefined

  private constructor(port: number, options: MosquittoOptions) {
    const persistent = options.persistent === true
    this.port = port
    this.#dir = mkdtempSync(join(tmpdir(), 'mosquitto-'))
    this.#conf = join(this.#dir, 'mosquitto.conf')
    const lines = [
      `listener ${port} 127.0.0.1`,
      ...(options.listener ?? []),
      `allow_anonymous ${options.passwordFile === undefined}`,
      ...(options.passwordFile === undefined ? [] : [`password_file ${options.passwordFile}`]),
      `user ${userInfo().username}`,
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      persistent ? 'persistence true' : 'persistence false',
      ...(persistent ? [`persistence_location ${this.#dir}/`, 'autosave_interval 0'] : []),
      'max_queued_messages 100000',
      'max_inflight_messages 0',
    ]
    writeFileSync(this.#conf, `${lines.join('\n')}\n`)
  }

  /** Starts a broker on a free loopback port. */
  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    if (MOSQUITTO === undefined) throw new Error('mosquitto is not installed: apt-get install -y mosquitto')
    const broker = new Mosquitto(await freeTcpPort(), options)
    await broker.#spawn()
    return broker
  }

  /** `mqtt://127.0.0.1:PORT`. */
  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`
  }

  /** Stops the broker (SIGTERM, so a persistent one saves its state) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child
    this.#child = undefined
    if (child === undefined || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }

  /** Starts it again on the same port. */
  async restart(): Promise<void> {
    await this.stop()
    await this.#spawn()
  }

  /** Stops it and removes its folder. Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.#closing ??= this.stop().then(() => rmSync(this.#dir, { recursive: true, force: true }))
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** What mosquitto wrote on stderr (errors and warnings). */
  get log(): string {
    return this.#log
  }

  async #spawn(): Promise<void> {
    const child = spawn(MOSQUITTO!, ['-c', this.#conf], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#log += chunk.toString()
    })
    this.#child = child
    try {
      await accepting(this.port, 10_000)
    } catch (error) {
      throw new Error(`${(error as Error).message}; it said: ${this.#log.trim() || 'nothing'}`)
    }
  }
}
