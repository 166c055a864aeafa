import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Vitest global setup: builds this package, so the avahi test's child process can import dist/. */
export default function build(): void {
  execFileSync('npx', ['tsc', '-b'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  })
}
