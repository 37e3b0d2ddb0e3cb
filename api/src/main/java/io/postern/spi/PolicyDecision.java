package io.postern.spi;

/** What a {@link SessionPolicy} decides for a new identity at an endpoint bound to another one. */
public enum PolicyDecision {
    /**
     * Answer the newcomer's handshake at once; when the newcomer's session is confirmed (its first
     * authenticated transport packet), evict the incumbent's session bound to that endpoint: keys
     * zeroed, binding removed, timers stopped, logged as {@code stale session detected, resetting
     * connection} and counted. If the newcomer never confirms, the incumbent is untouched.
     */
    ACCEPT_AND_RESET_AFTER_CONFIRMATION,
    /**
     * Answer the newcomer's handshake and leave the incumbent's session alone until its keys
     * expire (WireGuard's stock behaviour).
     */
    ACCEPT_AND_KEEP_BOTH,
    /** Drop the newcomer's initiation (counted); the incumbent keeps the endpoint. */
    REJECT
}
