package io.postern.engine;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One remote identity (wireguard-go {@code device/peer.go}): its configuration (or none, when open
 * admission created it), endpoint, keypair slots, handshake state, timers and counters.
 *
 * <p>Mutations happen under the peer's monitor ({@code synchronized (peer)}); the keypair slots,
 * endpoint and timer fields are volatile so the data path reads them without locking. A peer's
 * monitor is never held while taking another peer's.
 */
final class Peer {
    /** "Never" for the times below. */
    static final long NEVER = Long.MIN_VALUE;
    /** "Not armed" for deadlines. */
    static final long UNARMED = Long.MAX_VALUE;

    final PublicKey key;

    private volatile PeerConfig config; // null for a peer admitted dynamically
    volatile Endpoint endpoint;

    // keypair slots (wireguard-go Keypairs): written under the monitor, read anywhere
    volatile Keypair current;
    volatile Keypair previous;
    volatile Keypair next;

    // guarded by the monitor
    HandshakeInFlight inFlight;
    byte[] greatestTimestamp;
    long lastInitiationAcceptedMillis = NEVER;
    byte[] cookie;
    long cookieReceivedMillis = NEVER;
    final ArrayDeque<byte[]> staged = new ArrayDeque<>();

    // timers (racy updates are harmless: the worst case is one extra or late keepalive)
    volatile long lastAuthenticatedMillis = NEVER;
    volatile long lastSentMillis = NEVER;
    long lastInitiationSentMillis = NEVER; // guarded by the monitor
    long lastInitiationSentNanos; // System.nanoTime() of it, for the latency histogram; guarded by the monitor
    volatile long lastKeypairMillis = NEVER;
    volatile long keepaliveDeadline = UNARMED;
    volatile long newHandshakeDeadline = UNARMED;

    final LongAdder rxBytes = new LongAdder();
    final LongAdder txBytes = new LongAdder();
    volatile Instant lastHandshake;
    volatile String lastPolicyDecision;
    volatile boolean expired;
    volatile boolean removed;
    /** The source whose quota a dynamic peer counts against, until given back ({@link #takeOrigin}). */
    private SourcePrefix origin;

    Peer(PublicKey key, PeerConfig config) {
        this.key = key;
        this.config = config;
        this.endpoint = config == null ? null : config.endpoint();
    }

    /** Records the source a dynamic peer was created from (its quota slot). */
    synchronized void origin(SourcePrefix source) {
        origin = source;
    }

    /** @return the source whose quota slot this peer held, once (null afterwards, and for configured peers) */
    synchronized SourcePrefix takeOrigin() {
        SourcePrefix o = origin;
        origin = null;
        return o;
    }

    /** @return whether it comes from a {@code [Peer]} section */
    boolean configured() {
        return config != null;
    }

    /** Applies a new configuration; a new configured endpoint replaces the current one. */
    synchronized void configure(PeerConfig newConfig) {
        PeerConfig old = config;
        config = newConfig;
        if (newConfig.endpoint() != null && (old == null || !newConfig.endpoint().equals(old.endpoint()))) {
            endpoint = newConfig.endpoint();
        }
    }

    PresharedKey presharedKey() {
        PeerConfig c = config;
        return c == null ? PresharedKey.NONE : c.presharedKey();
    }

    List<IpPrefix> allowedIps() {
        PeerConfig c = config;
        return c == null ? List.of() : c.allowedIps();
    }

    Duration persistentKeepalive() {
        PeerConfig c = config;
        return c == null ? Duration.ZERO : c.persistentKeepalive();
    }

    /** @return the current keypair if it may still send at {@code nowMillis}, else null */
    Keypair sendableKeypair(long nowMillis) {
        Keypair kp = current;
        if (kp == null || !kp.isYoungerThan(ProtocolConstants.REJECT_AFTER_TIME.toMillis(), nowMillis)
                || Long.compareUnsigned(kp.sentCount(), ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0) {
            return null;
        }
        return kp;
    }

    /** @return whether a current or next keypair is younger than REJECT_AFTER_TIME (a live session) */
    boolean hasLiveSession(long nowMillis) {
        long reject = ProtocolConstants.REJECT_AFTER_TIME.toMillis();
        Keypair c = current;
        Keypair n = next;
        return (c != null && c.isYoungerThan(reject, nowMillis)) || (n != null && n.isYoungerThan(reject, nowMillis));
    }

    /** @return the state {@code show} reports */
    SessionState state(long nowMillis) {
        if (sendableKeypair(nowMillis) != null) {
            return SessionState.ESTABLISHED;
        }
        Keypair n = next;
        if (n != null && n.isYoungerThan(ProtocolConstants.REJECT_AFTER_TIME.toMillis(), nowMillis)) {
            return SessionState.AWAITING_CONFIRMATION;
        }
        synchronized (this) {
            if (inFlight != null) {
                return SessionState.HANDSHAKE_INITIATED;
            }
        }
        return expired || current != null ? SessionState.EXPIRED : SessionState.NONE;
    }

    /** @return a snapshot for {@code show} */
    PeerStatus status(long nowMillis) {
        return new PeerStatus(key, endpoint, allowedIps(), configured(), state(nowMillis), lastHandshake,
                rxBytes.sum(), txBytes.sum(), lastPolicyDecision);
    }

    @Override
    public String toString() {
        return key.shortForm();
    }
}
