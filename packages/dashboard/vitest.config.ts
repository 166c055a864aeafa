import { packageTestConfig } from '../../vitest.shared.ts'

// Vitest hands the resolve conditions to Node as --conditions too; with
// `import` among them, a CommonJS require('ws') inside @fastify/websocket would
// load ws's ESM wrapper (which lacks WebSocket.Server). Node adds import or
// require by the kind of load anyway, so they are left out here.
const conditions = ['@pavillion/source', 'node', 'default']
const config = packageTestConfig('dashboard')

export default { ...config, resolve: { conditions }, ssr: { resolve: { conditions } } }
