import { defineConfig } from 'vitest/config'

// Vitest 5 reports failures with Map.groupBy, which Node 20 lacks: without it a
// failing test crashes the reporter instead of being printed.
if (typeof Map.groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>()
      let index = 0
      for (const item of items) {
        const key = keyOf(item, index++)
        const group = groups.get(key)
        if (group === undefined) groups.set(key, [item])
        else group.push(item)
      }
      return groups
    },
  })
}

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
