package io.postern.spi;


/**
 * Decides what happens when a peer with a new identity (static key) performs a valid handshake
 * from an endpoint (IP:port) that a live session of another identity is bound to — the NAT
 * reconnect case: a peer restarted with a new key and its NAT reused the mapping.
 *
 * <p>The engine asks only after the newcomer's initiation has authenticated (mac1, static key and
 * timestamp decrypted, timestamp newer than any seen, admission passed): an unauthenticated
 * packet never reaches a policy, so no policy can be made to act on spoofed traffic.
 *
 * <p>Contract for implementers:
 * <ul>
 *   <li>a public no-argument constructor; {@link java.util.ServiceLoader} creates one instance,
 *       shared by all receive threads: it must be thread-safe;</li>
 *   <li>{@link #onIdentityChange} runs on the engine's handshake worker, in the middle of answering
 *       a handshake: return quickly, never block or do I/O. The gateway gives each decision a time
 *       budget; a policy that exceeds it, throws or returns {@code null} is treated as a fault:
 *       the gateway logs it, counts it and applies its default policy;</li>
 *   <li>{@link #name()} is stable across releases: configuration files name it
 *       ({@code SessionPolicy = reset-on-identity-change}).</li>
 * </ul>
 */
public interface SessionPolicy {
    /** @return the stable name the configuration key {@code SessionPolicy} selects */
    String name();

    /** @return when an operator should choose this policy, in one or two sentences */
    String description();

    /**
     * Called once per authenticated initiation from {@link IdentityChange#newcomer()} at an
     * endpoint bound to a live session of {@link IdentityChange#incumbent()}.
     *
     * @return the decision; see {@link PolicyDecision} for what each one does
     */
    PolicyDecision onIdentityChange(IdentityChange change);

    /**
     * Whether {@link #onIdentityChange} is a short computation on its argument and the policy's own
     * immutable state — no I/O, no lock, no waiting, no unbounded loop — that the engine may run on
     * the handshake thread itself. The engine then skips the hand-off to the policy's own threads and
     * its time budget (two thread wake-ups per identity change, milliseconds on a busy machine, on
     * the reconnect path); a throw or a {@code null} is still a fault. Only a policy that can promise
     * this should say so: a policy that blocks while saying so stops every handshake. The built-in
     * policies say true; the default is false.
     *
     * @return true to be called on the handshake thread
     */
    default boolean decidesWithoutBlocking() {
        return false;
    }

    /**
     * Told about every session event after it happened (handshake completed, session confirmed,
     * evicted, expired). For bookkeeping only: the return value of {@link #onIdentityChange} is the
     * only way a policy acts. Same threading rules. The default does nothing.
     */
    default void onEvent(GatewayEvent event) {}
}
