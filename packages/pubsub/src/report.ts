import { ClosedError, type DeliveryReport, type Expectation } from '@pavillion/core'
import { NoAcknowledgementError } from './errors.ts'

/**
 * Which peers a reliable publish waits for, in the engine's `expect` words
 * (core's `Expectation`): `all`, every peer it was sent to; `any`, the first
 * acknowledgement from anyone (the reference's wildcard); and pub/sub's own
 * `subscribers`, `all` narrowed to the known subscribers of its target (a
 * client only; see `ClientPubSub.publish`).
 */
export type ExpectedPeers = 'subscribers' | Extract<Expectation, 'all' | 'any'>

/** What a publish did: who acknowledged it, and which expected peers did not. */
export interface PublishReport<P> {
  readonly target: string
  readonly name: string
  readonly reliable: boolean
  /**
   * `acknowledged`: every expected peer acknowledged; `partial`: some did,
   * `missing` lists the others; `unacknowledged`: nobody did (only in a
   * `NoAcknowledgementError`); `sent`: an unreliable publish left (nobody
   * acknowledges those).
   */
  readonly outcome: 'acknowledged' | 'partial' | 'unacknowledged' | 'sent'
  /** How the expected peers were chosen. */
  readonly expected: ExpectedPeers
  /** Peers that acknowledged, in order, with their identity and address. */
  readonly acked: readonly P[]
  /** Expected peers that did not acknowledge before the timeout (or left meanwhile). */
  readonly missing: readonly P[]
  /** Peers it was addressed to: `acked` and `missing` for a reliable publish; for an unreliable one the clients it was sealed for (server) or the servers connected when it left (client). */
  readonly recipients: readonly P[]
  /** The packet counter (the first client's, on a server); undefined when it never left (no server connected before the timeout). */
  readonly counter: bigint | undefined
  /** How many times the packet went out (1 = never retransmitted; 0 = never sent). */
  readonly transmissions: number
  /** Time from the first transmission to the report, ms. */
  readonly elapsed: number
}

/** The fields of a report that do not depend on the delivery. */
export interface ReportBase {
  readonly target: string
  readonly name: string
  readonly expected: ExpectedPeers
}

/** The report of an unreliable publish. */
export function sentReport<P>(base: ReportBase, recipients: readonly P[]): PublishReport<P> {
  return {
    ...base,
    reliable: false,
    outcome: 'sent',
    acked: [],
    missing: [],
    recipients,
    counter: undefined,
    transmissions: 1,
    elapsed: 0,
  }
}

/** The report of a reliable publish that had nobody to go to. */
export function emptyReport<P>(base: ReportBase): PublishReport<P> {
  return {
    ...base,
    reliable: true,
    outcome: 'unacknowledged',
    acked: [],
    missing: [],
    recipients: [],
    counter: undefined,
    transmissions: 0,
    elapsed: 0,
  }
}

/** Converts the engine's delivery report into a publish report. */
function reportOf<P>(base: ReportBase, delivery: DeliveryReport<P>): PublishReport<P> {
  const { acked, missing } = delivery
  const outcome = acked.length === 0 ? 'unacknowledged' : missing.length === 0 ? 'acknowledged' : 'partial'
  // Spelled out rather than spread: this runs once per publish.
  return {
    target: base.target,
    name: base.name,
    expected: base.expected,
    reliable: true,
    outcome,
    acked,
    missing,
    recipients: missing.length === 0 ? acked : acked.concat(missing),
    // Counter 0 is never used on the wire: the engine reports it for a send that never left its queue.
    counter: delivery.counter === 0n ? undefined : delivery.counter,
    transmissions: delivery.transmissions,
    elapsed: delivery.elapsed,
  }
}

/**
 * The outcome of a publish from the engine's delivery report: the publish
 * report when at least one peer acknowledged.
 * @throws NoAcknowledgementError when nobody did; ClosedError when the endpoint closed first
 */
export function publishResult<P>(base: ReportBase, delivery: DeliveryReport<P>): PublishReport<P> {
  if (delivery.outcome === 'closed') throw new ClosedError('the endpoint closed before the publish settled')
  const report = reportOf(base, delivery)
  if (report.outcome === 'unacknowledged') {
    throw new NoAcknowledgementError(
      `nobody acknowledged "${base.target}"/"${base.name}" within the timeout (${delivery.transmissions} transmissions)`,
      report,
    )
  }
  return report
}
