// A server in its own process, so that a test can read its CPU time (process.cpuUsage) apart from the
// flood and the client. Runs from the built packages (dist). argv: client ID hex, PSK hex.
// Messages from the parent: 'cpu' → { cpu, stats }; 'stop' → closes and exits.
import { MemoryClientRegistry, Server } from '@pavillion/core'
import { fromHex, loadCrypto, parsePsk } from '@pavillion/crypto'
import { RpcServer } from '@pavillion/rpc'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'

const [clientId, psk] = process.argv.slice(2)
const crypto = await loadCrypto()
const transport = await createUdpTransport({ bind: { address: '127.0.0.1', port: 0 } })
const server = new Server({
  transport,
  runtime: nodeRuntime(),
  crypto,
  keyPair: crypto.generateKeyPair(),
  allowGuests: true,
  clients: new MemoryClientRegistry().addPsk(fromHex(clientId), parsePsk(psk)),
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
process.send({ port: transport.listenAddress().port })
