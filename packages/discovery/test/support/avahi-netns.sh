#!/usr/bin/env bash
# Runs inside a fresh `unshare --net` namespace (nested in the test's own): a veth pair that exists
# only here, a private D-Bus system bus, avahi-daemon on one end (pvb) and our advertisement on the
# other (pva), then prints what `avahi-browse -rpt _pavillion._udp` resolves. Nothing here can reach
# a real network. Arguments: the discovery package's dist entry, the instance name, the port.
set -euo pipefail
entry=$1 name=$2 port=$3
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
ip link set lo up
ip link add pva type veth peer name pvb
ip addr add 10.213.0.1/24 dev pva
ip addr add 10.213.0.2/24 dev pvb
ip link set pva up
ip link set pvb up
# Both ends are addresses of this namespace: let each accept datagrams from the other's local address.
for dev in pva pvb all; do
  sysctl -qw "net.ipv4.conf.$dev.accept_local=1" "net.ipv4.conf.$dev.rp_filter=0"
done
cat >"$dir/bus.conf" <<EOF
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
for _ in $(seq 50); do [ -S "$dir/bus" ] && break; sleep 0.1; done
cat >"$dir/avahi.conf" <<EOF
[server]
host-name=avahi-in-netns
use-ipv4=yes
use-ipv6=no
allow-interfaces=pvb
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
EOF
avahi-daemon -f "$dir/avahi.conf" --no-drop-root --no-chroot --no-rlimits --no-proc-title -s 2>"$dir/avahi.log" &
pids+=($!)
node --input-type=module -e "
  const { advertise } = await import(process.argv[1])
  const ad = await advertise({ interfaces: ['10.213.0.1'], name: process.argv[2], port: Number(process.argv[3]),
    addresses: ['10.213.0.1'], info: { name: process.argv[2], suites: ['ecc'], version: '1', fingerprint: 'ab'.repeat(16) } })
  process.on('SIGTERM', () => ad.close().then(() => process.exit(0)))
  setTimeout(() => process.exit(0), 30000)
" "$entry" "$name" "$port" &
pids+=($!)
for _ in $(seq 40); do
  sleep 0.5
  out=$(timeout 5 avahi-browse -rpt _pavillion._udp 2>/dev/null || true)
  if grep -q "^=.*;$port;" <<<"$out"; then
    printf '%s\n' "$out"
    exit 0
  fi
done
echo "avahi-browse never resolved the service; avahi-daemon said:" >&2
cat "$dir/avahi.log" >&2
exit 1
