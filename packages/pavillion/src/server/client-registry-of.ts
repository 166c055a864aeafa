import { type ClientRegistry, InvalidArgumentError, MemoryClientRegistry } from '@pavillion/core'
import { parseClientId } from '@pavillion/crypto'
import { pskOf, publicKeyFrom } from '../keys.ts'
import { inOption } from '../option-error.ts'
import type { ServerClients } from './server-options.ts'

/** What the `clients` option resolved to. */
export interface ResolvedClients {
  readonly registry: ClientRegistry
  /** ECC clients were listed in the records (the server then needs a key pair); false for a custom registry. */
  readonly hasEcc: boolean
}

/**
 * Builds the registry a server looks clients up in: your own `ClientRegistry`
 * as is, or a `MemoryClientRegistry` filled from `{ psk, ecc }` records.
 * @throws InvalidArgumentError naming the entry (`clients.psk["…"]`) that is not a valid ID or key
 */
export function clientRegistryOf(clients: ServerClients | ClientRegistry | undefined): ResolvedClients {
  if (clients === undefined) return { registry: new MemoryClientRegistry(), hasEcc: false }
  if (typeof clients !== 'object' || clients === null) {
    throw new InvalidArgumentError(
      '"clients" expected { psk?: { ID: KEY }, ecc?: { ID: PUBLIC_KEY } } or a ClientRegistry',
    )
  }
  if (isRegistry(clients)) return { registry: clients, hasEcc: false }
  const registry = new MemoryClientRegistry()
  for (const [id, key] of entriesOf(clients.psk, 'clients.psk')) {
    const option = `clients.psk[${JSON.stringify(id)}]`
    registry.addPsk(
      inOption(option, () => parseClientId(id)),
      pskOf(key, option),
    )
  }
  const ecc = entriesOf(clients.ecc, 'clients.ecc')
  for (const [id, key] of ecc) {
    const option = `clients.ecc[${JSON.stringify(id)}]`
    registry.addPublicKey(
      inOption(option, () => parseClientId(id)),
      publicKeyFrom(key, option),
    )
  }
  return { registry, hasEcc: ecc.length > 0 }
}

function isRegistry(value: object): value is ClientRegistry {
  const candidate = value as Partial<Record<'psk' | 'publicKey', unknown>>
  return typeof candidate.psk === 'function' && typeof candidate.publicKey === 'function'
}

function entriesOf<V>(record: Readonly<Record<string, V>> | undefined, option: string): [string, V][] {
  if (record === undefined) return []
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InvalidArgumentError(`"${option}" expected an object mapping client IDs to keys`)
  }
  return Object.entries(record)
}
