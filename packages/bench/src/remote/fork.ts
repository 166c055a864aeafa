import { type ChildProcess, fork } from 'node:child_process'
import type { ToChild, ToParent } from './messages.ts'

const WORKER = new URL('./worker.js', import.meta.url)

/** Every child still running, killed if the parent exits early. */
const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** A role running in a child process. */
export interface RemoteRole {
  /** What the role reported when it started (e.g. its port). */
  readonly info: unknown
  /** Sends a request and waits (at most `timeoutMs`) for the reply. */
  request<T>(request: unknown, timeoutMs?: number): Promise<T>
  /** Asks the role to close, waits for the child to exit (killing it after 10 s). */
  close(): Promise<void>
}

/**
 * Forks a process playing `role` of `scenario` with `params` and resolves
 * once it reports ready (rejects after `timeoutMs`, the child killed).
 * The child inherits this process's Node.js flags (e.g. `--cpu-prof`).
 */
export async function spawnRole(
  scenario: string,
  role: string,
  params: unknown,
  timeoutMs = 60_000,
): Promise<RemoteRole> {
  const child = fork(WORKER, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  let nextId = 0
  let started: ((info: unknown) => void) | undefined
  let failedStart: ((error: Error) => void) | undefined
  let closed: (() => void) | undefined
  const fail = (message: string) => {
    const error = new Error(`${scenario}/${role}: ${message}`)
    failedStart?.(error)
    for (const pending of waiting.values()) pending.reject(error)
    waiting.clear()
  }
  child.on('message', (message: ToParent) => {
    if (message.type === 'ready') started?.(message.info)
    else if (message.type === 'closed') closed?.()
    else if (message.type === 'reply' || message.type === 'failed') {
      if (message.id === undefined) return fail(message.type === 'failed' ? message.message : 'no id')
      const pending = waiting.get(message.id)
      waiting.delete(message.id)
      if (message.type === 'reply') pending?.resolve(message.value)
      else pending?.reject(new Error(`${scenario}/${role}: ${message.message}`))
    }
  })
  child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) unexpectedly`))
  const post = (message: ToChild) => child.send(message)
  const info = await within(
    new Promise<unknown>((resolve, reject) => {
      started = resolve
      failedStart = reject
      post({ type: 'start', scenario, role, params })
    }),
    timeoutMs,
    () => child.kill('SIGKILL'),
  )
  return {
    info,
    request<T>(request: unknown, requestTimeoutMs = 120_000): Promise<T> {
      const id = nextId++
      return within(
        new Promise<T>((resolve, reject) => {
          waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
          post({ type: 'request', id, request })
        }),
        requestTimeoutMs,
        () => child.kill('SIGKILL'),
      )
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      await within(
        new Promise<void>((resolve) => {
          closed = resolve
          post({ type: 'close' })
        }),
        10_000,
        () => child.kill('SIGKILL'),
      ).catch(() => undefined)
      await exited
    },
  }
}

/** `promise`, or a rejection after `ms` (calling `onTimeout` first). */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout()
      reject(new Error(`no answer within ${ms} ms`))
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
