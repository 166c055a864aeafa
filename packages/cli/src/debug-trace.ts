import type { PacketTrace, PacketTracer } from 'pavillion'
import type { CliIo } from './io.ts'

/** `DEBUG` values that turn the packet trace on, as in the `debug` package: `pavillion:*`, `pavillion:packet`, `*`. */
const DEBUG_PATTERN = /(?:^|[\s,])(?:\*|pavillion(?::\*|:packet)?)(?:$|[\s,])/

/** True when `--debug` was given or `DEBUG` names this trace. */
export function debugEnabled(flag: boolean | undefined, env: CliIo['env']): boolean {
  return flag === true || DEBUG_PATTERN.test(env.DEBUG ?? '')
}

/**
 * A packet tracer that writes one stderr line per datagram:
 * `pavillion:packet +12.5ms [label] out 127.0.0.1:1783 84 B secure counter=1234`.
 * Only sizes, addresses, counters and setup names: never key material.
 */
export function debugTracer(io: CliIo, label?: string): PacketTracer {
  const started = performance.now()
  const prefix = label === undefined ? '' : ` [${label}]`
  return (packet) => {
    const elapsed = (performance.now() - started).toFixed(1)
    io.stderr.write(`pavillion:packet +${elapsed}ms${prefix} ${describe(packet)}\n`)
  }
}

function describe(packet: PacketTrace): string {
  const { address, port } = packet.peer
  const peer = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
  const what =
    packet.kind === 'secure'
      ? `secure counter=${packet.counter}`
      : packet.kind === 'setup'
        ? `setup ${packet.setup}`
        : 'malformed'
  return `${packet.direction === 'in' ? 'in ' : 'out'} ${peer} ${packet.size} B ${what}`
}
