/**
 * `pavillion/transport-node`: the UDP transport, `@pavillion/transport-node` as is (`createUdpTransport`, `nodeRuntime`).
 * @packageDocumentation
 */
export * from '@pavillion/transport-node'
