import type { MqttLink } from './mqtt-link.ts'

/**
 * Retained values where only the latest matters (register topics): at most
 * one publish per topic is handed to MQTT and unconfirmed; a value arriving
 * meanwhile replaces any value waiting behind it and is sent once the first
 * is confirmed. So while the broker is down each topic holds at most two
 * values, and the last one always arrives.
 */
export class LatestOnly {
  readonly #mqtt: () => MqttLink
  /** topic → the value waiting for the one in flight (undefined: none waits). */
  readonly #inFlight = new Map<
    string,
    { payload: Uint8Array; properties: Record<string, string> } | undefined
  >()
  readonly #coalesced: () => void

  /** `coalesced` is called for each value replaced before it was sent. */
  constructor(mqtt: () => MqttLink, coalesced: () => void) {
    this.#mqtt = mqtt
    this.#coalesced = coalesced
  }

  /** Publishes `payload` retained on `topic` (QoS 1), now or after the one in flight. */
  publish(topic: string, payload: Uint8Array, properties: Record<string, string>): void {
    if (this.#inFlight.has(topic)) {
      if (this.#inFlight.get(topic) !== undefined) this.#coalesced()
      this.#inFlight.set(topic, { payload, properties })
      return
    }
    this.#inFlight.set(topic, undefined)
    this.#mqtt().publish(topic, payload, 1, true, properties, () => {
      const next = this.#inFlight.get(topic)
      this.#inFlight.delete(topic)
      if (next !== undefined) this.publish(topic, next.payload, next.properties)
    })
  }
}
