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
 * import { RegistersClient, RegistersServer } from '@pavillion/registers'
 *
 * // server: a core Server; runtime: its Runtime (nodeRuntime() over UDP)
 * const registers = new RegistersServer(server, { runtime })
 * const temperature = registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
 * registers.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: (level) => console.log(level) })
 * temperature.set(22)
 *
 * // client: a core Client
 * const remote = new RegistersClient(client, { runtime })
 * await remote.read(100) // 22
 * await remote.write(101, 40) // resolves once applied
 * for await (const { value } of remote.observe(100, { rateLimitMs: 200 })) console.log(value)
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
