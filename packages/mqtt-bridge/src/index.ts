/**
 * @packageDocumentation
 * A bridge between Pavillion and an MQTT v5 broker (MQTT.js): Pavillion
 * messages appear on `pavillion/<id>/<target>/<name>` with their metadata as
 * user properties; configured MQTT topic filters are published into
 * Pavillion and PUBACKed only once Pavillion acknowledged; MQTT v5 requests
 * call Pavillion functions; registers are retained topics (written from
 * an allow-list); sessions and links are retained status topics, and so (optionally) are
 * servers discovered over mDNS;
 * nothing circulates, and every queue is bounded.
 *
 * @example
 * ```ts
 * import { MqttBridge } from '@pavillion/mqtt-bridge'
 * import { createClient } from 'pavillion'
 *
 * const hall = await createClient({ address: '192.168.1.20:1783', clientId: 'bridge-site-a-01', psk })
 * await using bridge = new MqttBridge(
 *   {
 *     id: 'site-a',
 *     mqtt: { url: 'mqtt://broker.lan:1883' },
 *     inbound: [{ filter: 'site-a/in/hall/#', to: 'hall', targets: ['lights'] }],
 *     rpc: [{ to: 'hall', functions: [401] }],
 *   },
 *   { links: { hall } },
 * )
 * await bridge.ready()
 * console.log(bridge.stats().toMqtt.bridged)
 * ```
 */
export { type BridgeEndpoints, identityText, MqttBridge } from './bridge.ts'
export { type BridgeLogger, debugLogger, enabledNamespaces, NAMESPACES } from './debug-log.ts'
export { DISCOVERED_LEVEL, type DiscoveredPayload } from './discovered.ts'
export { BridgeConfigError } from './errors.ts'
export { PUBACK, redactUrl } from './mqtt-link.ts'
export type {
  DiscoveryPresenceOptions,
  InboundRule,
  MqttBridgeOptions,
  MqttConnectionOptions,
  OutboundAllow,
  QueueOptions,
  RegisterRule,
  RpcRule,
} from './options.ts'
export { STATUS_LEVEL } from './presence.ts'
export { valueText } from './register-values.ts'
export { REG_LEVEL } from './registers-bridge.ts'
export { RPC_LEVEL } from './rpc-bridge.ts'
export type {
  BridgeStats,
  RegistersBridgeStats,
  RpcBridgeStats,
  ToMqttStats,
  ToPavillionStats,
} from './stats.ts'
export { decodeLevels, encodeLevel, encodeLevels, matchesFilter } from './topics.ts'
export { PROP } from './user-properties.ts'
