#!/usr/bin/env node
import { main } from './main.ts'
import { Interrupted } from './usage-error.ts'

// SIGINT / SIGTERM abort the running command (servers and subscriptions close cleanly);
// a second signal gets Node's default behaviour.
const interrupt = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => interrupt.abort(new Interrupted(signal)))
}

// A reader that stops early (`pavillion sub … | head -1`) closes the pipe: that ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: () => process.stdin,
  env: process.env,
  signal: interrupt.signal,
})
