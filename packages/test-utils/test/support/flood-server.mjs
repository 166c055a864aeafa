// A server in its own process, so that a test can read its CPU time (process.cpuUsage) apart from the
// flood and the clients. Runs from the built packages (dist). argv: pairs of client ID hex, PSK hex.
// Sends { port, publicKey } (the key in hex) once it listens.
// Messages from the parent: 'cpu' → { cpu, stats }; 'stop' → closes and exits.
import { MemoryClientRegistry, Server } from '@pavillion/core'
import { fromHex, loadCrypto, parsePsk, toHex } from '@pavillion/crypto'
import { RpcServer } from '@pavillion/rpc'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'

const identities = process.argv.slice(2)
const crypto = await loadCrypto()
const transport = await createUdpTransport({ bind: { address: '127.0.0.1', port: 0 } })
const clients = new MemoryClientRegistry()
for (let i = 0; i + 1 < identities.length; i += 2)
  clients.addPsk(fromHex(identities[i]), parsePsk(identities[i + 1]))
const keyPair = crypto.generateKeyPair()
const server = new Server({
  transport,
  runtime: nodeRuntime(),
  crypto,
  keyPair,
  allowGuests: true,
  clients,
})
const rpc = new RpcServer(server)
rpc.handle(401, (args) => args)
process.on('message', async (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage(), stats: server.stats() })
  if (message === 'stop') {
    await server.close()
    await transport.close()
    process.disconnect()
  }
})
process.send({ port: transport.listenAddress().port, publicKey: toHex(keyPair.publicKey) })
