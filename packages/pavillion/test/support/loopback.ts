import { createSocket } from 'node:dgram'

/** The multicast group of the tests (PROTOCOL.md §2.2), always reached through 127.0.0.1. */
export const GROUP = '239.255.28.12'

/** A UDP port that was free on every IPv4 interface a moment ago. */
export async function freePort(): Promise<number> {
  const socket = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, '0.0.0.0', resolve)
    })
    return socket.address().port
  } finally {
    socket.close()
  }
}

/** Resolves once `done()` holds, checking every 5 ms for at most `ms`; returns whether it held. */
export async function waitUntil(done: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = performance.now() + ms
  while (!done() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  return done()
}

/** Things to close after each test, newest first. */
export class Closer {
  readonly #items: { close(): unknown }[] = []

  add<T extends { close(): unknown }>(item: T): T {
    this.#items.push(item)
    return item
  }

  async closeAll(): Promise<void> {
    for (const item of this.#items.splice(0).reverse()) await item.close()
  }
}

/** UTF-8 text of bytes. */
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
