/** A FIFO whose entries can ask to be overtaken by the entries behind them. */
export class DatagramQueue<T extends { holdback: number }> {
  #items: T[] = []
  #head = 0

  /** Entries waiting. */
  get length(): number {
    return this.#items.length - this.#head
  }

  push(item: T): void {
    this.#items.push(item)
  }

  /** Removes the next entry, first letting a held-back head swap places with its successor. */
  shift(): T | undefined {
    const items = this.#items
    for (let held = items[this.#head]; held !== undefined && held.holdback > 0 && this.length > 1; ) {
      held.holdback--
      items[this.#head] = items[this.#head + 1]!
      items[this.#head + 1] = held
      held = items[this.#head]
    }
    const item = items[this.#head]
    if (item === undefined) return undefined
    this.#head++
    if (this.#head >= 1024 && this.#head * 2 >= items.length) {
      this.#items = items.slice(this.#head)
      this.#head = 0
    }
    return item
  }
}
