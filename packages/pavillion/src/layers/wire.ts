/**
 * `pavillion/wire`: the codec layer, `@pavillion/wire` as is (every datagram and payload as typed values).
 * @packageDocumentation
 */
export * from '@pavillion/wire'
