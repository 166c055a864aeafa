import { mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.ts'

// The smoke tests run the built dist/bin.js: the global setup builds it first.
export default mergeConfig(packageTestConfig('cli'), { test: { globalSetup: ['test/support/build.ts'] } })
