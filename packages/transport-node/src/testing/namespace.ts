import { networkInterfaces } from 'node:os'

/**
 * Why this process must not multicast mDNS or advertise, or undefined when it
 * may: such tests run only inside a private network namespace (CI's
 * `unshare --net`), where loopback is the only interface, so nothing can
 * reach a real LAN.
 */
export function notInPrivateNamespace(): string | undefined {
  const outside = Object.entries(networkInterfaces())
    .filter(([, addresses]) => (addresses ?? []).some((a) => !a.internal))
    .map(([name]) => name)
  if (outside.length > 0) {
    return `refusing to multicast: interface(s) ${outside.join(', ')} are up, so this is not a private network namespace; run inside \`unshare --net\` with lo up and a 224.0.0.0/4 route on lo (as .ci/run does)`
  }
  const lo = Object.values(networkInterfaces()).flat()
  if (!lo.some((a) => a?.address === '127.0.0.1')) return 'loopback is down: run `ip link set lo up` first'
  return undefined
}
