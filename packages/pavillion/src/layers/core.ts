/**
 * `pavillion/core`: the protocol engine, `@pavillion/core` as is (sans-I/O endpoints, `Client`, `Server`).
 * @packageDocumentation
 */
export * from '@pavillion/core'
