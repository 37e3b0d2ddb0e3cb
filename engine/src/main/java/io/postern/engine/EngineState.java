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
    final SourceRateLimiter rateLimiter;
    final HalfOpenHandshakes halfOpen;

    final LongAdder handshakesInitiated = new LongAdder();
    final LongAdder handshakesCompleted = new LongAdder();
    final LongAdder sessionsConfirmed = new LongAdder();
    final LongAdder staleSessionsEvicted = new LongAdder();
    final LongAdder policyFaults = new LongAdder();
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder packetsSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder handshakesAbandoned = new LongAdder();
    final HandshakeLatency handshakeLatency = new HandshakeLatency();
    /** Responder side: response sent to key confirmation (the initiator's first transport packet). */
    final HandshakeLatency confirmationLatency = new HandshakeLatency();
    final LongAdder cookieRepliesSent = new LongAdder();
    final LongAdder halfOpenEvicted = new LongAdder();

    private volatile Transport transport;

    EngineState(StaticKeyPair identity, EngineServices services, Clock clock, EngineSettings settings) {
        this.identity = identity;
        this.services = services;
        this.clock = clock;
        this.settings = settings;
        this.protocol = services.handshakes().create(services.crypto(), identity);
        this.events = new EventDispatch(services.policy());
        this.rateLimiter = new SourceRateLimiter(settings.maxRateLimiterEntries());
        this.halfOpen = new HalfOpenHandshakes(settings.maxHalfOpenHandshakes());
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
        return new Peer(key, config, indices, halfOpen);
    }

    /** Removes a peer from the table (if it is still this one) and keeps the dynamic count right. */
    boolean forget(Peer peer) {
        if (peers.remove(peer.key(), peer)) {
            peer.markRemoved();
            if (!peer.configured()) {
                dynamicPeers.decrementAndGet();
            }
            return true;
        }
        return false;
    }
}
