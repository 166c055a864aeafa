import type { ClientCredentials } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import type { PavillionCrypto } from '@pavillion/crypto'
import { parseClientId } from '@pavillion/crypto'
import { pskOf, publicKeyFrom, secretKeyOf } from '../keys.ts'
import { inOption } from '../option-error.ts'
import type { PavillionClientOptions } from './client-options.ts'

const CHOOSE = 'give "psk" with "clientId" (PSK suite), or "secretKey" with "serverKey" (ECC suite)'

/**
 * The engine credentials the options describe: PSK (`psk` + `clientId`) or
 * ECC (`secretKey` + `serverKey`, optional `clientId`).
 * @throws InvalidArgumentError for a missing or contradictory combination; InvalidArgumentError naming a malformed key or ID
 */
export function credentialsOf(options: PavillionClientOptions, crypto: PavillionCrypto): ClientCredentials {
  const { psk, secretKey, serverKey, clientId } = options
  const id = clientId === undefined ? undefined : inOption('clientId', () => parseClientId(clientId))
  if (psk !== undefined) {
    if (secretKey !== undefined || serverKey !== undefined) {
      throw new InvalidArgumentError(`both a PSK and ECC keys were given: ${CHOOSE}`)
    }
    if (id === undefined) {
      throw new InvalidArgumentError(
        '"clientId" is required with "psk": 32 hex characters or text of exactly 16 UTF-8 bytes',
      )
    }
    return { type: 'psk', clientId: id, psk: pskOf(psk, 'psk') }
  }
  if (secretKey === undefined && serverKey === undefined)
    throw new InvalidArgumentError(`no credentials: ${CHOOSE}`)
  if (serverKey === undefined) {
    throw new InvalidArgumentError(
      '"serverKey" is required with "secretKey": the server\'s public key (the protocol cannot learn it)',
    )
  }
  if (secretKey === undefined)
    throw new InvalidArgumentError('"secretKey" is required with "serverKey": this client\'s own secret key')
  return {
    type: 'ecc',
    keyPair: crypto.keyPairFromSecretKey(secretKeyOf(secretKey, 'secretKey')),
    serverPublicKey: publicKeyFrom(serverKey, 'serverKey'),
    ...(id === undefined ? {} : { clientId: id }),
  }
}
