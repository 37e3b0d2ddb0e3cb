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
    /** Times the session policy threw, returned null, or gave no decision within its budget (OnPolicyFault applied). */
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
    /** Cookies taken from cookie replies to our initiations or responses (a peer under load asked for mac2). */
    COOKIES_RECEIVED,
    /** Unconfirmed handshakes dropped to keep the half-open and dynamic-peer bounds (never a confirmed session). */
    HALF_OPEN_EVICTED,
    /** Initiations given up after REKEY_ATTEMPT_TIME without a response. */
    HANDSHAKES_ABANDONED,
    /** Confirmed dynamic peers, idle for DYNAMIC_PEER_IDLE, removed because the dynamic-peer table was full. */
    IDLE_DYNAMIC_PEERS_EVICTED,
    /** Roaming packets that did not take an endpoint's binding from another live session. */
    ROAMING_BINDINGS_REFUSED,
    /** Evictions a policy asked for that did not happen: confirmed from elsewhere, or the incumbent was alive. */
    EVICTIONS_DECLINED,
    /** Payloads not staged because the engine-wide staged-bytes bound was reached. */
    STAGING_REFUSED,
    /** Evicted sessions restored by an authenticated packet on their kept keys (the eviction was contested). */
    EVICTIONS_CONTESTED
}
