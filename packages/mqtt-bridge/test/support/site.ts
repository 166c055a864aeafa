import { waitUntil } from '@pavillion/test-utils'
import { connect, type IPublishPacket, type MqttClient } from 'mqtt'
import {
  createClient,
  createServer,
  generatePsk,
  type PavillionClient,
  type PavillionServer,
  type PresharedKey,
} from 'pavillion'
import { MqttBridge } from '../../src/bridge.ts'
import type { MqttBridgeOptions } from '../../src/options.ts'

/** A device server on loopback ("hall") and the bridge's client link to it. */
export interface Site {
  readonly hall: PavillionServer
  readonly link: PavillionClient
  readonly psk: PresharedKey
  close(): Promise<void>
}

/** Starts a Pavillion server on 127.0.0.1 that knows `clientId` and connects a client link to it. */
export async function startSite(clientId = 'bridge-link-0001'): Promise<Site> {
  const psk = await generatePsk()
  const hall = await createServer({
    bind: '127.0.0.1',
    port: 0,
    clients: { psk: { [clientId]: psk } },
    reserved: {},
  })
  const link = await createClient({
    address: `127.0.0.1:${hall.address.port}`,
    clientId,
    psk,
    bind: '127.0.0.1',
  })
  await link.waitForServer({ timeout: 5000 })
  return {
    hall,
    link,
    psk,
    close: async () => {
      await link.close()
      await hall.close()
    },
  }
}

/** A bridge on `url` with fast reconnection (tests do not wait for the default backoff). */
export function bridgeFor(
  url: string,
  links: Record<string, PavillionClient>,
  options: Partial<MqttBridgeOptions> = {},
  server?: PavillionServer,
): MqttBridge {
  return new MqttBridge(
    {
      id: 'test-bridge',
      ...options,
      mqtt: { url, reconnectDelay: 100, maxReconnectDelay: 400, ...options.mqtt },
    },
    { links, ...(server === undefined ? {} : { server }) },
  )
}

/** An MQTT v5 test client that records every message it receives. */
export class Recorder {
  readonly client: MqttClient
  readonly messages: IPublishPacket[] = []

  private constructor(client: MqttClient) {
    this.client = client
    client.on('message', (_topic, _payload, packet) => this.messages.push(packet))
  }

  /** Connects (MQTT v5) and subscribes to `filters` with QoS 1. */
  static async start(
    url: string,
    filters: string[],
    options: { clientId?: string; clean?: boolean } = {},
  ): Promise<Recorder> {
    // Listening before the CONNACK: a resumed session's queued messages may come in the same read.
    const client = connect(url, {
      protocolVersion: 5,
      reconnectPeriod: 100,
      ...(options.clientId === undefined ? {} : { clientId: options.clientId }),
      clean: options.clean ?? true,
      ...(options.clean === false ? { properties: { sessionExpiryInterval: 600 } } : {}),
    })
    const recorder = new Recorder(client)
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', reject)
    })
    if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 })
    return recorder
  }

  /** Messages on `topic`. */
  on(topic: string): IPublishPacket[] {
    return this.messages.filter((m) => m.topic === topic)
  }

  async close(): Promise<void> {
    await this.client.endAsync()
  }
}

/** Resolves once `done()` holds, for at most `ms`; the error shows `state()`. */
export async function until(done: () => boolean, ms = 10_000, state?: () => unknown): Promise<void> {
  if (await waitUntil(done, ms)) return
  throw new Error(
    `condition not met within ${ms} ms${state === undefined ? '' : `: ${JSON.stringify(state())}`}`,
  )
}

/** Waits `ms` (to see that nothing more arrives). */
export function settle(ms = 300): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

export const text = (bytes: Uint8Array | string): string =>
  typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)
