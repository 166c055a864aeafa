import { mergeConfig } from 'vitest/config'
import { packageTestConfig } from '../../vitest.shared.ts'

// Vitest hands the resolve conditions to Node as --conditions too; with
// `import` among them, a CommonJS require('ws') inside @fastify/websocket
// (under `pavillion ui`) would load ws's ESM wrapper, which lacks
// WebSocket.Server. Node adds import or require by the kind of load anyway.
const conditions = ['@pavillion/source', 'node', 'default']
const config = packageTestConfig('cli')

// The smoke tests run the built dist/bin.js: the global setup builds it first.
export default mergeConfig(
  { ...config, resolve: { conditions }, ssr: { resolve: { conditions } } },
  { test: { globalSetup: ['test/support/build.ts'] } },
)
