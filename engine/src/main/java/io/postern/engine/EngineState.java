package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.Transport;
import io.postern.spi.crypto.HandshakeProtocol;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the parts of one engine share: its identity and services, the clock, the peer table, the
 * index table, the endpoint bindings, counters and events, and the transport once started.
 */
final class EngineState {
    final StaticKeyPair identity;
    final EngineServices services;
    final HandshakeProtocol protocol;
    /** The wall clock: TAI64N timestamps, event times and display only, never protocol timing. */
    final Clock clock;
    /** Monotonic nanoseconds (System.nanoTime in production): all protocol timing. */
    private final LongSupplier ticker;
    private final long tickerOrigin;
    private final long millisBase;
    final EngineSettings settings;
    final SecureRandom random = new SecureRandom();

    final ConcurrentHashMap<PublicKey, Peer> peers = new ConcurrentHashMap<>();
    final AtomicInteger dynamicPeers = new AtomicInteger();
    final IndexTable indices = new IndexTable(random);
    final EndpointBindings bindings = new EndpointBindings();
    final DropCounters drops = new DropCounters();
    final EventDispatch events;
    /** Every call into the session policy goes through it. */
    final PolicyGuard policy;
    final SourceRateLimiter rateLimiter;
    final SourceQuotas quotas;
    /** Payload bytes staged for peers without a session, engine-wide. */
    final StagedBytes stagedBytes = new StagedBytes(ProtocolConstants.MAX_STAGED_BYTES);
    final HalfOpenHandshakes halfOpen;
    /** What every peer refers to (made once: one reference per peer, not one per table). */
    private final Peer.Shared peerShared;
    /** Evicted sessions kept for receiving until their keys would expire (revocable eviction). */
    final EvictedSessions evicted = new EvictedSessions();
    /** Greatest TAI64N of forgotten peers, so their captured initiations cannot be replayed. */
    final ReplayMemory replayMemory;

    final HandshakeLatency handshakeLatency = new HandshakeLatency();
    /** Responder side: response sent to key confirmation (the initiator's first transport packet). */
    final HandshakeLatency confirmationLatency = new HandshakeLatency();
    private final LongAdder[] counters = new LongAdder[EngineCounter.values().length];

    private volatile Transport transport;

    EngineState(StaticKeyPair identity, EngineServices services, Clock clock, LongSupplier ticker,
                EngineSettings settings) {
        this.identity = identity;
        this.services = services;
        this.clock = clock;
        this.ticker = ticker;
        this.tickerOrigin = ticker.getAsLong();
        this.millisBase = clock.millis();
        this.settings = settings;
        this.protocol = services.handshakes().create(services.crypto(), identity);
        this.rateLimiter = new SourceRateLimiter(settings.maxRateLimiterEntries());
        this.quotas = new SourceQuotas(settings.maxDynamicPeersPerSource());
        this.halfOpen = new HalfOpenHandshakes(settings.maxHalfOpenHandshakes());
        this.peerShared = new Peer.Shared(indices, halfOpen, stagedBytes, this::instant);
        this.replayMemory = new ReplayMemory(settings.maxDynamicPeers());
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
        this.policy = new PolicyGuard(services.policy(), services.onPolicyFault(), settings.policyBudget(),
                clock::millis, counters[EngineCounter.POLICY_FAULTS.ordinal()]);
        this.events = new EventDispatch(policy);
    }

    /** Counts one {@code counter}. */
    void count(EngineCounter counter) {
        counters[counter.ordinal()].increment();
    }

    /** Adds {@code n} to {@code counter}. */
    void add(EngineCounter counter, long n) {
        counters[counter.ordinal()].add(n);
    }

    /** @return a snapshot of every counter and every drop reason */
    EngineCounters counters() {
        Map<EngineCounter, Long> counts = new EnumMap<>(EngineCounter.class);
        for (EngineCounter c : EngineCounter.values()) {
            counts.put(c, counters[c.ordinal()].sum());
        }
        return new EngineCounters(drops.snapshot(), counts);
    }

    void attach(Transport t) {
        transport = t;
    }

    /**
     * @return protocol time in milliseconds: monotonic (the ticker's), whatever the wall clock does —
     *         an NTP step must neither expire sessions nor make initiations look like a flood. It
     *         starts at the wall clock's reading when the engine was made, only to keep numbers familiar.
     */
    long now() {
        return millisBase + (ticker.getAsLong() - tickerOrigin) / 1_000_000L;
    }

    /** @return the wall-clock instant of protocol time {@code monotonicMillis} (events and display) */
    Instant instant(long monotonicMillis) {
        return clock.instant().minusMillis(now() - monotonicMillis);
    }

    /** Sends a datagram if a transport is attached. */
    boolean transmit(Endpoint to, byte[] buf, int off, int len) {
        Transport t = transport;
        return t != null && to != null && t.send(to, buf, off, len);
    }

    void drop(DropReason reason, Endpoint source) {
        drops.drop(reason, source);
    }

    void drop(DropReason reason, Endpoint source, Throwable cause) {
        drops.drop(reason, source, cause);
    }

    void emit(GatewayEvent event) {
        events.emit(event);
    }

    /** @return a new peer of this engine (not yet in the peer table) */
    Peer newPeer(PublicKey key, PeerConfig config) {
        Peer p = new Peer(key, config, peerShared);
        p.restoreGreatestTimestamp(replayMemory.take(key));
        return p;
    }

    /**
     * Takes an evicted dynamic peer out of the table (if it is still this one) while it keeps its
     * slot: the dynamic count and its source's quota stay held until {@link #releaseSetAside} (its kept
     * session ran out or made room) or until it is reinstated.
     */
    boolean setAside(Peer peer) {
        if (peers.remove(peer.key(), peer)) {
            peer.markRemoved();
            replayMemory.remember(peer.key(), peer.greatestTimestamp());
            return true;
        }
        return false;
    }

    /** Gives back the slot of a dynamic peer {@linkplain #setAside set aside}. */
    void releaseSetAside(Peer peer) {
        dynamicPeers.decrementAndGet();
        quotas.release(peer.takeOrigin());
    }

    /** Removes a peer from the table (if it is still this one) and keeps the dynamic count right. */
    boolean forget(Peer peer) {
        if (peers.remove(peer.key(), peer)) {
            peer.markRemoved();
            replayMemory.remember(peer.key(), peer.greatestTimestamp());
            if (!peer.configured()) {
                dynamicPeers.decrementAndGet();
                quotas.release(peer.takeOrigin());
            }
            return true;
        }
        return false;
    }
}
