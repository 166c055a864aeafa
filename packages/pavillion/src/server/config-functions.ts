import { toHex } from '@pavillion/crypto'
import type { RegistersServer, RegisterValue } from '@pavillion/registers'
import { isDatatype, parseValue, RegisterWriteError } from '@pavillion/registers'
import { RpcError, type RpcServer, RpcStatus } from '@pavillion/rpc'
import { decodeGetConfigArgs, decodeSetConfigArgs } from '@pavillion/wire'

/** The reserved function numbers of getConfig and setConfig (PROTOCOL.md §12). */
const CONFIG_FUNCTIONS = { getConfig: 24, setConfig: 25 } as const

/**
 * Serves getConfig (24) and setConfig (25) on top of the registers: a config
 * key is a register's name, its value the register's value as text (numbers
 * in decimal, booleans `true`/`false`, utf8 as is, JSON as JSON, bytes as
 * hex). setConfig writes like a client's write (writer, read-only, checks).
 * Returns the remover of both functions.
 * @throws InvalidArgumentError when 24 or 25 already has a handler (neither is kept then)
 */
export function serveConfig(rpc: RpcServer, registers: RegistersServer): () => void {
  const byName = (key: string) => {
    const found = registers.list().find((r) => r.description.name === key)
    if (found === undefined) throw new RpcError(RpcStatus.BadInput, `no config key "${key}"`)
    return found
  }
  const removeGet = rpc.handle(
    CONFIG_FUNCTIONS.getConfig,
    (args) => new TextEncoder().encode(configText(byName(decodeArgs(() => decodeGetConfigArgs(args))).value)),
    { name: 'getConfig', arguments: 'key NUL' },
  )
  try {
    const removeSet = rpc.handle(
      CONFIG_FUNCTIONS.setConfig,
      async (args, { client }) => {
        const { key, value } = decodeArgs(() => decodeSetConfigArgs(args))
        const register = byName(key)
        const type = register.datatype
        if (!isDatatype(type)) throw new RpcError(RpcStatus.Error, 'unknown datatype')
        let parsed: RegisterValue
        try {
          parsed = parseValue(type, value)
        } catch (error) {
          throw new RpcError(RpcStatus.BadInput, `${key}: ${(error as Error).message}`)
        }
        try {
          await registers.writeFrom(client, register.register, parsed)
        } catch (error) {
          if (error instanceof RegisterWriteError) {
            const status = error.reason === 'bad-value' ? RpcStatus.BadInput : RpcStatus.Error
            throw new RpcError(status, `${key}: ${error.reason}: ${error.message}`)
          }
          throw error
        }
        return undefined
      },
      { name: 'setConfig', arguments: 'key NUL value NUL' },
    )
    return () => {
      removeGet()
      removeSet()
    }
  } catch (error) {
    removeGet()
    throw error
  }
}

/** A register value as config text. */
function configText(value: RegisterValue): string {
  if (value instanceof Uint8Array) return toHex(value)
  if (typeof value === 'string') return value
  return JSON.stringify(value) ?? String(value)
}

function decodeArgs<T>(decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    throw new RpcError(RpcStatus.BadInput, `malformed arguments: ${(error as Error).message}`)
  }
}
