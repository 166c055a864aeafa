/** True for an IPv4 group address (224.0.0.0/4) or an IPv6 one (ff00::/8). */
export function isGroupAddress(address: string): boolean {
  if (/^ff/i.test(address)) return true
  const firstOctet = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(address)?.[1]
  return firstOctet !== undefined && Number(firstOctet) >= 224 && Number(firstOctet) <= 239
}
