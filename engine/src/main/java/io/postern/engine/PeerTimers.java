package io.postern.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One peer's timers, and the ONLY place that arms or disarms them (wireguard-go
 * {@code device/timers.go}). The data path, the handshake roles and the teardown report events by
 * the names wireguard-go gives them — {@link #dataSent}, {@link #dataReceived},
 * {@link #anyAuthenticatedPacketSent}, {@link #anyAuthenticatedPacketReceived},
 * {@link #anyAuthenticatedPacketTraversal}, {@link #handshakeInitiated}, {@link #handshakeComplete},
 * {@link #sessionDerived} — and each event decides which deadline it arms or stops. The expiries
 * themselves run in {@link TimerTick}, which asks {@code take…IfDue} here.
 *
 * <p>Deadlines are engine-clock milliseconds. The fields are volatile: events come from receive,
 * send and handshake threads, the tick from the timer thread; racy updates are harmless (the worst
 * case is one extra or late keepalive).
 */
final class PeerTimers {
    /** "Never" for the times below. */
    static final long NEVER = Long.MIN_VALUE;
    /** "Not armed" for deadlines. */
    private static final long UNARMED = Long.MAX_VALUE;

    private static final long REKEY_TIMEOUT = ProtocolConstants.REKEY_TIMEOUT.toMillis();
    private static final long KEEPALIVE_TIMEOUT = ProtocolConstants.KEEPALIVE_TIMEOUT.toMillis();
    private static final long ZERO_KEYS_AFTER = ProtocolConstants.ZERO_KEYS_AFTER.toMillis();
    private static final long NEW_HANDSHAKE_AFTER = ProtocolConstants.NEW_HANDSHAKE_AFTER_UNANSWERED_DATA.toMillis();
    private static final long NEW_HANDSHAKE_AFTER_SILENT =
            ProtocolConstants.NEW_HANDSHAKE_AFTER_SILENT_KEYPAIR.toMillis();

    /** Last authenticated packet received (a transport packet, or the response to our initiation). */
    private volatile long lastAuthenticatedMillis = NEVER;
    /** Last authenticated packet sent or received: the persistent keepalive counts from it (wireguard-go). */
    private volatile long lastSentMillis = NEVER;
    /** When the newest keypair was derived: the keys are zeroed REJECT_AFTER_TIME × 3 after it. */
    private volatile long sessionDerivedMillis = NEVER;
    /**
     * Our last handshake message sent — initiation or response (wireguard-go lastSentHandshake): no
     * new initiation within REKEY_TIMEOUT of it; and {@link System#nanoTime()} of the last initiation
     * (latency histogram).
     */
    private volatile long lastInitiationSentMillis = NEVER;
    private volatile long lastInitiationSentNanos;
    /** wireguard-go retransmitHandshake: resend the initiation in flight. */
    private volatile long retransmitDeadline = UNARMED;
    /** wireguard-go sendKeepalive: the passive keepalive after data received. */
    private volatile long keepaliveDeadline = UNARMED;
    /** wireguard-go needAnotherKeepalive: data came in while the passive keepalive was pending. */
    private volatile boolean needAnotherKeepalive;
    /** wireguard-go newHandshake: data sent got no authenticated answer. */
    private volatile long newHandshakeDeadline = UNARMED;

    // ---- events ------------------------------------------------------------------------------

    /**
     * Data (not a keepalive) was sent: unless already armed, a new handshake is due if nothing
     * authenticated comes back — after KEEPALIVE_TIMEOUT + REKEY_TIMEOUT, as wireguard-go; after
     * REKEY_TIMEOUT when nothing authenticated came in since the keypair was derived (a Postern
     * deviation, see {@link ProtocolConstants}); plus jitter.
     */
    void dataSent(long now) {
        if (newHandshakeDeadline == UNARMED) {
            long derived = sessionDerivedMillis;
            boolean silent = derived != NEVER && lastAuthenticatedMillis < derived;
            long wait = silent ? NEW_HANDSHAKE_AFTER_SILENT : NEW_HANDSHAKE_AFTER;
            newHandshakeDeadline = now + wait + jitterMillis();
        }
    }

    /** Data (not a keepalive) was received: unless already armed, a passive keepalive is due after KEEPALIVE_TIMEOUT. */
    void dataReceived(long now) {
        if (keepaliveDeadline == UNARMED) {
            keepaliveDeadline = now + KEEPALIVE_TIMEOUT;
        } else {
            needAnotherKeepalive = true;
        }
    }

    /**
     * The passive keepalive was sent (wireguard-go expiredSendKeepalive): if data came in while it was
     * pending, another one is due after KEEPALIVE_TIMEOUT.
     */
    void passiveKeepaliveSent(long now) {
        if (needAnotherKeepalive) {
            needAnotherKeepalive = false;
            keepaliveDeadline = now + KEEPALIVE_TIMEOUT;
        }
    }

    /** A transport packet, an initiation or a response was sent: it stands in for the passive keepalive. */
    void anyAuthenticatedPacketSent() {
        keepaliveDeadline = UNARMED;
    }

    /** An authenticated packet came in: the peer answers, so no new handshake for unanswered data. */
    void anyAuthenticatedPacketReceived(long now) {
        lastAuthenticatedMillis = now;
        newHandshakeDeadline = UNARMED;
    }

    /**
     * An authenticated packet left or came in (data, keepalive, initiation or response): the
     * persistent keepalive counts from here (wireguard-go timersAnyAuthenticatedPacketTraversal).
     */
    void anyAuthenticatedPacketTraversal(long now) {
        lastSentMillis = now;
    }

    /** An initiation was sent: retransmit it after REKEY_TIMEOUT + jitter unless answered. */
    void handshakeInitiated(long now) {
        lastInitiationSentMillis = now;
        lastInitiationSentNanos = System.nanoTime();
        retransmitDeadline = now + REKEY_TIMEOUT + jitterMillis();
    }

    /** We sent a handshake response: it counts toward the REKEY_TIMEOUT gate between handshakes (wireguard-go). */
    void handshakeResponseSent(long now) {
        lastInitiationSentMillis = now;
    }

    /** Our initiation was answered, or given up: nothing to retransmit. */
    void handshakeComplete() {
        retransmitDeadline = UNARMED;
    }

    /** A keypair was derived (either role): its keys are zeroed REJECT_AFTER_TIME × 3 from now unless a newer one comes. */
    void sessionDerived(long now) {
        sessionDerivedMillis = now;
    }

    /** Every key was zeroed: nothing is due any more (wireguard-go timersStop, and the zeroed keys). */
    void keysCleared() {
        keepaliveDeadline = UNARMED;
        needAnotherKeepalive = false;
        newHandshakeDeadline = UNARMED;
        sessionDerivedMillis = NEVER;
    }

    // ---- expiries (asked by TimerTick) -------------------------------------------------------

    /** @return whether the initiation in flight is due for retransmission at {@code now} */
    boolean retransmitDue(long now) {
        return now >= retransmitDeadline;
    }

    /** @return whether the keys are due to be zeroed at {@code now} */
    boolean zeroKeysDue(long now) {
        long derived = sessionDerivedMillis;
        return derived != NEVER && now - derived >= ZERO_KEYS_AFTER;
    }

    /** @return whether the "unanswered data" handshake was due at {@code now}; disarms it if so */
    boolean takeNewHandshakeIfDue(long now) {
        long due = newHandshakeDeadline;
        if (due != UNARMED && now >= due) {
            newHandshakeDeadline = UNARMED;
            return true;
        }
        return false;
    }

    /** @return whether the passive keepalive was due at {@code now}; disarms it if so */
    boolean takeKeepaliveIfDue(long now) {
        long due = keepaliveDeadline;
        if (due != UNARMED && now >= due) {
            keepaliveDeadline = UNARMED;
            return true;
        }
        return false;
    }

    /** @return whether a persistent keepalive every {@code interval} (non-zero) is due at {@code now} */
    boolean persistentKeepaliveDue(long now, Duration interval) {
        long last = lastSentMillis;
        return last == NEVER || now - last >= interval.toMillis();
    }

    // ---- readings ----------------------------------------------------------------------------

    /** @return whether an initiation was sent less than {@code millis} before {@code now} */
    boolean initiatedWithin(long now, long millis) {
        long last = lastInitiationSentMillis;
        return last != NEVER && now - last < millis;
    }

    /** @return nanoseconds since the last initiation was sent (real time) */
    long nanosSinceInitiation() {
        return System.nanoTime() - lastInitiationSentNanos;
    }

    /** @return when the last authenticated packet came in, or {@link #NEVER} */
    long lastAuthenticatedMillis() {
        return lastAuthenticatedMillis;
    }

    /** @return a random retransmission jitter in [0, 333] ms (wireguard-go: up to 333 ms) */
    private static long jitterMillis() {
        // Not a secret: timer jitter only spreads retransmissions (wireguard-go uses a fast,
        // non-cryptographic source too). SecureRandom here allocated on every data packet sent.
        return ThreadLocalRandom.current().nextLong(ProtocolConstants.REKEY_TIMEOUT_JITTER_MAX.toMillis() + 1);
    }
}
