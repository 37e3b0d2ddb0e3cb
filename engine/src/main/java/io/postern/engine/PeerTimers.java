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
    private static final long NEW_HANDSHAKE_AFTER_RESPONDER =
            ProtocolConstants.NEW_HANDSHAKE_AFTER_UNANSWERED_DATA_RESPONDER.toMillis();

    /** Last authenticated packet received (a transport packet, or the response to our initiation). */
    private volatile long lastAuthenticatedMillis = NEVER;
    /** Last packet sent (data, keepalive, initiation, response): the persistent keepalive counts from it. */
    private volatile long lastSentMillis = NEVER;
    /** When the newest keypair was derived: the keys are zeroed REJECT_AFTER_TIME × 3 after it. */
    private volatile long sessionDerivedMillis = NEVER;
    /** Our last initiation sent, engine clock and {@link System#nanoTime()} (latency histogram). */
    private volatile long lastInitiationSentMillis = NEVER;
    private volatile long lastInitiationSentNanos;
    /** wireguard-go retransmitHandshake: resend the initiation in flight. */
    private volatile long retransmitDeadline = UNARMED;
    /** wireguard-go sendKeepalive: the passive keepalive after data received. */
    private volatile long keepaliveDeadline = UNARMED;
    /** wireguard-go newHandshake: data sent got no authenticated answer. */
    private volatile long newHandshakeDeadline = UNARMED;

    // ---- events ------------------------------------------------------------------------------

    /**
     * Data (not a keepalive) was sent under a keypair: unless already armed, a new handshake is due
     * if nothing authenticated comes back — after REKEY_TIMEOUT under a keypair we initiated (a
     * Postern deviation, see {@link ProtocolConstants}), after KEEPALIVE_TIMEOUT + REKEY_TIMEOUT
     * under the peer's; plus jitter.
     */
    void dataSent(long now, boolean underOurKeypair) {
        if (newHandshakeDeadline == UNARMED) {
            long wait = underOurKeypair ? NEW_HANDSHAKE_AFTER : NEW_HANDSHAKE_AFTER_RESPONDER;
            newHandshakeDeadline = now + wait + jitterMillis();
        }
    }

    /** Data (not a keepalive) was received: unless already armed, a passive keepalive is due after KEEPALIVE_TIMEOUT. */
    void dataReceived(long now) {
        if (keepaliveDeadline == UNARMED) {
            keepaliveDeadline = now + KEEPALIVE_TIMEOUT;
        }
    }

    /** A transport packet or an initiation was sent: it stands in for the passive keepalive. */
    void anyAuthenticatedPacketSent() {
        keepaliveDeadline = UNARMED;
    }

    /** An authenticated packet came in: the peer answers, so no new handshake for unanswered data. */
    void anyAuthenticatedPacketReceived(long now) {
        lastAuthenticatedMillis = now;
        newHandshakeDeadline = UNARMED;
    }

    /**
     * A packet of ours left (data, keepalive, initiation or response): the persistent keepalive
     * counts from here. (wireguard-go also counts received packets; Postern counts what it sends.)
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
