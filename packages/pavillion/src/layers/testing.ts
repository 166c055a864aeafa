/**
 * `pavillion/testing`: `@pavillion/core/testing` as is (in-memory network, manual runtime, transport suite).
 * @packageDocumentation
 */
export * from '@pavillion/core/testing'
