#!/usr/bin/env bash
# Runs inside a fresh `unshare --net` namespace (nested in the test's own): loopback gets a second
# address, 192.0.2.7/32 (TEST-NET-1), that is on no subnet of the interface 127.0.0.1 the browser and
# the advertisement use; offlink-probe.mjs sends mDNS from both and prints what each side accepted.
# Arguments: the dist entry.
set -euo pipefail
ip link set lo up
ip addr add 192.0.2.7/32 dev lo
ip route add 224.0.0.0/4 dev lo src 127.0.0.1
exec node "$(dirname "$0")/offlink-probe.mjs" "$1"
