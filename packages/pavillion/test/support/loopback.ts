export { freePort, GROUP, waitUntil } from '@pavillion/test-utils'

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
