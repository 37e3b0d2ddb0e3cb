package io.postern.spi;

import io.postern.key.PublicKey;

/**
 * Decides whether a static key may complete a handshake at all. Postern ships {@code allowlist}
 * (only configured {@code [Peer]}s, WireGuard's model) and {@code open} (any key: the model of an
 * open peer-to-peer gateway). Consulted after the initiation authenticated, before any policy.
 * Public no-argument constructor; thread-safe; must not block.
 */
public interface Admission {
    /** @return the stable name the configuration key {@code Admission} selects */
    String name();

    /** @return one sentence: who gets in */
    String description();

    /**
     * @param key        the initiator's authenticated static key
     * @param configured whether a {@code [Peer]} with that key is configured
     * @return whether the handshake may proceed
     */
    boolean admits(PublicKey key, boolean configured);
}
