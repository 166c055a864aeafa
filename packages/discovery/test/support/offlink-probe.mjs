// Run by offlink-netns.sh: mDNS from 192.0.2.7 (off the subnet of 127.0.0.1) and from 127.0.0.2 (on it).
import { createSocket } from 'node:dgram'
import { setTimeout as sleep } from 'node:timers/promises'
import packet from 'dns-packet'

const { advertise, browse, MDNS_GROUP_V4, MDNS_PORT, SERVICE_TYPE } = await import(process.argv[2])
const LO = ['127.0.0.1']

async function socketAt(address, port) {
  const socket = createSocket({ type: 'udp4', reuseAddr: true })
  const replies = []
  socket.on('message', (bytes) => replies.push(bytes.length))
  await new Promise((resolve) => socket.bind(port, address, resolve))
  socket.setMulticastInterface('127.0.0.1')
  const send = (bytes, to = MDNS_GROUP_V4) =>
    new Promise((resolve) => socket.send(bytes, MDNS_PORT, to, () => resolve()))
  return { socket, replies, send }
}

function service(label, address) {
  const instance = `${label}.${SERVICE_TYPE}`
  const host = `${label}.local`
  return packet.encode({
    type: 'response',
    answers: [
      { name: SERVICE_TYPE, type: 'PTR', ttl: 120, data: instance },
      { name: instance, type: 'SRV', ttl: 120, data: { target: host, port: 4301 } },
      { name: instance, type: 'TXT', ttl: 120, data: ['v=1', 'suites=psk', `name=${label}`] },
      { name: host, type: 'A', ttl: 120, data: address },
    ],
  })
}

const query = packet.encode({ type: 'query', id: 7, questions: [{ name: SERVICE_TYPE, type: 'PTR' }] })
const deadline = (ms) => performance.now() + ms
const browser = await browse({ interfaces: LO })
const ad = await advertise({
  interfaces: LO,
  name: 'advertised',
  port: 4300,
  addresses: ['127.0.0.1'],
  info: { name: 'advertised', suites: ['psk'], version: '1' },
})
for (const end = deadline(5000); !ad.announced && performance.now() < end; ) await sleep(20)
const offResponder = await socketAt('192.0.2.7', MDNS_PORT)
const onResponder = await socketAt('127.0.0.2', MDNS_PORT)
const offAsker = await socketAt('192.0.2.7', 0)
const onAsker = await socketAt('127.0.0.2', 0)
for (let i = 0; i < 5; i++) {
  await offResponder.send(service('off-link', '192.0.2.7'))
  await onResponder.send(service('on-link', '127.0.0.2'))
}
// Legacy one-shot queries (not from port 5353) are answered straight back to their source, if at all.
await offAsker.send(query, '127.0.0.1')
await onAsker.send(query, '127.0.0.1')
const seen = () => browser.servers().map((s) => s.instance)
for (
  const end = deadline(5000);
  (!seen().includes('on-link') || onAsker.replies.length === 0) && performance.now() < end;
)
  await sleep(20)
await sleep(500)
console.log(
  JSON.stringify({
    servers: seen().sort(),
    browserOffLink: browser.stats().offLink,
    advertiserOffLink: ad.stats().offLink,
    offReplies: offAsker.replies.length,
    onReplies: onAsker.replies.length,
  }),
)
for (const s of [offResponder, onResponder, offAsker, onAsker]) s.socket.close()
await ad.close()
await browser.close()
