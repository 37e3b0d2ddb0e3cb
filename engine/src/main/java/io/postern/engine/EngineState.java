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

/**
 * What the parts of one engine share: its identity and services, the clock, the peer table, the
 * index table, the endpoint bindings, counters and events, and the transport once started.
 */
final class EngineState {
    final StaticKeyPair identity;
    final EngineServices services;
    final HandshakeProtocol protocol;
    final Clock clock;
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

    final HandshakeLatency handshakeLatency = new HandshakeLatency();
    /** Responder side: response sent to key confirmation (the initiator's first transport packet). */
    final HandshakeLatency confirmationLatency = new HandshakeLatency();
    private final LongAdder[] counters = new LongAdder[EngineCounter.values().length];

    private volatile Transport transport;

    EngineState(StaticKeyPair identity, EngineServices services, Clock clock, EngineSettings settings) {
        this.identity = identity;
        this.services = services;
        this.clock = clock;
        this.settings = settings;
        this.protocol = services.handshakes().create(services.crypto(), identity);
        this.rateLimiter = new SourceRateLimiter(settings.maxRateLimiterEntries());
        this.quotas = new SourceQuotas(settings.maxDynamicPeersPerSource());
        this.halfOpen = new HalfOpenHandshakes(settings.maxHalfOpenHandshakes());
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

    /** @return the engine clock in milliseconds */
    long now() {
        return clock.millis();
    }

    /** @return {@code millis} as an instant */
    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
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
        return new Peer(key, config, indices, halfOpen, stagedBytes);
    }

    /** Removes a peer from the table (if it is still this one) and keeps the dynamic count right. */
    boolean forget(Peer peer) {
        if (peers.remove(peer.key(), peer)) {
            peer.markRemoved();
            if (!peer.configured()) {
                dynamicPeers.decrementAndGet();
                quotas.release(peer.takeOrigin());
            }
            return true;
        }
        return false;
    }
}
