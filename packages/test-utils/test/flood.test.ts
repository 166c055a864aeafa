import { type ChildProcess, fork } from 'node:child_process'
import type { Socket } from 'node:dgram'
import { fileURLToPath } from 'node:url'
import { Client, type EndpointStats } from '@pavillion/core'
import { fromHex, loadCrypto, parsePsk, toHex } from '@pavillion/crypto'
import { RpcClient } from '@pavillion/rpc'
import { nodeRuntime } from '@pavillion/transport-node'
import { loopbackClientTransport } from '@pavillion/transport-node/testing'
import { encodeSetup } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { type ReferenceCredentials, ReferenceLikeClient, waitUntil } from '../src/index.ts'
import { bindLoopback } from '../src/sockets.ts'

// A flood of ECC nonce requests over real UDP (loopback, bounded) against a server in its own
// process, so that its CPU time is its own: the X25519 budget (handshakeCpuShare, 0.25 of a core by
// default) holds it down while a client's calls go on, and reference-like clients (PSK and an ECC
// guest) that start in the middle of the flood still connect.

const SOURCES = 128
const REQUESTS = 20_000
/**
 * Requests per 10 ms tick: 2 000 per second for 10 s, twice what the X25519 budget grants unknown
 * addresses. This test shares loopback and both cores with the whole suite: at 10 000 and at 5 000 a
 * second the starved server's socket overflowed, the kernel dropped the client's calls with the flood
 * (no budget in user space can prevent that), and other tests' mDNS went missing. The 100 000-request
 * burst is the SimWorld test's (core/test/reply-limits.test.ts).
 */
const PER_TICK = 20
/**
 * At most this many flood datagrams sent and not yet read by the server. On a starved machine (the
 * whole suite on both cores) the server once read 5 677 of 20 000 in 30 s; the kernel dropped the rest
 * at the socket buffer, and with them every transmission of one legitimate call. That is the kernel's
 * loss, not the budgets', so the flood is paced to what the server reads: never more than about half
 * a default receive buffer waits.
 */
const MAX_UNREAD = 100
/** The flood stops after this long even when the server read too slowly to take all of it. */
const FLOOD_MS = 30_000
/** When the reference-like clients start, ms into the flood. */
const NEWCOMERS_AT = 3_000

let child: ChildProcess | undefined
const sockets: Socket[] = []
const references: ReferenceLikeClient[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  for (const reference of references.splice(0)) await reference.close()
  if (child?.connected) child.send('stop')
  child = undefined
})

interface CpuReport {
  readonly cpu: NodeJS.CpuUsage
  readonly stats: EndpointStats
}

function ask(process: ChildProcess): Promise<CpuReport> {
  return new Promise((resolve) => {
    process.once('message', (m) => resolve(m as CpuReport))
    process.send('cpu')
  })
}

describe('flood over real UDP', () => {
  it('up to 20 000 ECC nonce requests from 128 sources, paced to what the server reads: 400 calls all succeed, reference-like clients connect mid-flood, the server process stays within its CPU share', async () => {
    const crypto = await loadCrypto()
    const clientId = new TextEncoder().encode('flood-client-001')
    const psk = crypto.random(32)
    const referenceId = new TextEncoder().encode('flood-refclient1')
    const referencePsk = crypto.random(32)
    const script = fileURLToPath(new URL('./support/flood-server.mjs', import.meta.url))
    // execArgv: []: the child runs the built packages, not vitest's source condition.
    const identities = [clientId, psk, referenceId, referencePsk].map(toHex)
    const server = fork(script, identities, { stdio: 'inherit', execArgv: [] })
    child = server
    const { port, publicKey } = await new Promise<{ port: number; publicKey: string }>((resolve, reject) => {
      server.once('message', (m) => resolve(m as { port: number; publicKey: string }))
      server.once('exit', (code) => reject(new Error(`the server process exited (${code})`)))
    })
    const destination = { address: '127.0.0.1', port }
    const transport = await loopbackClientTransport(destination)
    const client = new Client({
      transport,
      runtime: nodeRuntime(),
      crypto,
      destination,
      credentials: { type: 'psk', clientId, psk: parsePsk(psk) },
    })
    const rpc = new RpcClient(client)
    await client.waitForServer({ timeout: 10_000 })
    for (let i = 0; i < SOURCES; i++) sockets.push(await bindLoopback(`127.0.2.${i + 1}`))
    const keys = Array.from({ length: 16 }, () => crypto.generateKeyPair().publicKey)
    const requests = keys.map((publicKey) =>
      encodeSetup({
        type: 'nonce-request',
        suite: 2,
        clientId: crypto.random(16),
        challenge: crypto.random(16),
        sessionId: crypto.random(16),
        publicKey,
      }),
    )
    const before = await ask(server)
    const startedAt = performance.now()
    let sent = 0
    const flood = (async () => {
      while (sent < REQUESTS && performance.now() - startedAt < FLOOD_MS) {
        const read = (await ask(server)).stats.datagramsIn - before.stats.datagramsIn
        const burst = Math.min(PER_TICK, REQUESTS - sent, read + MAX_UNREAD - sent)
        for (let j = 0; j < burst; j++, sent++)
          sockets[sent % SOURCES]!.send(requests[sent % requests.length]!, port, '127.0.0.1')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    let succeeded = 0
    let i = 0
    const calls = (async () => {
      for (; i < 400; i++) {
        const args = new TextEncoder().encode(`call ${i}`)
        const answer = await rpc.call(401, args, { timeout: 10_000 })
        if (new TextDecoder().decode(answer) === `call ${i}`) succeeded++
        // Spread the calls over the flood (about 10 s).
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    // Reference-like clients (wire and crypto only, the reference's packets and schedule) start
    // mid-flood from an address the server has not seen: a registered PSK client and an ECC guest.
    const newcomers = (async () => {
      await new Promise((resolve) => setTimeout(resolve, NEWCOMERS_AT))
      const start = (credentials: ReferenceCredentials) =>
        ReferenceLikeClient.start({ crypto, destination, credentials, rekeyAfterAccept: false })
      const startedAt = performance.now()
      const floodRunning = sent < REQUESTS
      const guestKeys = crypto.generateKeyPair()
      const [psk, ecc] = [
        await start({ type: 'psk', clientId: referenceId, psk: parsePsk(referencePsk) }),
        await start({
          type: 'ecc',
          clientId: crypto.defaultClientId(guestKeys.publicKey),
          keyPair: guestKeys,
          serverPublicKey: fromHex(publicKey),
        }),
      ]
      references.push(psk, ecc)
      const connectedIn = await Promise.all(
        [psk, ecc].map(async (reference) =>
          (await waitUntil(() => reference.servers().length === 1, 20_000))
            ? Math.round(performance.now() - startedAt)
            : undefined,
        ),
      )
      return { connectedIn, floodRunning }
    })()
    const [, , newcomer] = await Promise.all([flood, calls, newcomers])
    const after = await ask(server)
    const wall = performance.now() - startedAt
    const cpu = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1000
    const share = cpu / wall
    const s = after.stats
    console.info(
      `real UDP flood: ${sent} ECC nonce requests in ${Math.round(wall)} ms; ${succeeded}/400 calls; server CPU ` +
        `${Math.round(cpu)} ms = ${(share * 100).toFixed(1)} % of a core; X25519 ${s.x25519 - before.stats.x25519}; ` +
        `refused per source ${s.refusedPerSource}, global ${s.refusedGlobal}, CPU ${s.refusedCpu}; datagrams in ${s.datagramsIn - before.stats.datagramsIn}; ` +
        `reference-like PSK and ECC clients connected in ${newcomer.connectedIn.join(' and ')} ms`,
    )
    expect(succeeded).toBe(400)
    expect(newcomer.floodRunning, 'the reference-like clients started while the flood ran').toBe(true)
    expect(newcomer.connectedIn.every((ms) => ms !== undefined)).toBe(true)
    // The budgets must bite whenever the server read the flood well above the X25519 work allowed for
    // unknown addresses (3/4 of 1250/s; the flood is offered at 2000/s). On a starved machine the sender
    // and the server run slower than that, and then nothing need be refused.
    const readPerSecond = (s.datagramsIn - before.stats.datagramsIn) / (wall / 1000)
    if (readPerSecond > 1.5 * 0.75 * 1250)
      expect(s.refusedCpu + s.refusedGlobal, 'the flood went past the budgets').toBeGreaterThan(0)
    // The X25519 work is held to 1250 operations per second (0.25 of a core at 0.2 ms); the rest of the
    // server's CPU reads and refuses datagrams. The whole process stays under the configured share
    // (13–15 % of a core measured alone; 28–32 % while random draws went through libsodium-wrappers).
    expect(s.x25519 - before.stats.x25519).toBeLessThanOrEqual(1250 * (wall / 1000) + 1000)
    expect(share, 'server CPU share against handshakeCpuShare').toBeLessThan(0.25)
    rpc.close()
    await client.close()
    await transport.close()
  }, 120_000)
})
