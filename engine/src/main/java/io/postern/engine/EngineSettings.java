package io.postern.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Implementation limits of a {@link SessionEngine} (the protocol's own constants are fixed). Every
 * table an unauthenticated sender can make the engine fill is bounded here; the defaults and why
 * are on {@link #defaults()}.
 *
 * @param tickInterval          how often the timer thread scans the peers' deadlines;
 *                              {@link Duration#ZERO} starts no timer thread (tests then call
 *                              {@link SessionEngine#tick()} with a fake clock)
 * @param maxStagedPackets      packets queued per peer while its handshake runs (oldest dropped first)
 * @param maxDynamicPeers       peers open admission may create; when full, the least recently
 *                              answered peer that never confirmed a session makes room, and without
 *                              one initiations are dropped ({@code CAPACITY})
 * @param handshakeWorkers      threads that process handshake messages (Diffie-Hellman) off the
 *                              receive thread; 0 processes them inline on the receiving thread (tests)
 * @param handshakeQueueCapacity handshake messages waiting for a worker; beyond it they are dropped
 *                              ({@code CAPACITY})
 * @param underLoadThreshold    queue depth from which the engine is under load: handshakes without a
 *                              valid mac2 get a cookie reply, and handshakes per source IP are limited
 * @param maxHalfOpenHandshakes responder handshakes awaiting key confirmation at once; beyond it the
 *                              least recently answered one is dropped (never a confirmed session)
 * @param maxRateLimiterEntries sources (IPv4 addresses, IPv6 /64 prefixes) the per-source rate limiter
 *                              tracks; idle ones expire after 1 s; when full, a new source evicts the
 *                              least recently seen one (a full table never locks a new source out)
 * @param policyBudget          how long one session-policy decision may take before it is a fault
 *                              and {@link OnPolicyFault} applies (the SPI asks for under a millisecond)
 * @param maxDynamicPeersPerSource dynamic peers one source (IPv4 address, IPv6 /64) may hold; beyond
 *                              it its initiations from new keys are dropped ({@code CAPACITY})
 */
public record EngineSettings(Duration tickInterval, int maxStagedPackets, int maxDynamicPeers,
                             int handshakeWorkers, int handshakeQueueCapacity, int underLoadThreshold,
                             int maxHalfOpenHandshakes, int maxRateLimiterEntries, Duration policyBudget,
                             int maxDynamicPeersPerSource) {
    public EngineSettings {
        Objects.requireNonNull(policyBudget, "policyBudget");
        if (maxDynamicPeersPerSource < 1) {
            throw new IllegalArgumentException("maxDynamicPeersPerSource must be at least 1");
        }
        if (policyBudget.isNegative() || policyBudget.isZero()) {
            throw new IllegalArgumentException("policyBudget must be positive: " + policyBudget);
        }
        Objects.requireNonNull(tickInterval, "tickInterval");
        if (tickInterval.isNegative()) {
            throw new IllegalArgumentException("tickInterval must not be negative: " + tickInterval);
        }
        if (maxStagedPackets < 0 || maxDynamicPeers < 0 || handshakeWorkers < 0 || underLoadThreshold < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        if (handshakeQueueCapacity < 1 || maxHalfOpenHandshakes < 1 || maxRateLimiterEntries < 1) {
            throw new IllegalArgumentException("queue and table bounds must be at least 1");
        }
    }

    /** Settings with the default policy budget ({@link PolicyGuard#DEFAULT_BUDGET}). */
    public EngineSettings(Duration tickInterval, int maxStagedPackets, int maxDynamicPeers, int handshakeWorkers,
                          int handshakeQueueCapacity, int underLoadThreshold, int maxHalfOpenHandshakes,
                          int maxRateLimiterEntries) {
        this(tickInterval, maxStagedPackets, maxDynamicPeers, handshakeWorkers, handshakeQueueCapacity,
                underLoadThreshold, maxHalfOpenHandshakes, maxRateLimiterEntries, PolicyGuard.DEFAULT_BUDGET,
                ProtocolConstants.DEFAULT_MAX_DYNAMIC_PEERS_PER_SOURCE);
    }

    /** Settings with the default defence limits (see {@link #defaults()}). */
    public EngineSettings(Duration tickInterval, int maxStagedPackets, int maxDynamicPeers) {
        this(tickInterval, maxStagedPackets, maxDynamicPeers, ProtocolConstants.DEFAULT_HANDSHAKE_WORKERS,
                ProtocolConstants.DEFAULT_HANDSHAKE_QUEUE_CAPACITY, ProtocolConstants.DEFAULT_UNDER_LOAD_THRESHOLD,
                ProtocolConstants.DEFAULT_MAX_HALF_OPEN_HANDSHAKES, ProtocolConstants.DEFAULT_MAX_RATE_LIMITER_ENTRIES);
    }

    /**
     * @return the defaults: 100 ms ticks; 128 staged packets per peer; 65,536 dynamic peers (a few
     *         hundred bytes each without a session); 1 handshake worker (one X25519-heavy handshake
     *         takes ~0.2 ms, so one thread answers thousands per second and leaves the other cores to
     *         transport data); a handshake queue of 1,024 that is "under load" from 128 waiting
     *         (wireguard-go's values); 4,096 half-open handshakes; 65,536 rate-limiter entries
     */
    public static EngineSettings defaults() {
        return new EngineSettings(ProtocolConstants.DEFAULT_TICK, ProtocolConstants.DEFAULT_MAX_STAGED_PACKETS,
                ProtocolConstants.DEFAULT_MAX_DYNAMIC_PEERS);
    }

    /** @return these settings without a timer thread (time is driven by {@link SessionEngine#tick()}) */
    public EngineSettings withoutTimerThread() {
        return new EngineSettings(Duration.ZERO, maxStagedPackets, maxDynamicPeers, handshakeWorkers,
                handshakeQueueCapacity, underLoadThreshold, maxHalfOpenHandshakes, maxRateLimiterEntries, policyBudget,
                maxDynamicPeersPerSource);
    }

    /**
     * @return these settings with handshakes processed inline on the receiving thread (no worker, no
     *         queue: deterministic tests; the engine is then never under load by queue depth)
     */
    public EngineSettings withInlineHandshakes() {
        return new EngineSettings(tickInterval, maxStagedPackets, maxDynamicPeers, 0, handshakeQueueCapacity,
                underLoadThreshold, maxHalfOpenHandshakes, maxRateLimiterEntries, policyBudget,
                maxDynamicPeersPerSource);
    }

    /** @return these settings with another quota of dynamic peers per source */
    public EngineSettings withDynamicPeersPerSource(int perSource) {
        return new EngineSettings(tickInterval, maxStagedPackets, maxDynamicPeers, handshakeWorkers,
                handshakeQueueCapacity, underLoadThreshold, maxHalfOpenHandshakes, maxRateLimiterEntries, policyBudget,
                perSource);
    }

    /** @return these settings with another time budget for policy decisions */
    public EngineSettings withPolicyBudget(Duration budget) {
        return new EngineSettings(tickInterval, maxStagedPackets, maxDynamicPeers, handshakeWorkers,
                handshakeQueueCapacity, underLoadThreshold, maxHalfOpenHandshakes, maxRateLimiterEntries, budget,
                maxDynamicPeersPerSource);
    }

    /** @return these settings with other bounds for dynamic peers and half-open handshakes */
    public EngineSettings withPeerBounds(int dynamicPeers, int halfOpenHandshakes) {
        return new EngineSettings(tickInterval, maxStagedPackets, dynamicPeers, handshakeWorkers,
                handshakeQueueCapacity, underLoadThreshold, halfOpenHandshakes, maxRateLimiterEntries, policyBudget,
                maxDynamicPeersPerSource);
    }
}
