import { defineConfig } from 'vitest/config'

/** Runs every package's tests from the repository root (editors, `npx vitest`). */
export default defineConfig({
  test: { projects: ['packages/*'] },
})
