package io.postern.engine;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.wire.Tai64n;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * One remote identity (wireguard-go {@code device/peer.go}): its configuration (or none, when open
 * admission created it), endpoint, keypair slots, handshake state, timers and counters.
 *
 * <p>It owns its session: the keypair slots ({@code current}, {@code previous}, {@code next}) change
 * only through the transitions below — {@link #beginAsInitiator}, {@link #beginAsResponder},
 * {@link #confirm}, {@link #retireNext} and {@link #clear} — which also keep the half-open table
 * and the index table right and report the timer events. This is the one file that answers "where
 * does a keypair become current?". Its timers are {@link PeerTimers}.
 *
 * <p>Mutations happen under the peer's monitor ({@code synchronized (peer)}; the methods that need
 * it say "caller holds the monitor" or take it); the keypair slots, endpoint and flags are volatile
 * so the data path reads them without locking. A peer's monitor is never held while taking another
 * peer's.
 */
final class Peer {
    /**
     * What every peer of an engine refers to: one reference per peer instead of one per table (an
     * idle confirmed session costs its {@code Peer} and little else; see {@code SessionMemoryLoad}).
     *
     * @param indices     the engine's index table (its keypairs' and initiations' indices)
     * @param halfOpen    the engine's half-open table (its unconfirmed "next" keypair)
     * @param stagedBytes the engine-wide bound on staged payload bytes
     * @param wallTime    protocol (monotonic) milliseconds to a wall-clock instant, for display
     */
    record Shared(IndexTable indices, HalfOpenHandshakes halfOpen, StagedBytes stagedBytes,
                  LongFunction<Instant> wallTime) {}

    /** {@link #lastHandshakeNanos} before any confirmed session. */
    private static final long NO_HANDSHAKE = Long.MIN_VALUE;
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final PublicKey key;
    private final Shared shared;
    private final PeerTimers timers = new PeerTimers();

    private volatile PeerConfig config; // null for a peer admitted dynamically
    private volatile Endpoint endpoint;

    // keypair slots (wireguard-go Keypairs): written under the monitor, read anywhere
    private volatile SessionKeyPair current;
    private volatile SessionKeyPair previous;
    private volatile SessionKeyPair next;

    // guarded by the monitor
    private HandshakeInFlight inFlight;
    private volatile byte[] greatestTimestamp; // written under the monitor
    private long lastInitiationAcceptedMillis = PeerTimers.NEVER;
    private byte[] cookie;
    private long cookieReceivedMillis = PeerTimers.NEVER;
    /**
     * The mac1 of the last handshake message we sent it (16 bytes, big-endian halves; primitives, not
     * an array an idle session would keep): what a cookie reply from it is sealed to.
     */
    private long lastMac1High;
    private long lastMac1Low;
    private boolean hasLastMac1;
    /** Payloads waiting for a session: made by the first one staged, dropped when emptied (an idle peer holds none). */
    private ArrayDeque<byte[]> staged;

    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    /** Wall-clock time of the last confirmed session, nanoseconds since the epoch (a long, not an {@link Instant}). */
    private volatile long lastHandshakeNanos = NO_HANDSHAKE;
    /** The source whose quota a dynamic peer counts against, until given back ({@link #takeOrigin}). */
    private SourcePrefix origin;
    private volatile String lastPolicyDecision;
    private volatile boolean expired;
    private volatile boolean removed;

    /**
     * @param key      its static public key
     * @param config   its {@code [Peer]} section, or null for a peer admitted dynamically
     * @param indices  the engine's index table (its keypairs' and initiations' indices)
     * @param halfOpen the engine's half-open table (its unconfirmed "next" keypair)
     */
    Peer(PublicKey key, PeerConfig config, IndexTable indices, HalfOpenHandshakes halfOpen) {
        this(key, config, new Shared(indices, halfOpen, new StagedBytes(Long.MAX_VALUE), Instant::ofEpochMilli));
    }

    /** @param shared what every peer of the engine refers to */
    Peer(PublicKey key, PeerConfig config, Shared shared) {
        this.key = key;
        this.config = config;
        this.endpoint = config == null ? null : config.endpoint();
        this.shared = shared;
    }

    /** @return its static public key */
    PublicKey key() {
        return key;
    }

    /** @return its timers (the events arm them) */
    PeerTimers timers() {
        return timers;
    }

    // ---- configuration -----------------------------------------------------------------------

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

    // ---- endpoint ----------------------------------------------------------------------------

    /** @return where its packets go (the last authenticated source), or null */
    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Roaming: the endpoint follows an authenticated packet from {@code source}, and the endpoint
     * binding with it. Caller holds the monitor.
     *
     * @param handshake whether the packet's keypair was made in a handshake at {@code source}
     * @return the endpoint before
     */
    Endpoint moveTo(Endpoint source, EndpointBindings bindings, boolean handshake) {
        Endpoint before = endpoint;
        endpoint = source;
        bindings.bind(source, this, before, handshake);
        return before;
    }

    /**
     * Moves the endpoint (replies go there) without taking its binding: another live session holds
     * it (see {@code DataReceiver}). Releases this peer's binding at its old endpoint. Caller holds
     * the monitor.
     *
     * @return the endpoint before
     */
    Endpoint moveWithoutBinding(Endpoint source, EndpointBindings bindings) {
        Endpoint before = endpoint;
        endpoint = source;
        bindings.unbind(before, this);
        return before;
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

    /** Forgets the endpoint (its session was evicted from there). Caller holds the monitor. */
    void forgetEndpoint() {
        endpoint = null;
    }

    // ---- the keypair slots -------------------------------------------------------------------

    /**
     * Our handshake completed (wireguard-go BeginSymmetricSession, initiator side): the initiation
     * in flight {@code f} is done, {@code kp} (made under its index) becomes current at once, the
     * current one becomes previous — or, when an unconfirmed "next" was waiting, that one does and
     * the current one is zeroed. Caller holds the monitor.
     */
    void beginAsInitiator(HandshakeInFlight f, SessionKeyPair kp, long now) {
        inFlight = null;
        f.state().destroy();
        timers.handshakeComplete();
        shared.indices().attach(f.index(), kp);
        SessionKeyPair oldNext = next;
        SessionKeyPair oldPrevious = previous;
        if (oldNext != null) {
            next = null;
            shared.halfOpen().settled(this);
            previous = oldNext;
            discard(current);
        } else {
            previous = current;
        }
        discard(oldPrevious);
        current = kp;
        derived(now);
        handshakeConfirmed(now); // the response authenticated: a confirmed session
    }

    /**
     * We answered an initiation (wireguard-go BeginSymmetricSession, responder side): {@code kp}
     * waits as "next" until its first transport packet {@linkplain #confirm confirms} it, replacing
     * any earlier "next"; the previous keypair is zeroed. Caller holds the monitor.
     *
     * @param timestamp the initiation's TAI64N timestamp (later initiations must be newer)
     */
    void beginAsResponder(SessionKeyPair kp, byte[] timestamp, long now) {
        shared.indices().attach(kp.localIndex, kp);
        discard(next);
        next = kp;
        shared.halfOpen().answered(this);
        discard(previous);
        previous = null;
        greatestTimestamp = timestamp.clone();
        lastInitiationAcceptedMillis = now;
        derived(now);
    }

    private void handshakeConfirmed(long millis) {
        lastHandshakeNanos = epochNanos(shared.wallTime().apply(millis));
    }

    /** @return {@code t} in nanoseconds since the epoch, saturated (±292 years around 1970) */
    private static long epochNanos(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? NO_HANDSHAKE + 1 : Long.MAX_VALUE;
        }
    }

    /** @return the wall-clock time of its last confirmed session, or null */
    Instant lastHandshake() {
        long n = lastHandshakeNanos;
        return n == NO_HANDSHAKE ? null : Instant.ofEpochSecond(0, n);
    }

    private void derived(long now) {
        timers.sessionDerived(now);
        expired = false;
    }

    /**
     * Key confirmation: the "next" keypair {@code kp} received its first authenticated packet and
     * becomes current; the current one becomes previous. Takes the monitor.
     *
     * @return whether {@code kp} was confirmed now (false: it is not "next" any more, or the peer was removed)
     */
    synchronized boolean confirm(SessionKeyPair kp) {
        if (next != kp || removed) {
            return false;
        }
        SessionKeyPair oldPrevious = previous;
        previous = current;
        current = kp;
        next = null;
        shared.halfOpen().settled(this);
        discard(oldPrevious);
        // "latest handshake" (show) counts confirmed sessions only: an answered initiation proves nothing yet
        handshakeConfirmed(kp.createdMillis);
        return true;
    }

    /**
     * Drops the unconfirmed "next" keypair (to keep the half-open or dynamic-peer bound); the
     * current keypair is never touched. Caller holds the monitor.
     *
     * @return whether one was dropped
     */
    boolean retireNext() {
        SessionKeyPair n = next;
        shared.halfOpen().settled(this);
        if (n == null || removed) {
            return false;
        }
        discard(n);
        next = null;
        return true;
    }

    /**
     * Zeroes every key, drops the initiation in flight, the staged packets and the cookie, and
     * stops the timers. Caller holds the monitor.
     */
    void clear() {
        discard(current);
        discard(previous);
        current = null;
        previous = null;
        endSession();
    }

    /** What every end of a session drops besides the current and previous keypairs. Caller holds the monitor. */
    private void endSession() {
        discard(next);
        next = null;
        shared.halfOpen().settled(this);
        abandonInitiation();
        releaseStaged();
        cookie = null;
        hasLastMac1 = false;
        timers.keysCleared();
    }

    /**
     * Eviction (revocable): the current and previous keypairs leave the slots — nothing is sent on
     * them any more — but are kept for receiving (marked {@link SessionKeyPair#kept}, still in the
     * index table); the unconfirmed "next" keypair, the initiation in flight, the staged packets and
     * the cookie are dropped and the timers stop, as in {@link #clear}. Caller holds the monitor.
     *
     * @return the kept keypairs: {current, previous}, either may be null
     */
    SessionKeyPair[] evictKeepingReceiveKeys() {
        SessionKeyPair c = current;
        SessionKeyPair p = previous;
        current = null;
        previous = null;
        if (c != null) {
            c.kept = true;
        }
        if (p != null) {
            p.kept = true;
        }
        endSession();
        return new SessionKeyPair[] {c, p};
    }

    /**
     * An authenticated packet arrived on a kept keypair of an evicted session: the eviction is
     * revoked and the kept keypairs take their slots back — unless the peer has keys of a newer
     * session, which supersede them (then they are zeroed). Caller holds the monitor.
     *
     * @return whether the session was restored
     */
    boolean restore(SessionKeyPair keptCurrent, SessionKeyPair keptPrevious) {
        if (!hasNoKeys() || removed) {
            discardKept(keptCurrent, keptPrevious);
            return false;
        }
        current = keptCurrent;
        previous = keptPrevious;
        long derived = Long.MIN_VALUE;
        for (SessionKeyPair kp : new SessionKeyPair[] {keptCurrent, keptPrevious}) {
            if (kp != null) {
                kp.kept = false;
                derived = Math.max(derived, kp.createdMillis);
            }
        }
        if (derived != Long.MIN_VALUE) {
            derived(derived); // the keys are zeroed REJECT_AFTER_TIME × 3 after they were made, as before
        }
        return true;
    }

    /** Zeroes kept keypairs of an evicted session and frees their indices. Caller holds the monitor. */
    void discardKept(SessionKeyPair keptCurrent, SessionKeyPair keptPrevious) {
        for (SessionKeyPair kp : new SessionKeyPair[] {keptCurrent, keptPrevious}) {
            if (kp != null) {
                kp.kept = false;
                discard(kp);
            }
        }
    }

    /** Zeroes {@code kp} and frees its index; null is ignored. */
    private void discard(SessionKeyPair kp) {
        if (kp != null) {
            kp.destroy();
            shared.indices().remove(kp.localIndex);
        }
    }

    /** @return whether {@code kp} is the "next" keypair (awaiting confirmation) */
    boolean isNext(SessionKeyPair kp) {
        return next == kp;
    }

    /** @return whether {@code kp} is the current keypair */
    boolean isCurrent(SessionKeyPair kp) {
        return current == kp;
    }

    /** @return whether no "next" keypair waits for confirmation */
    boolean hasNoNext() {
        return next == null;
    }

    /** @return whether it holds no keypair at all */
    boolean hasNoKeys() {
        return current == null && previous == null && next == null;
    }

    /** @return whether it never had a confirmed session (no current and no previous keypair) */
    boolean neverConfirmed() {
        return current == null && previous == null;
    }

    /** @return the current keypair if it may still send at {@code nowMillis}, else null */
    SessionKeyPair sendableKeypair(long nowMillis) {
        SessionKeyPair kp = current;
        if (kp == null || !kp.isYoungerThan(ProtocolConstants.REJECT_AFTER_TIME.toMillis(), nowMillis)
                || Long.compareUnsigned(kp.sentCount(), ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0) {
            return null;
        }
        return kp;
    }

    /** @return whether a "next" keypair younger than REJECT_AFTER_TIME waits for confirmation */
    boolean awaitingConfirmation(long nowMillis) {
        SessionKeyPair n = next;
        return n != null && n.isYoungerThan(ProtocolConstants.REJECT_AFTER_TIME.toMillis(), nowMillis);
    }

    /** @return whether a current or next keypair is younger than REJECT_AFTER_TIME (a live session) */
    boolean hasLiveSession(long nowMillis) {
        long reject = ProtocolConstants.REJECT_AFTER_TIME.toMillis();
        SessionKeyPair c = current;
        SessionKeyPair n = next;
        return (c != null && c.isYoungerThan(reject, nowMillis)) || (n != null && n.isYoungerThan(reject, nowMillis));
    }

    // ---- our initiation in flight (guarded by the monitor) -----------------------------------

    /** @return our initiation waiting for its response, or null. Caller holds the monitor. */
    HandshakeInFlight inFlight() {
        return inFlight;
    }

    /** An initiation was sent: it waits for its response. Caller holds the monitor. */
    void initiated(HandshakeInFlight f, long now) {
        inFlight = f;
        timers.handshakeInitiated(now);
    }

    /** Drops the initiation in flight, if any, and frees its index. Caller holds the monitor. */
    void abandonInitiation() {
        HandshakeInFlight f = inFlight;
        if (f != null) {
            inFlight = null;
            f.state().destroy();
            shared.indices().remove(f.index());
            timers.handshakeComplete();
        }
    }

    /**
     * We sent it a handshake message, an initiation or a response (mac1 and mac2 are its last 32
     * bytes): a cookie reply from it now opens only with that mac1 (wireguard-go {@code AddMacs}
     * keeps the last one only). Caller holds the monitor.
     */
    void handshakeSent(byte[] message) {
        int mac1 = message.length - 2 * HandshakeProtocol.MAC_LENGTH;
        lastMac1High = (long) LONG_BE.get(message, mac1);
        lastMac1Low = (long) LONG_BE.get(message, mac1 + Long.BYTES);
        hasLastMac1 = true;
    }

    /** @return the mac1 of the last handshake message we sent it (a copy), or null. Caller holds the monitor. */
    byte[] lastMac1() {
        if (!hasLastMac1) {
            return null;
        }
        byte[] mac1 = new byte[HandshakeProtocol.MAC_LENGTH];
        LONG_BE.set(mac1, 0, lastMac1High);
        LONG_BE.set(mac1, Long.BYTES, lastMac1Low);
        return mac1;
    }

    /**
     * @return whether {@code index} is one of its own: the initiation in flight or one of its
     *         keypairs (a cookie reply may name any; wireguard-go looks the index up whatever it names).
     *         Caller holds the monitor.
     */
    boolean ownsIndex(int index) {
        return (inFlight != null && inFlight.index() == index) || owns(current, index) || owns(next, index)
                || owns(previous, index);
    }

    private static boolean owns(SessionKeyPair kp, int index) {
        return kp != null && kp.localIndex == index;
    }

    /** Stores the cookie of a cookie reply (replacing the one held). Caller holds the monitor. */
    void storeCookie(byte[] value, long now) {
        cookie = value;
        cookieReceivedMillis = now;
    }

    /** @return the cookie if one younger than {@code maxAgeMillis} is held, else null. Caller holds the monitor. */
    byte[] freshCookie(long now, long maxAgeMillis) {
        return cookie != null && now - cookieReceivedMillis < maxAgeMillis ? cookie : null;
    }

    // ---- initiations we answer (guarded by the monitor) --------------------------------------

    /** @return whether {@code timestamp} is not newer than the newest accepted one (a replay). Caller holds the monitor. */
    boolean isReplayed(byte[] timestamp) {
        return greatestTimestamp != null && !Tai64n.isAfter(timestamp, greatestTimestamp);
    }

    /**
     * An authenticated initiation (its timestamp decrypted under the peer's static key) that is
     * refused nonetheless, e.g. by the session policy: its timestamp and time still count, so a
     * replay of it is refused as a replay or a flood before any further work (wireguard-go records
     * both in ConsumeMessageInitiation, before anything can refuse). Caller holds the monitor.
     */
    void initiationRefused(byte[] timestamp, long now) {
        greatestTimestamp = timestamp.clone();
        lastInitiationAcceptedMillis = now;
    }

    /** @return the greatest TAI64N accepted from this peer, or null (a copy). Caller holds the monitor or it was removed. */
    byte[] greatestTimestamp() {
        byte[] t = greatestTimestamp;
        return t == null ? null : t.clone();
    }

    /** A new peer starts from the greatest timestamp remembered for its key, if any (before it is shared). */
    void restoreGreatestTimestamp(byte[] timestamp) {
        if (timestamp != null) {
            greatestTimestamp = timestamp;
        }
    }

    /** @return whether an initiation was accepted less than {@code minIntervalMillis} ago. Caller holds the monitor. */
    boolean initiationTooSoon(long now, long minIntervalMillis) {
        return lastInitiationAcceptedMillis != PeerTimers.NEVER && now - lastInitiationAcceptedMillis < minIntervalMillis;
    }

    // ---- staged packets (guarded by the monitor) ---------------------------------------------

    /**
     * Stages a copy of a payload to send once a session exists, dropping the oldest beyond
     * {@code max}. Caller holds the monitor.
     *
     * @return false when the engine-wide staged-bytes bound refuses it (nothing staged)
     */
    boolean stage(byte[] copy, int max) {
        ArrayDeque<byte[]> q = staged;
        while (q != null && q.size() >= max) {
            shared.stagedBytes().release(q.pollFirst().length);
        }
        if (!shared.stagedBytes().tryReserve(copy.length)) {
            if (q != null && q.isEmpty()) {
                staged = null;
            }
            return false;
        }
        if (q == null) {
            q = new ArrayDeque<>(Math.min(max, 16));
            staged = q;
        }
        q.addLast(copy);
        return true;
    }

    private void releaseStaged() {
        ArrayDeque<byte[]> q = staged;
        if (q == null) {
            return;
        }
        for (byte[] b : q) {
            shared.stagedBytes().release(b.length);
        }
        staged = null;
    }

    /** @return the staged packets, removed. Takes the monitor. */
    synchronized List<byte[]> drainStaged() {
        if (staged == null) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(staged);
        releaseStaged();
        return out;
    }

    /** Drops the staged packets. Caller holds the monitor. @return how many there were */
    int dropStaged() {
        int n = staged == null ? 0 : staged.size();
        releaseStaged();
        return n;
    }

    /** @return whether it holds a staged-packet queue (tests: an idle peer holds none). Caller holds the monitor. */
    boolean holdsStagedQueue() {
        return staged != null;
    }

    // ---- lifecycle, counters and status ------------------------------------------------------

    /** @return whether it left the engine */
    boolean removed() {
        return removed;
    }

    /** It left the engine (the peer table no longer holds it). */
    void markRemoved() {
        removed = true;
    }

    /** It is back in the peer table: a dynamic peer set aside by an eviction that was contested. Caller holds the monitor. */
    void reinstated() {
        removed = false;
    }

    /** Its keys expired (REJECT_AFTER_TIME × 3 without a handshake). Caller holds the monitor. */
    void markExpired() {
        expired = true;
    }

    /** Counts an authenticated datagram received from it. */
    void countReceived(int bytes) {
        rxBytes.add(bytes);
    }

    /** Counts a datagram sent to it. */
    void countSent(int bytes) {
        txBytes.add(bytes);
    }

    /** Records the last session-policy decision that involved it (for {@code show}). */
    void policyDecided(String text) {
        lastPolicyDecision = text;
    }

    /** @return the state {@code show} reports */
    SessionState state(long nowMillis) {
        if (sendableKeypair(nowMillis) != null) {
            return SessionState.ESTABLISHED;
        }
        if (awaitingConfirmation(nowMillis)) {
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
        return new PeerStatus(key, endpoint, allowedIps(), configured(), state(nowMillis), lastHandshake(),
                rxBytes.sum(), txBytes.sum(), lastPolicyDecision);
    }

    @Override
    public String toString() {
        return key.shortForm();
    }
}
