package io.postern.engine;

import io.postern.event.DropReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of an engine's monotonic counters, read without locks.
 *
 * @param drops  received datagrams dropped, by reason (every reason present, zeros included)
 * @param counts every {@link EngineCounter} (all present, zeros included)
 */
public record EngineCounters(Map<DropReason, Long> drops, Map<EngineCounter, Long> counts) {
    public EngineCounters {
        drops = inOrder(DropReason.class, drops);
        counts = inOrder(EngineCounter.class, counts);
    }

    /** An unmodifiable copy that iterates in the enum's order (metrics are written in that order). */
    private static <K extends Enum<K>> Map<K, Long> inOrder(Class<K> type, Map<K, Long> map) {
        EnumMap<K, Long> copy = new EnumMap<>(type);
        copy.putAll(map);
        return Collections.unmodifiableMap(copy);
    }

    /** @return the count for one drop reason */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** @return the value of one counter */
    public long get(EngineCounter counter) {
        return counts.getOrDefault(counter, 0L);
    }

    // shorthands for the counters callers read most

    /** @return {@link EngineCounter#HANDSHAKES_INITIATED} */
    public long handshakesInitiated() {
        return get(EngineCounter.HANDSHAKES_INITIATED);
    }

    /** @return {@link EngineCounter#HANDSHAKES_COMPLETED} */
    public long handshakesCompleted() {
        return get(EngineCounter.HANDSHAKES_COMPLETED);
    }

    /** @return {@link EngineCounter#SESSIONS_CONFIRMED} */
    public long sessionsConfirmed() {
        return get(EngineCounter.SESSIONS_CONFIRMED);
    }

    /** @return {@link EngineCounter#STALE_SESSIONS_EVICTED} */
    public long staleSessionsEvicted() {
        return get(EngineCounter.STALE_SESSIONS_EVICTED);
    }

    /** @return {@link EngineCounter#POLICY_FAULTS} */
    public long policyFaults() {
        return get(EngineCounter.POLICY_FAULTS);
    }

    /** @return {@link EngineCounter#PACKETS_RECEIVED} */
    public long packetsReceived() {
        return get(EngineCounter.PACKETS_RECEIVED);
    }

    /** @return {@link EngineCounter#PACKETS_SENT} */
    public long packetsSent() {
        return get(EngineCounter.PACKETS_SENT);
    }

    /** @return {@link EngineCounter#BYTES_RECEIVED} */
    public long bytesReceived() {
        return get(EngineCounter.BYTES_RECEIVED);
    }

    /** @return {@link EngineCounter#BYTES_SENT} */
    public long bytesSent() {
        return get(EngineCounter.BYTES_SENT);
    }

    /** @return {@link EngineCounter#COOKIE_REPLIES_SENT} */
    public long cookieRepliesSent() {
        return get(EngineCounter.COOKIE_REPLIES_SENT);
    }

    /** @return {@link EngineCounter#COOKIES_RECEIVED} */
    public long cookiesReceived() {
        return get(EngineCounter.COOKIES_RECEIVED);
    }

    /** @return {@link EngineCounter#HALF_OPEN_EVICTED} */
    public long halfOpenEvicted() {
        return get(EngineCounter.HALF_OPEN_EVICTED);
    }

    /** @return {@link EngineCounter#HANDSHAKES_ABANDONED} */
    public long handshakesAbandoned() {
        return get(EngineCounter.HANDSHAKES_ABANDONED);
    }
}
