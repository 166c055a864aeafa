import { type ClientInfo, type PublishReport, toHex } from 'pavillion'
import { idText } from './bytes.ts'

/** How a client is shown: its ID (text or hex), or `guest <identity prefix>` for an ECC guest. */
export function clientLabel(client: ClientInfo): string {
  return client.guest ? `guest ${toHex(client.identity).slice(0, 16)}…` : idText(client.clientId)
}

/** A client as an NDJSON field. */
export function clientField(client: ClientInfo): Readonly<Record<string, unknown>> {
  return {
    key: client.key,
    id: client.guest ? toHex(client.identity) : idText(client.clientId),
    suite: client.suite === 1 ? 'psk' : 'ecc',
    guest: client.guest,
  }
}

/** A publish report as NDJSON fields; peers by their key (`address:port`). */
export function reportFields<P>(
  report: PublishReport<P>,
  keyOf: (peer: P) => string,
): Readonly<Record<string, unknown>> {
  return {
    target: report.target,
    name: report.name,
    reliable: report.reliable,
    outcome: report.outcome,
    expected: report.expected,
    acked: report.acked.map(keyOf),
    missing: report.missing.map(keyOf),
    counter: report.counter,
    transmissions: report.transmissions,
    elapsed: Math.round(report.elapsed * 100) / 100,
  }
}

/** A publish report as a text line. */
export function reportText<P>(report: PublishReport<P>, keyOf: (peer: P) => string): string {
  const head = `${report.target}/${report.name}: ${report.outcome}`
  if (!report.reliable) return `${head} (unreliable, ${report.recipients.length} recipient(s))`
  const acked = report.acked.length === 0 ? 'nobody' : report.acked.map(keyOf).join(', ')
  const missing = report.missing.length === 0 ? '' : `; missing ${report.missing.map(keyOf).join(', ')}`
  const times = report.transmissions === 1 ? '1 transmission' : `${report.transmissions} transmissions`
  return `${head} by ${acked}${missing} (${times}, ${report.elapsed.toFixed(1)} ms)`
}
