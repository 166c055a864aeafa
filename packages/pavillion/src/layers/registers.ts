/**
 * `pavillion/registers`: typed registers, `@pavillion/registers` as is (`RegistersServer`, `RegistersClient`, datatypes).
 * @packageDocumentation
 */
export * from '@pavillion/registers'
