/**
 * `pavillion/crypto`: the cipher suites, `@pavillion/crypto` as is (`loadCrypto`, key classes, parsing).
 * @packageDocumentation
 */
export * from '@pavillion/crypto'
