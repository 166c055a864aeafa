import type { DeviceStatus } from '@pavillion/wire'
import type { PeerAddress } from './transport.ts'

/** A server as a client knows it: one per source address that completed a handshake. */
export interface ServerInfo {
  /** `addressKey(address)`: stable while the server keeps its source port. */
  readonly key: string
  /** Where the server's packets come from (its send socket). */
  readonly address: PeerAddress
  /** 1 = PSK, 2 = ECC. */
  readonly suite: number
  /** ECC: the server's public key the client verified it against. PSK: undefined. */
  readonly publicKey: Uint8Array | undefined
}

/** A client as a server knows it: one per source address with an established session. */
export interface ClientInfo {
  /** `addressKey(address)` of the client's socket. */
  readonly key: string
  /** The client's source address. */
  readonly address: PeerAddress
  /** 1 = PSK, 2 = ECC. */
  readonly suite: number
  /** The 16-byte client ID sent on the wire. */
  readonly clientId: Uint8Array
  /** What the application should call this client: the client ID, or for guests the 32-byte H0(public key). */
  readonly identity: Uint8Array
  /** True for an ECC guest (a key the server did not know beforehand). */
  readonly guest: boolean
}

/** Why a session or server record ended. */
export type CloseReason = 'quit' | 'timeout' | 'evicted' | 'replaced' | 'closed'

/** Outcome of a tracked (acknowledged) send. */
export interface DeliveryReport<P> {
  /** The ticket `send()` returned. */
  readonly id: number
  /** The packet's counter (u64). */
  readonly counter: bigint
  /**
   * `acknowledged`: the expectation was met; `deadline`: time ran out; `closed`: the endpoint closed;
   * `evicted` / `replaced`: the session of a peer it awaited ended that way, so it can never be
   * acknowledged there (reported at once, not at the deadline).
   */
  readonly outcome: 'acknowledged' | 'deadline' | 'closed' | 'cancelled' | 'evicted' | 'replaced'
  /** Peers that acknowledged, in order. */
  readonly acked: readonly P[]
  /** Expected peers that did not. */
  readonly missing: readonly P[]
  /** How many times the packet went out (1 = never retransmitted). */
  readonly transmissions: number
  /** Time from the first transmission to the report, ms. */
  readonly elapsed: number
  /** The answers of a send made with `answeredBy` (one per peer, in arrival order); empty otherwise. */
  readonly answers: readonly OpcodeEvent<P>[]
}

/**
 * An authenticated message of an opcode the engine does not decode itself,
 * handed to the layer that registered it (`Client.handle` / `Server.handle`).
 */
export interface OpcodeEvent<P> {
  /** The application opcode (the first plaintext byte). */
  readonly opcode: number
  /**
   * The plaintext after the opcode byte, undecoded. A view that is never
   * overwritten, so it may be kept; it can share its buffer with other
   * packets, so `slice()` it to own the bytes alone.
   */
  readonly payload: Uint8Array
  /** The sender's packet counter (u64). */
  readonly counter: bigint
  /** The authenticated sender. */
  readonly sender: P
  /**
   * True when this counter was seen before (a retransmission). Reported only
   * to handlers registered with `{ duplicates: true }`; the engine has already
   * acknowledged a duplicate reliable message again.
   */
  readonly duplicate: boolean
}

/** An `OpcodeEvent` as the engine queues it. */
export interface MessageEvent<P> extends OpcodeEvent<P> {
  readonly type: 'message'
}

/** Events a client endpoint emits. */
export type ClientEvent =
  | { readonly type: 'server:connected'; readonly server: ServerInfo }
  | { readonly type: 'server:disconnected'; readonly server: ServerInfo; readonly reason: CloseReason }
  | { readonly type: 'server:status'; readonly server: ServerInfo; readonly status: DeviceStatus }
  /**
   * Both refusals are unauthenticated, so each is reported only once a whole
   * round of nonce requests (3 in a row) was refused with no genuine answer:
   * one spoofed datagram cannot make a correct client report a wrong key.
   */
  | { readonly type: 'server:invalid-client-id'; readonly address: PeerAddress }
  | {
      readonly type: 'server:auth-failed'
      readonly address: PeerAddress
      /**
       * `forged-answer`: a nonce answer to our challenge did not verify under
       * our key (a wrong PSK, or a server that boxed to another ECC key);
       * `not-accepted`: we sent our client info and the server never accepted it.
       */
      readonly reason: 'forged-answer' | 'not-accepted'
    }
  | { readonly type: 'time:sync'; readonly server: ServerInfo; readonly offset: number }
  | { readonly type: 'delivery'; readonly report: DeliveryReport<ServerInfo>; readonly token: unknown }
  | MessageEvent<ServerInfo>

/** Events a server endpoint emits. */
export type ServerEvent =
  | { readonly type: 'session:opened'; readonly client: ClientInfo }
  | { readonly type: 'session:closed'; readonly client: ClientInfo; readonly reason: CloseReason }
  | {
      readonly type: 'security:leaked-secret-key'
      readonly clientId: Uint8Array
      readonly address: PeerAddress
    }
  | HandshakeRejectedEvent
  | { readonly type: 'delivery'; readonly report: DeliveryReport<ClientInfo>; readonly token: unknown }
  | MessageEvent<ClientInfo>

/**
 * A server refused a handshake step: `unknown-client` (a nonce request or
 * client info for a client ID it does not know, or an ECC key it does not
 * know with guests off), `wrong-key` (client info whose PSK hash or ECC box
 * did not verify). Carries the claimed client ID, never key material.
 */
export interface HandshakeRejectedEvent {
  readonly type: 'handshake:rejected'
  readonly address: PeerAddress
  /** The 16-byte client ID the datagram claimed (a copy). */
  readonly clientId: Uint8Array
  readonly reason: 'unknown-client' | 'wrong-key'
}

/** A datagram the endpoint wants sent. */
export interface Transmit {
  readonly to: PeerAddress
  readonly bytes: Uint8Array
}
