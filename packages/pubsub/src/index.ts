/**
 * @packageDocumentation
 * Pavillion messaging: publish `(target, name, payload)` reliably or
 * unreliably from a client to its server(s) — one server or a multicast
 * group — and from a server to its clients (all, or chosen ones); receive
 * with handlers or bounded async iterables. Reliable publishes resolve with
 * an honest delivery report (who acknowledged, which expected peers did not)
 * and reject with typed errors. Clients learn subscribers from
 * acknowledgements and opcodes 13/14; servers announce what they listen to,
 * can broker messages between clients, report status bytes, and both sides
 * speak the core messages (tags, alerts, print, error).
 *
 * @example
 * ```ts
 * import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
 * import { loadCrypto } from '@pavillion/crypto'
 * import { ClientPubSub, ServerPubSub, statusProvider } from '@pavillion/pubsub'
 * import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
 *
 * const crypto = await loadCrypto()
 * const clientId = new TextEncoder().encode('sensor-000000001')
 * const psk = crypto.generatePsk()
 * const transport = await createUdpTransport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
 * const server = new Server({
 *   crypto, runtime: nodeRuntime(), transport, clients: new MemoryClientRegistry().addPsk(clientId, psk),
 *   status: statusProvider(() => ({ battery: { percent: 80, state: 'charging' }, temperature: 25 })),
 * })
 * const client = new Client({
 *   crypto, runtime: nodeRuntime(), destination: transport.listenAddress(),
 *   credentials: { type: 'psk', clientId, psk },
 *   transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
 * })
 * const serverSide = new ServerPubSub(server)
 * const clientSide = new ClientPubSub(client)
 * serverSide.subscribe('lights', (m) => console.log(m.sender.clientId, m.name, m.payload))
 *
 * await client.waitForServer({ timeout: 2000 })
 * const report = await clientSide.publish('lights', 'kitchen', Uint8Array.of(1))
 * console.log(report.outcome, report.acked.map((s) => s.key)) // 'acknowledged', ['127.0.0.1:…']
 * console.log(clientSide.status(report.acked[0]!.key)?.battery.percent) // ≈ 79.4
 *
 * await client.close()
 * await server.close()
 * ```
 */
export type { BrokerStats } from './broker.ts'
export {
  type ClientPublishOptions,
  ClientPubSub,
  type ClientPubSubEventMap,
  type ClientPubSubOptions,
} from './client-pubsub.ts'
export { type CoreMessage, decodeCoreMessage, isCoreTarget, type TagUpdate } from './core-messages.ts'
export { NoAcknowledgementError, type PubSubErrorCode } from './errors.ts'
export type { ClientFacade, ServerFacade } from './facades.ts'
export * from './limits.ts'
export type { Handler } from './listeners.ts'
export { ALL_TARGETS, type Message } from './message.ts'
export { MessageStream } from './message-stream.ts'
export type { PublishOptions, StreamOptions } from './options.ts'
export type { AlertUpdate, PubSubBase, PubSubEventMap, PubSubStats } from './pubsub-base.ts'
export type { ClientSelector } from './recipients.ts'
export type { ExpectedPeers, PublishReport } from './report.ts'
export {
  type ServerPublishOptions,
  ServerPubSub,
  type ServerPubSubOptions,
  type ServerPubSubStats,
} from './server-pubsub.ts'
export { type StatusProviderOptions, statusProvider } from './status.ts'
