package io.postern.engine;

import io.postern.net.Endpoint;
import io.postern.spi.crypto.AeadKey;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport keys of one completed handshake (wireguard-go {@code device/keypair.go}): a send
 * key, a receive key, the two receiver indices, when it was made, which side initiated, the next
 * send counter and the replay window of what was received.
 *
 * <p>{@link AeadKey} instances are not thread-safe: each key is used only while holding its own
 * monitor, and {@link #destroy()} takes the same monitors, so a packet never runs on a zeroed key.
 */
final class SessionKeyPair {
    final Peer peer;
    final int localIndex;
    final int remoteIndex;
    final long createdMillis;
    /** {@link System#nanoTime()} at creation, for the confirmation-latency histogram (real time). */
    final long createdNanos = System.nanoTime();
    final boolean initiator;
    final ReplayWindow replay = new ReplayWindow();
    /**
     * Set on a responder keypair whose handshake the policy answered with
     * ACCEPT_AND_RESET_AFTER_CONFIRMATION: whom to evict, and where, once this keypair is confirmed.
     */
    final EvictionMark evictOnConfirmation;
    /**
     * Where this keypair's handshake happened (responder: the initiation's source; initiator: the
     * response's source): the one endpoint whose binding it may take from another live session.
     */
    final Endpoint handshakeEndpoint;

    private final AeadKey sendKey;
    private final AeadKey receiveKey;
    private final AtomicLong sendCounter = new AtomicLong();
    private volatile boolean destroyed;
    /**
     * Its session was evicted and it is kept for receiving only ({@link EvictedSessions}): not in any
     * of its peer's slots, never used for sending. Written under the peer's monitor.
     */
    volatile boolean kept;

    /** "On confirmation, evict {@code incumbent}'s session bound to {@code endpoint}." */
    record EvictionMark(Peer incumbent, Endpoint endpoint) {}

    SessionKeyPair(Peer peer, AeadKey sendKey, AeadKey receiveKey, int localIndex, int remoteIndex, long createdMillis,
            boolean initiator, EvictionMark evictOnConfirmation, Endpoint handshakeEndpoint) {
        this.peer = peer;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.createdMillis = createdMillis;
        this.initiator = initiator;
        this.evictOnConfirmation = evictOnConfirmation;
        this.handshakeEndpoint = handshakeEndpoint;
    }

    /** @return the next send counter (unsigned); may be at or past REJECT_AFTER_MESSAGES */
    long nextSendCounter() {
        return sendCounter.getAndIncrement();
    }

    /** @return how many counters were taken so far */
    long sentCount() {
        return sendCounter.get();
    }

    /** @return whether it is younger than {@code maxAge} at {@code nowMillis} and not destroyed */
    boolean isYoungerThan(long maxAgeMillis, long nowMillis) {
        return !destroyed && nowMillis - createdMillis < maxAgeMillis;
    }

    /** @return whether the keys were zeroed */
    boolean isDestroyed() {
        return destroyed;
    }

    /**
     * Seals {@code in[inOff, inOff+len)} into {@code out} at {@code outOff} (ciphertext, then tag);
     * the two ranges should not overlap.
     *
     * @return bytes written, or -1 when the keypair was destroyed meanwhile
     */
    int seal(long counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
        synchronized (sendKey) {
            if (destroyed) {
                return -1;
            }
            return sendKey.seal(counter, null, in, inOff, len, out, outOff);
        }
    }

    /** @return the plaintext length, or -1 when it does not authenticate or the keypair was destroyed */
    int open(long counter, byte[] in, int inOff, int len, byte[] out, int outOff) {
        synchronized (receiveKey) {
            if (destroyed) {
                return -1;
            }
            return receiveKey.open(counter, null, in, inOff, len, out, outOff);
        }
    }

    /** Zeroes both keys (best effort: the JVM may hold copies elsewhere); idempotent. */
    void destroy() {
        synchronized (sendKey) {
            synchronized (receiveKey) {
                if (destroyed) {
                    return;
                }
                destroyed = true;
                sendKey.destroy();
                receiveKey.destroy();
            }
        }
    }
}
