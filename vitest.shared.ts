import { defineConfig } from 'vitest/config'

/**
 * The vitest configuration every package uses.
 *
 * Workspace packages resolve each other through the `@pavillion/source`
 * export condition, so tests run against `src/` without a build. When
 * `PAVILLION_TEST_REPORT` is set (CI), each package also writes vitest's JSON
 * report to `.vitest-report.json`, which `.ci/run` adds up.
 */
export function packageTestConfig(name: string) {
  const conditions = ['@pavillion/source', 'node', 'import', 'module', 'default']
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      reporters: process.env.PAVILLION_TEST_REPORT
        ? ['default', ['json', { outputFile: '.vitest-report.json' }]]
        : ['default'],
    },
  })
}
