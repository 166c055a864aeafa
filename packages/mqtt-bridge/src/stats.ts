/** Counters of one direction, Pavillion → MQTT. */
export interface ToMqttStats {
  /** Messages handed to MQTT (QoS 1 for reliable ones, QoS 0 for the others). */
  bridged: number
  /** Of those, confirmed by the broker (PUBACK) or written (QoS 0). */
  confirmed: number
  /** Dropped because `queues.toMqtt` messages were already waiting (drop-newest). */
  dropped: number
  /** Refused by the outbound allow-list. */
  refused: number
  /** Not bridged back because the bridge had injected them (loop). */
  loops: number
  /** Handed to MQTT and not yet confirmed — while the broker is down, the backlog. */
  queued: number
}

/** Counters of the other direction, MQTT → Pavillion. */
export interface ToPavillionStats {
  /** Messages published into Pavillion. */
  bridged: number
  /** Of the reliable ones, acknowledged by Pavillion (and only then PUBACKed). */
  acknowledged: number
  /** Not acknowledged by Pavillion in time (PUBACK reason 0x80): dropped. */
  failed: number
  /** Refused: no rule, a target outside the allow-list, an unparsable topic (PUBACK 0x87 / 0x90). */
  refused: number
  /** Carried this bridge's own mark (it had sent them): not injected again. */
  loops: number
  /** Bridge topics (`$status`, `$rpc` of other links) seen through a wide filter and skipped. */
  ignored: number
}

/** Counters of MQTT requests to Pavillion functions. */
export interface RpcBridgeStats {
  requests: number
  /** Answered with a result. */
  answered: number
  /** Answered with an error (remote status, timeout). */
  errors: number
  /** Answered `busy`: `queues.rpcCalls` calls were running. */
  busy: number
  /** Refused: function not allowed, or no response topic to answer on. */
  refused: number
}

/** Counters of registers mapped to retained topics. */
export interface RegistersBridgeStats {
  /** Observations open now. */
  observed: number
  /** Values published (retained). */
  updates: number
  /** Values replaced by a newer one of the same register before the broker confirmed the one before (broker slow or down). */
  coalesced: number
  /** Observations that failed (refused, timed out) and were opened again later. */
  errors: number
  /** `…/set` messages written: the device applied them. */
  written: number
  /** `…/set` messages the device refused, that were no value of the datatype, or unanswered in time. */
  failed: number
  /** `…/set` messages for a register outside the `write` allow-list: never written. */
  refused: number
}

/** Everything the bridge counts; `MqttBridge.stats()` returns a snapshot. */
export interface BridgeStats {
  readonly mqtt: {
    readonly connected: boolean
    readonly connects: number
    readonly reconnectAttempts: number
  }
  readonly toMqtt: Readonly<ToMqttStats>
  readonly toPavillion: Readonly<ToPavillionStats>
  readonly rpc: Readonly<RpcBridgeStats>
  readonly registers: Readonly<RegistersBridgeStats>
}

/** Fresh zeroed counters. */
export function zeroCounters(): {
  toMqtt: ToMqttStats
  toPavillion: ToPavillionStats
  rpc: RpcBridgeStats
  registers: RegistersBridgeStats
} {
  return {
    toMqtt: { bridged: 0, confirmed: 0, dropped: 0, refused: 0, loops: 0, queued: 0 },
    toPavillion: { bridged: 0, acknowledged: 0, failed: 0, refused: 0, loops: 0, ignored: 0 },
    rpc: { requests: 0, answered: 0, errors: 0, busy: 0, refused: 0 },
    registers: { observed: 0, updates: 0, coalesced: 0, errors: 0, written: 0, failed: 0, refused: 0 },
  }
}
