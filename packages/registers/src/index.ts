/**
 * @packageDocumentation
 * Registers over Pavillion (opcodes 6–10): a device's numbered, typed values.
 * `RegistersServer` declares them (name, datatype, interface, description,
 * an optional writer) and answers reads, writes, observations and info
 * requests; `RegistersClient` reads (whole or a byte range, from one server
 * or every server of a group), writes reliably or not, observes with
 * rate-limited, coalesced notifications renewed while the iterator is open,
 * and lists what a server declares.
 *
 * @example
 * ```ts
 * import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
 * import { loadCrypto } from '@pavillion/crypto'
 * import { RegistersClient, RegistersServer } from '@pavillion/registers'
 * import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
 *
 * const crypto = await loadCrypto()
 * const clientId = new TextEncoder().encode('sensor-000000001')
 * const psk = crypto.generatePsk()
 * const runtime = nodeRuntime()
 * const transport = await createUdpTransport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
 * const server = new Server({ crypto, runtime, transport, clients: new MemoryClientRegistry().addPsk(clientId, psk) })
 * const client = new Client({
 *   crypto,
 *   runtime,
 *   destination: transport.listenAddress(),
 *   credentials: { type: 'psk', clientId, psk },
 *   transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
 * })
 *
 * const registers = new RegistersServer(server, { runtime })
 * const temperature = registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
 * registers.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: (level) => console.log('dimmer', level) })
 *
 * const remote = new RegistersClient(client, { runtime })
 * console.log(await remote.read(100)) // 21.5
 * await remote.write(101, 40) // 'dimmer' 40, then resolves
 * console.log((await remote.list()).map((r) => r.name)) // ['temperature', 'dimmer']
 * for await (const { value } of remote.observe(100, { rateLimitMs: 200 })) {
 *   console.log(value) // 21.5, then 22
 *   if (value === 22) break
 *   temperature.set(22)
 * }
 *
 * await client.close()
 * await server.close()
 * ```
 */
export {
  DATATYPES,
  type Datatype,
  type DatatypeValues,
  decodeValue,
  encodeValue,
  isDatatype,
  parseValue,
  type RegisterValue,
  type ValueOf,
} from './codecs.ts'
export {
  DeclaredRegister,
  type RegisterDeclaration,
  type WriteContext,
  type Writer,
} from './declared-register.ts'
export type { RegisterInfo } from './descriptions.ts'
export {
  REGISTER_REFUSALS,
  type RegisterErrorCode,
  RegisterMalformedError,
  type RegisterRefusal,
  RegisterRefusedError,
  RegisterWriteError,
} from './errors.ts'
export * from './limits.ts'
export { RegisterObservation, type RegisterUpdate } from './observation.ts'
export type { ReadAllResult } from './read-all.ts'
export {
  type ObserveOptions,
  type RangeOptions,
  RegistersClient,
  type RegistersClientHost,
  type RegistersClientOptions,
  type RequestOptions,
  type TypedOptions,
} from './registers-client.ts'
export {
  RegistersServer,
  type RegistersServerHost,
  type RegistersServerOptions,
  type RegistersServerStats,
} from './registers-server.ts'
export type { RegisterDescription } from './texts.ts'
