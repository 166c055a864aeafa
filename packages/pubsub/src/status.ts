import { encodeStatus, type StatusInput } from '@pavillion/wire'

/** Options of {@link statusProvider}. */
export interface StatusProviderOptions {
  /** Called when `read` throws or returns values that cannot be encoded; the previous bytes are used then. */
  readonly onError?: (error: unknown) => void
}

/**
 * Builds the `status` option of a core `Server` (PROTOCOL.md §11) from typed
 * values: battery percent and state, network (WLAN/WWAN RSSI in dBm, wired,
 * unknown) and temperature in °C, encoded with the reference producer's
 * clamping rules. The engine calls it for every acknowledgement it sends, so
 * `read` should be cheap (cache slow readings yourself). Returning undefined
 * sends bare 8-byte acks. It never throws into the engine: when `read` throws
 * or its values cannot be encoded, the last good bytes are used (bare acks
 * before the first success) and `onError` is told.
 *
 * @example
 * ```ts
 * const server = new Server({ ...options, status: statusProvider(() => ({
 *   battery: { percent: 80, state: 'charging' }, network: { type: 'wlan', rssi: -50 }, temperature: 25,
 * })) })
 * ```
 */
export function statusProvider(
  read: () => StatusInput | undefined,
  options: StatusProviderOptions = {},
): () => Uint8Array | undefined {
  let last: Uint8Array | undefined
  return () => {
    try {
      const values = read()
      last = values === undefined ? undefined : encodeStatus(values)
    } catch (error) {
      options.onError?.(error)
    }
    return last
  }
}
