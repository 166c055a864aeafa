import { inspect } from 'node:util'
import { toHex } from '@pavillion/crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClientInfo } from '../src/events.ts'
import { SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'

let world: SimWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** The first session a server opens and the first server its client connects to. */
async function meet(ecc: boolean, allowGuests = false) {
  world = await SimWorld.create()
  const server = world.server(SIM_SERVER, { allowGuests })
  const opened: ClientInfo[] = []
  server.on('session:opened', ({ client }) => opened.push(client))
  // A guest: a key pair the server has never seen, with the client ID derived from it.
  const guest = {
    type: 'ecc',
    keyPair: world.crypto.generateKeyPair(),
    serverPublicKey: world.serverKeys.publicKey,
  } as const
  const client = world.client(SIM_SERVER, allowGuests ? { credentials: guest } : { ecc })
  await world.run(50)
  const [info] = opened
  const [server0] = client.servers()
  if (info === undefined || server0 === undefined) throw new Error('no session')
  return { info, server: server0 }
}

describe('ClientInfo and ServerInfo print readably', () => {
  it('shows a PSK client by its ID and address, and serialises its IDs as hex', async () => {
    const { info, server } = await meet(false)
    expect(inspect(info)).toBe(`ClientInfo { id: 'test-client-0001', address: '${info.key}', suite: 'psk' }`)
    expect(inspect({ sender: info })).toContain(`sender: ClientInfo { id: 'test-client-0001'`)
    expect(JSON.parse(JSON.stringify(info))).toStrictEqual({
      key: info.key,
      address: { address: info.address.address, port: info.address.port },
      suite: 1,
      clientId: toHex(info.clientId),
      identity: toHex(info.identity),
      guest: false,
    })
    expect(inspect(server)).toBe(`ServerInfo { address: '${server.key}', suite: 'psk' }`)
    expect(JSON.parse(JSON.stringify(server))).toStrictEqual({
      key: server.key,
      address: { address: SIM_SERVER.address, port: SIM_SERVER.port },
      suite: 1,
    })
    expect(inspect(info)).not.toMatch(/Uint8Array/)
  })

  it('shows an ECC server with the start of its public key, and a guest by its identity', async () => {
    const { info, server } = await meet(true, true)
    const key = toHex(server.publicKey!)
    expect(inspect(server)).toBe(
      `ServerInfo { address: '${server.key}', suite: 'ecc', publicKey: '${key.slice(0, 12)}…' }`,
    )
    expect(JSON.parse(JSON.stringify(server)).publicKey).toBe(key)
    expect(info.guest).toBe(true)
    expect(inspect(info)).toBe(
      `ClientInfo { id: 'guest ${toHex(info.identity).slice(0, 12)}…', address: '${info.key}', suite: 'ecc' }`,
    )
  })
})
