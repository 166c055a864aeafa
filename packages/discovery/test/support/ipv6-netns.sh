#!/usr/bin/env bash
# Runs inside a fresh `unshare --net` namespace (nested in the test's own): a veth pair that exists
# only here, an advertisement on one end and a browser on the other, both over IPv6 (ff02::fb).
# Prints the browser's `up` events as JSON lines. Arguments: the dist entry, the instance name.
set -euo pipefail
entry=$1 name=$2
ip link set lo up
sysctl -qw net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
ip link add pva type veth peer name pvb
ip link set pva up
ip link set pvb up
for _ in $(seq 50); do
  if ip -6 addr show dev pvb | grep -q 'fe80' && ! ip -6 addr show | grep -q tentative; then break; fi
  sleep 0.1
done
exec node --input-type=module -e "
  const { advertise, browse } = await import(process.argv[1])
  const name = process.argv[2]
  const browser = await browse({ interfaces: ['::%pvb'] })
  const ad = await advertise({ interfaces: ['::%pva'], name, port: 4242, addresses: ['fd00::1'],
    info: { name, suites: ['psk'], version: '1' } })
  const stop = setTimeout(() => finish(1), 10000)
  browser.on('up', ({ server }) => {
    console.log(JSON.stringify(server))
    if (server.instance === name) finish(0)
  })
  async function finish(code) {
    clearTimeout(stop)
    await ad.close()
    await browser.close()
    process.exit(code)
  }
" "$entry" "$name"
