/**
 * `pavillion/discovery`: DNS-SD over multicast DNS, `@pavillion/discovery` as is (`advertise`, `browse`, `discover`, `resolveLocalName`).
 * @packageDocumentation
 */
export * from '@pavillion/discovery'
