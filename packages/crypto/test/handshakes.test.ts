// The recorded handshakes: keys derived from the recorded random values, opcode 2/3 hashes,
// opcode 11/12 boxes opened to their recorded plaintext and sealed again to the same bytes.
import { type DatagramRecord, hex, loadVectors, type RandomDraw, toHex } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import {
  type KeyPair,
  loadCrypto,
  parsePsk,
  parsePublicKey,
  SymmetricKey,
  scriptedRandom,
} from '../src/index.ts'
import { allRuns, suite } from './support.ts'

const runs = allRuns()
const run = (name: string) => runs.find((r) => r.name === name)!
const fields = (d: DatagramRecord) => d.fields as Record<string, string>
const setup = (datagrams: DatagramRecord[], opcode: number) =>
  datagrams.filter((d) => d.kind === 'setup' && d.opcode === opcode)
const inner = (d: DatagramRecord) =>
  (d.fields as { plaintext_fields: Record<string, string> }).plaintext_fields
const keyHex = (key: SymmetricKey) => toHex(key.expose())
const distinct = (values: string[]) => [...new Set(values)]
const drawsOf = (draws: RandomDraw[], test: (d: RandomDraw) => boolean) =>
  draws.filter((d) => d.kind === 'urandom' && test(d)).map((d) => d.hex!)

describe('PSK handshakes (psk_handshake.json)', () => {
  const doc = loadVectors('psk_handshake')
  const psk = parsePsk(doc.psk)

  it('psk and psk_base64 are the same key', () => {
    expect(parsePsk(doc.psk_base64).equals(psk)).toBe(true)
  })

  const cases = [
    { name: 'main run', run: run('psk_handshake'), c2s: doc.derived.c2s_key, s2c: [doc.derived.s2c_key] },
    {
      name: 'reconnect',
      run: run('psk_handshake reconnect'),
      c2s: doc.reconnect.keys.c2s,
      s2c: [doc.reconnect.keys.s2c_first_server, doc.reconnect.keys.s2c_restarted_server],
    },
    { name: 'race', run: run('psk_handshake race'), c2s: doc.race.keys.c2s, s2c: [doc.race.keys.s2c_server] },
  ]

  describe.each(cases)('$name', ({ run, c2s, s2c }) => {
    const clientNonce = hex(drawsOf(run.draws, (d) => d.actor === 'client' && d.n === 32)[0]!)
    const serverNonceDraws = drawsOf(run.draws, (d) => d.actor.startsWith('server') && d.n === 32)

    it('ckey = H(psk, the client’s 32-byte draw) is the recorded c2s key', () => {
      expect(keyHex(suite.pskClientKey(psk, clientNonce))).toBe(c2s)
    })

    it('every client info uses that client nonce and a server nonce the server drew', () => {
      for (const d of setup(run.datagrams, 3)) {
        expect(fields(d).client_nonce).toBe(toHex(clientNonce))
        expect(serverNonceDraws).toContain(fields(d).server_nonce)
      }
    })

    it('skey = H(psk, clientNonce ‖ serverNonce) for each server nonce is the recorded s2c key', () => {
      const serverNonces = distinct(setup(run.datagrams, 3).map((d) => fields(d).server_nonce!))
      expect(serverNonces.map((n) => keyHex(suite.pskServerKey(psk, clientNonce, hex(n))))).toEqual(s2c)
    })

    it('every opcode 2 carries H(psk, serverNonce ‖ challenge)', () => {
      const nonces = setup(run.datagrams, 2)
      expect(nonces.length).toBeGreaterThan(0)
      for (const d of nonces) {
        const bytes = hex(d.hex)
        const [serverNonce, challenge, hash] = [
          bytes.subarray(20, 52),
          bytes.subarray(52, 68),
          bytes.subarray(68),
        ]
        expect(toHex(suite.pskNonceHash(psk, serverNonce, challenge))).toBe(fields(d).hash)
        expect(suite.verifyPskNonceHash(psk, serverNonce, challenge, hash)).toBe(true)
        expect(
          suite.verifyPskNonceHash(
            psk,
            serverNonce,
            challenge.map((b) => b ^ 1),
            hash,
          ),
        ).toBe(false)
      }
    })

    it('every opcode 3 carries H(psk, bytes [20..109))', () => {
      const infos = setup(run.datagrams, 3)
      expect(infos.length).toBeGreaterThan(0)
      for (const d of infos) {
        const bytes = hex(d.hex)
        const [hashed, hash] = [bytes.subarray(20, 109), bytes.subarray(109)]
        expect(toHex(suite.pskClientInfoHash(psk, hashed))).toBe(fields(d).hash)
        expect(suite.verifyPskClientInfoHash(psk, hashed, hash)).toBe(true)
        expect(
          suite.verifyPskClientInfoHash(
            psk,
            hashed.map((b, i) => (i === 88 ? b ^ 1 : b)),
            hash,
          ),
        ).toBe(false)
      }
    })

    it('every opcode 7 carries H(psk, ckey)[0..16)', () => {
      const sessionId = toHex(suite.pskSessionId(psk, SymmetricKey.from(hex(c2s))))
      const accepted = setup(run.datagrams, 7)
      expect(accepted.length).toBeGreaterThan(0)
      for (const d of accepted) expect(fields(d).session_id).toBe(sessionId)
    })
  })

  it('main run: the session ID and the state after the handshake match the derivation', () => {
    const ckey = SymmetricKey.from(hex(doc.derived.c2s_key))
    expect(toHex(suite.pskSessionId(psk, ckey))).toBe(doc.derived.session_id)
    expect(doc.state_after_handshake.server_session.c2s_key).toBe(doc.derived.c2s_key)
    expect(doc.state_after_handshake.client.s2c_key).toBe(doc.derived.s2c_key)
    expect(doc.server.nonce).toBe(fields(setup(doc.datagrams!, 2)[0]!).server_nonce)
  })

  it('race: both sides end with the same keys', () => {
    const state = doc.race.state_after_race
    expect(state.consistent).toBe(true)
    expect(state.client_s2c_key).toBe(state.server_s2c_key)
    expect(state.server_s2c_key).toBe(doc.race.keys.s2c_server)
  })
})

interface EccCase {
  name: string
  file: 'ecc_handshake' | 'guest_ecc_handshake'
  runName: string
  c2s: string
  s2c: string[]
}

const ecc = loadVectors('ecc_handshake')
const guest = loadVectors('guest_ecc_handshake')
const eccCases: EccCase[] = [
  {
    name: 'ECC main run',
    file: 'ecc_handshake',
    runName: 'ecc_handshake',
    c2s: ecc.derived.c2s_key,
    s2c: [ecc.derived.s2c_key],
  },
  {
    name: 'ECC reconnect',
    file: 'ecc_handshake',
    runName: 'ecc_handshake reconnect',
    c2s: ecc.reconnect.keys.c2s,
    s2c: [ecc.reconnect.keys.s2c, ecc.reconnect.keys.s2c_restarted_server],
  },
  {
    name: 'ECC race',
    file: 'ecc_handshake',
    runName: 'ecc_handshake race',
    c2s: ecc.race.keys.c2s,
    s2c: [ecc.race.keys.s2c_server, ecc.race.keys.s2c_client],
  },
  {
    name: 'guest ECC',
    file: 'guest_ecc_handshake',
    runName: 'guest_ecc_handshake',
    c2s: guest.derived.c2s_key,
    s2c: [guest.derived.s2c_key],
  },
]

describe.each(eccCases)('$name', ({ file, runName, c2s, s2c }) => {
  const doc = loadVectors(file)
  const { datagrams, draws } = run(runName)
  const client: KeyPair =
    doc.client_keypair.seed === null
      ? suite.keyPairFromSecretKey(hex(doc.client_keypair.sk))
      : suite.keyPairFromSeed(hex(doc.client_keypair.seed))
  const server = suite.keyPairFromSeed(hex(doc.server_keypair.seed))
  const opcode11 = setup(datagrams, 11)
  const opcode12 = setup(datagrams, 12).filter((d) => d.from === 'client')

  it('the key pairs are the recorded ones', () => {
    expect(toHex(client.publicKey)).toBe(doc.client_keypair.pk)
    expect(toHex(client.secretKey.expose())).toBe(doc.client_keypair.sk)
    expect(toHex(server.publicKey)).toBe(doc.server_keypair.pk)
    expect(toHex(server.secretKey.expose())).toBe(doc.server_keypair.sk)
    expect(parsePublicKey(doc.server_keypair.pk)).toEqual(server.publicKey)
  })

  it('the client ID is H0(client pk)[0..16)', () => {
    expect(toHex(suite.defaultClientId(client.publicKey))).toBe(doc.client_id)
  })

  it('opcode 11 boxes open to their plaintext with the client’s keys and seal back to the same bytes', () => {
    expect(opcode11.length).toBeGreaterThan(0)
    for (const d of opcode11) {
      const { box_nonce, box, plaintext } = fields(d)
      const bytes = hex(d.hex)
      expect(toHex(bytes.subarray(20, 44))).toBe(box_nonce)
      expect(toHex(bytes.subarray(44))).toBe(box)
      const opened = suite.boxOpen(hex(box!), hex(box_nonce!), server.publicKey, client.secretKey)
      expect(opened && toHex(opened)).toBe(plaintext)
      expect(toHex(suite.boxSeal(hex(plaintext!), hex(box_nonce!), client.publicKey, server.secretKey))).toBe(
        box,
      )
    }
  })

  it('opcode 11 box nonces and server nonces are values the server drew', () => {
    const serverDraws = drawsOf(draws, (d) => d.actor.startsWith('server'))
    for (const d of opcode11) {
      expect(serverDraws).toContain(fields(d).box_nonce)
      expect(serverDraws).toContain(toHex(hex(fields(d).plaintext!).subarray(0, 32)))
    }
  })

  it('opcode 12 boxes open to their plaintext with the server’s keys and seal back to the same bytes', () => {
    expect(opcode12.length).toBeGreaterThan(0)
    for (const d of opcode12) {
      const { box_nonce, box, plaintext } = fields(d)
      const bytes = hex(d.hex)
      expect(toHex(bytes.subarray(37, 61))).toBe(box_nonce)
      expect(toHex(bytes.subarray(61))).toBe(box)
      const opened = suite.boxOpen(hex(box!), hex(box_nonce!), client.publicKey, server.secretKey)
      expect(opened && toHex(opened)).toBe(plaintext)
      expect(toHex(suite.boxSeal(hex(plaintext!), hex(box_nonce!), server.publicKey, client.secretKey))).toBe(
        box,
      )
    }
  })

  it('opcode 12 plaintexts carry the recorded c2s key and, in order, the recorded s2c keys', () => {
    const carried = opcode12.map(inner)
    for (const p of carried) expect(p.c2s_key).toBe(c2s)
    expect(distinct(carried.map((p) => p.s2c_key!))).toEqual(s2c)
  })

  it('replaying the client’s draws through scriptedRandom gives its keys and re-seals every opcode 12', async () => {
    const clientDraws = draws.filter((d) => d.actor === 'client' && d.kind === 'urandom')
    const random = scriptedRandom(clientDraws.map((d) => hex(d.hex!)))
    const replay = await loadCrypto({ random })
    const pending = [...opcode12]
    const chosenKeys: string[] = []
    for (const draw of clientDraws) {
      if (draw.caller.endsWith('_Client.__init__:523') || draw.caller.includes('onRawMessage:396')) {
        chosenKeys.push(keyHex(replay.randomKey()))
      } else if (draw.n === 24) {
        const d = pending.shift()!
        const nonce = replay.random(24)
        const sealed = replay.boxSeal(hex(fields(d).plaintext!), nonce, server.publicKey, client.secretKey)
        expect(toHex(sealed)).toBe(fields(d).box)
      } else {
        replay.random(draw.n!)
      }
    }
    expect(random.remaining()).toBe(0)
    expect(pending).toEqual([])
    expect(chosenKeys[0]).toBe(c2s)
    expect(distinct(chosenKeys.slice(1))).toEqual(s2c)
  })

  it('every opcode 7 carries H(client pk, ckey)[0..16)', () => {
    const sessionId = toHex(suite.eccSessionId(client.publicKey, SymmetricKey.from(hex(c2s))))
    const accepted = setup(datagrams, 7)
    expect(accepted.length).toBeGreaterThan(0)
    for (const d of accepted) expect(fields(d).session_id).toBe(sessionId)
  })
})

describe('ECC identities', () => {
  it('main run: session ID as derived, the registered client reported by its 16-byte ID', () => {
    const pk = hex(ecc.client_keypair.pk)
    expect(toHex(suite.eccSessionId(pk, SymmetricKey.from(hex(ecc.derived.c2s_key))))).toBe(
      ecc.derived.session_id,
    )
    expect(ecc.server_reported_client_id).toBe(ecc.client_id)
  })

  it('guest: session ID as derived, the guest reported as the full H0(pk)', () => {
    const pk = hex(guest.client_keypair.pk)
    expect(toHex(suite.eccSessionId(pk, SymmetricKey.from(hex(guest.derived.c2s_key))))).toBe(
      guest.derived.session_id,
    )
    expect(toHex(suite.guestId(pk))).toBe(guest.server_reported_client_id)
    const generated = guest.random_draws!.find((d) => d.kind === 'crypto_box_keypair')!
    expect(toHex(suite.publicKeyOf(hex(generated.sk!)))).toBe(generated.pk)
  })

  it('race (reference bug): the server keeps the first s2c key, the client the second', () => {
    const state = ecc.race.state_after_race
    expect(state.consistent).toBe(false)
    const carried = setup(ecc.race.datagrams, 12).map((d) => inner(d).s2c_key)
    expect(carried).toEqual([state.server_s2c_key, state.client_s2c_key])
  })
})
