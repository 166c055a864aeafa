/**
 * `pavillion/rpc`: numbered remote calls, `@pavillion/rpc` as is (`RpcServer`, `RpcClient`, `RpcError`).
 * @packageDocumentation
 */
export * from '@pavillion/rpc'
