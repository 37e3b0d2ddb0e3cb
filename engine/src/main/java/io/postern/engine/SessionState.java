package io.postern.engine;

/** The state of a peer's session as {@code show} reports it. */
public enum SessionState {
    /** No keypair and no handshake in flight. */
    NONE,
    /** We sent an initiation and wait for the response. */
    HANDSHAKE_INITIATED,
    /** We answered an initiation; the keypair waits for its first transport packet (key confirmation). */
    AWAITING_CONFIRMATION,
    /** A confirmed current keypair exists. */
    ESTABLISHED,
    /** The keys expired; the peer stays configured but has no session. */
    EXPIRED
}
