/** Specification constants (RFC 6762 multicast DNS, RFC 6763 DNS-SD). */

/** The DNS-SD service type Pavillion servers advertise (RFC 6763 §7: `_name._udp`). */
export const SERVICE_TYPE = '_pavillion._udp.local'
/** The meta-query name that lists every service type on the link (RFC 6763 §9). */
export const SERVICE_TYPE_ENUMERATION = '_services._dns-sd._udp.local'
/** The mDNS port (RFC 6762 §3). */
export const MDNS_PORT = 5353
/** The IPv4 mDNS group (RFC 6762 §3). */
export const MDNS_GROUP_V4 = '224.0.0.251'
/** The link-local IPv6 mDNS group (RFC 6762 §3). */
export const MDNS_GROUP_V6 = 'ff02::fb'
/** TTL of records that name a host (SRV, A, AAAA), seconds (RFC 6762 §10). */
export const HOST_RECORD_TTL = 120
/** TTL of the other records (PTR, TXT), seconds (RFC 6762 §10). */
export const OTHER_RECORD_TTL = 4500
/** Probes sent before a name is claimed, and the gap between them, ms (RFC 6762 §8.1). */
export const PROBE_COUNT = 3
export const PROBE_INTERVAL = 250
/** Announcements after probing and the gap between them, ms (RFC 6762 §8.3: at least two, one second apart). */
export const ANNOUNCE_COUNT = 2
export const ANNOUNCE_INTERVAL = 1_000
/** A record is multicast at most once per this many ms in answer to queries (RFC 6762 §6). */
export const ANSWER_INTERVAL = 1_000
/** DNS limits: a label is at most 63 bytes (RFC 1035 §2.3.4); TXT strings at most 255 (RFC 6763 §6.1). */
export const MAX_LABEL = 63
export const MAX_TXT_STRING = 255

/** Implementation constants: bounds on what hostile traffic can make us hold or send. */

/** Services a browser tracks at most; past it, the incomplete or soonest-expiring entry is evicted. */
export const DEFAULT_MAX_SERVICES = 256
/** Addresses kept per host name. */
export const MAX_ADDRESSES_PER_HOST = 8
/** Records read from one packet; the rest are ignored. */
export const MAX_RECORDS_PER_PACKET = 64
/** TTLs above this are clamped, seconds: a hostile record cannot pin an entry for days. */
export const MAX_TTL = 4_500
/** Events a `discover()` iterator buffers for a slow reader; older ones are dropped. */
export const MAX_QUEUED_EVENTS = 1_024
/** Renames tried after name conflicts before the advertisement gives up. */
export const MAX_RENAMES = 32
/** Browser re-queries start at this gap and double up to the maximum, ms (RFC 6762 §5.2). */
export const QUERY_INTERVAL_INITIAL = 1_000
export const QUERY_INTERVAL_MAX = 60_000
/** How often an advertisement checks its addresses for a change, ms. */
export const ADDRESS_POLL_INTERVAL = 5_000
/** Protocol version advertised in TXT `v` (PROTOCOL.md's wire format). */
export const PROTOCOL_VERSION = '1'
