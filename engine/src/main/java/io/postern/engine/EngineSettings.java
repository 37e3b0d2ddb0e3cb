package io.postern.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Implementation limits of a {@link SessionEngine} (the protocol's own constants are fixed).
 *
 * @param tickInterval          how often the timer thread scans the peers' deadlines;
 *                              {@link Duration#ZERO} starts no timer thread (tests then call
 *                              {@link SessionEngine#tick()} with a fake clock)
 * @param maxStagedPackets      packets queued per peer while its handshake runs (oldest dropped first)
 * @param maxDynamicPeers       peers open admission may create; beyond it initiations are dropped
 *                              ({@code CAPACITY})
 */
public record EngineSettings(Duration tickInterval, int maxStagedPackets, int maxDynamicPeers) {
    public EngineSettings {
        Objects.requireNonNull(tickInterval, "tickInterval");
        if (tickInterval.isNegative()) {
            throw new IllegalArgumentException("tickInterval must not be negative: " + tickInterval);
        }
        if (maxStagedPackets < 0 || maxDynamicPeers < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /** @return the defaults: 100 ms ticks, 128 staged packets per peer, 65536 dynamic peers */
    public static EngineSettings defaults() {
        return new EngineSettings(ProtocolConstants.DEFAULT_TICK, ProtocolConstants.DEFAULT_MAX_STAGED_PACKETS,
                ProtocolConstants.DEFAULT_MAX_DYNAMIC_PEERS);
    }

    /** @return these settings without a timer thread (time is driven by {@link SessionEngine#tick()}) */
    public EngineSettings withoutTimerThread() {
        return new EngineSettings(Duration.ZERO, maxStagedPackets, maxDynamicPeers);
    }
}
