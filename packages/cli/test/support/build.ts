import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Vitest global setup: builds this package (and what it references) so the smoke tests can run dist/bin.js. */
export default function build(): void {
  execFileSync('npx', ['tsc', '-b'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  })
}
