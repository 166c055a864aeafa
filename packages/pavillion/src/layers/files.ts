/**
 * `pavillion/files`: the sandboxed file service, `@pavillion/rpc/files` as is (`serveFiles`).
 * @packageDocumentation
 */
export * from '@pavillion/rpc/files'
