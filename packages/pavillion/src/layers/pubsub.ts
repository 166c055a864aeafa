/**
 * `pavillion/pubsub`: publish/subscribe, `@pavillion/pubsub` as is (`ClientPubSub`, `ServerPubSub`, `statusProvider`).
 * @packageDocumentation
 */
export * from '@pavillion/pubsub'
