import { mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.ts'

// The avahi test runs the built dist/ in a child process: the global setup builds it first.
export default mergeConfig(packageTestConfig('discovery'), {
  test: { globalSetup: ['test/support/build.ts'] },
})
