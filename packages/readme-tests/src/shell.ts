import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { delimiter } from 'node:path'
import type { Readable } from 'node:stream'
import { outcomeOf, type RunResult } from './run.ts'

/** One command of a `sh` block, as a user pastes it. */
export interface ShellCommand {
  /** The command as bash runs it: its comment and a trailing `&` removed. */
  readonly text: string
  /**
   * Kept running beside the next commands: it ended with `&`, or it runs
   * until interrupted (`pavillion serve`, `ui`, `bridge`) — a user would leave
   * it in its terminal and type the rest in another.
   */
  readonly background: boolean
}

/** Commands that run until interrupted even without `&`. */
const LONG_RUNNING = /^pavillion\s+(serve|ui|bridge)\b/

/**
 * The commands of a `sh` block: one per line (a line ending in `\` goes on
 * on the next), comments (`# …` after a blank or at the start) and blank
 * lines dropped.
 */
export function shellCommands(code: string): ShellCommand[] {
  const commands: ShellCommand[] = []
  let pending = ''
  for (const raw of code.split('\n')) {
    const line = pending + raw
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `
      continue
    }
    pending = ''
    const command = line.replace(/(^|\s)#.*$/, '').trim()
    if (command === '') continue
    const ampersand = command.endsWith('&') && !command.endsWith('&&')
    const text = ampersand ? command.slice(0, -1).trim() : command
    commands.push({ text, background: ampersand || LONG_RUNNING.test(text) })
  }
  return commands
}

type Child = ChildProcessByStdio<null, Readable, Readable>

interface Job {
  readonly text: string
  readonly child: Child
  readonly done: Promise<RunResult>
}

/** The longest a background job may live: it is interrupted at the end of its session long before. */
const JOB_LIFETIME = 600_000

/**
 * One terminal session: commands run one after the other by bash in one
 * directory, with `bin` first on the PATH. A foreground command must exit 0
 * within the timeout; a background one must print its first line (a server's
 * ready line) within it, and is interrupted with SIGINT, as Ctrl-C would,
 * when the session stops — it must then exit 0 by itself.
 */
export class ShellSession {
  readonly #cwd: string
  readonly #env: NodeJS.ProcessEnv
  readonly #timeoutMs: number
  readonly #jobs: Job[] = []

  constructor(cwd: string, bin: string, timeoutMs: number) {
    this.#cwd = cwd
    this.#env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }
    this.#timeoutMs = timeoutMs
  }

  /** Runs `command`; returns why it did not do what the README implies, if it did not. */
  async run(command: ShellCommand): Promise<string | undefined> {
    if (!command.background) {
      const result = await outcomeOf(this.#spawn(command.text), this.#timeoutMs)
      if (result.timedOut) return `still running after ${this.#timeoutMs} ms`
      return result.code === 0 ? undefined : `exit status ${result.code}: ${result.stderr.trim()}`
    }
    // `exec`: the command itself gets the interrupt, not a shell around it.
    const child = this.#spawn(`exec ${command.text}`)
    const done = outcomeOf(child, JOB_LIFETIME)
    this.#jobs.push({ text: command.text, child, done })
    if (await firstLine(child, done, this.#timeoutMs)) return undefined
    const result = await Promise.race([done, undefined]) // `done` first: its result when it has ended
    return result === undefined
      ? `printed no line within ${this.#timeoutMs} ms`
      : `exit status ${result.code} before printing a line: ${result.stderr.trim()}`
  }

  /** Interrupts every background job and waits for each; returns why any ended badly. */
  async stop(): Promise<string[]> {
    const problems: string[] = []
    for (const job of this.#jobs.splice(0)) {
      job.child.kill('SIGINT')
      const kill = setTimeout(() => job.child.kill('SIGKILL'), this.#timeoutMs)
      const result = await job.done
      clearTimeout(kill)
      if (result.code !== 0) {
        const how = result.code === null ? `killed by ${result.signal}` : `exit status ${result.code}`
        problems.push(`${job.text}: ${how} after the interrupt: ${result.stderr.trim()}`)
      }
    }
    return problems
  }

  #spawn(script: string): Child {
    return spawn('bash', ['-c', script], {
      cwd: this.#cwd,
      env: this.#env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  }
}

/** True once `child` printed a whole line on stdout or stderr; false when it ended or `timeoutMs` passed first. */
function firstLine(child: Child, done: Promise<RunResult>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = ''
    const finish = (ok: boolean): void => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stderr.off('data', onData)
      resolve(ok)
    }
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8')
      if (seen.includes('\n')) finish(true)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = setTimeout(() => finish(false), timeoutMs)
    void done.then(() => finish(seen.includes('\n')))
  })
}
