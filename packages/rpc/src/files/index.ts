/**
 * @packageDocumentation
 * The file service of PROTOCOL.md §12 for Node.js (`@pavillion/rpc/files`):
 * read, write, write-into, delete and list, confined to one directory.
 * Separate from the main entry so that `@pavillion/rpc` itself needs no
 * `node:fs`.
 *
 * @example
 * ```ts
 * import { RpcServer } from '@pavillion/rpc'
 * import { serveFiles } from '@pavillion/rpc/files'
 *
 * const rpc = new RpcServer(server)
 * const stop = await serveFiles(rpc, { root: '/srv/pavillion', maxFileSize: 1 << 20 })
 * // clients: await rpcClient.writeFile('notes.txt', bytes); await rpcClient.readFile('notes.txt')
 * stop()
 * ```
 */
export { type FileServiceOptions, type FunctionHost, serveFiles } from './file-service.ts'
