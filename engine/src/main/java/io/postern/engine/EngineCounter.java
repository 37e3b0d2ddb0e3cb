package io.postern.engine;

/**
 * The engine's monotonic counters besides the drops (those are per {@link io.postern.event.DropReason}).
 * Adding a counter is one constant here and one {@code count}/{@code add} where it happens.
 */
public enum EngineCounter {
    /** Initiations sent. */
    HANDSHAKES_INITIATED,
    /** Handshakes completed in either role. */
    HANDSHAKES_COMPLETED,
    /** Keypairs confirmed by their first transport packet. */
    SESSIONS_CONFIRMED,
    /** Sessions evicted because a new identity confirmed at their endpoint. */
    STALE_SESSIONS_EVICTED,
    /** Times the session policy threw or returned null. */
    POLICY_FAULTS,
    /** Authenticated transport packets received. */
    PACKETS_RECEIVED,
    /** Transport packets sent. */
    PACKETS_SENT,
    /** Bytes of authenticated transport packets received (whole datagrams). */
    BYTES_RECEIVED,
    /** Bytes of transport packets sent (whole datagrams). */
    BYTES_SENT,
    /** Cookie replies sent to handshakes without a valid mac2 while under load. */
    COOKIE_REPLIES_SENT,
    /** Unconfirmed handshakes dropped to keep the half-open and dynamic-peer bounds (never a confirmed session). */
    HALF_OPEN_EVICTED,
    /** Initiations given up after REKEY_ATTEMPT_TIME without a response. */
    HANDSHAKES_ABANDONED
}
