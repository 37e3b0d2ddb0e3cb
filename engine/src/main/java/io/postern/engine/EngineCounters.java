package io.postern.engine;

import io.postern.event.DropReason;
import java.util.Map;

/**
 * Monotonic counters of an engine, read without locks.
 *
 * @param drops                 received datagrams dropped, by reason (every reason present, zeros included)
 * @param handshakesInitiated   initiations sent
 * @param handshakesCompleted   handshakes completed in either role
 * @param sessionsConfirmed     keypairs confirmed by their first transport packet
 * @param staleSessionsEvicted  sessions evicted because a new identity confirmed at their endpoint
 * @param policyFaults          times the policy threw or returned null
 * @param packetsReceived       authenticated transport packets received
 * @param packetsSent           transport packets sent
 * @param bytesReceived         bytes of authenticated transport packets received (whole datagrams)
 * @param bytesSent             bytes of transport packets sent (whole datagrams)
 * @param cookieRepliesSent     cookie replies sent to handshakes without a valid mac2 while under load
 * @param halfOpenEvicted       unconfirmed handshakes dropped to keep the half-open and dynamic-peer
 *                              bounds (never a confirmed session)
 */
public record EngineCounters(Map<DropReason, Long> drops, long handshakesInitiated, long handshakesCompleted,
                             long sessionsConfirmed, long staleSessionsEvicted, long policyFaults,
                             long packetsReceived, long packetsSent, long bytesReceived, long bytesSent,
                             long cookieRepliesSent, long halfOpenEvicted) {

    /** Counters without byte totals and defence counters (the shape before they were added). */
    public EngineCounters(Map<DropReason, Long> drops, long handshakesInitiated, long handshakesCompleted,
                          long sessionsConfirmed, long staleSessionsEvicted, long policyFaults,
                          long packetsReceived, long packetsSent) {
        this(drops, handshakesInitiated, handshakesCompleted, sessionsConfirmed, staleSessionsEvicted, policyFaults,
                packetsReceived, packetsSent, 0, 0, 0, 0);
    }

    /** Counters without the defence counters (the shape before they were added). */
    public EngineCounters(Map<DropReason, Long> drops, long handshakesInitiated, long handshakesCompleted,
                          long sessionsConfirmed, long staleSessionsEvicted, long policyFaults,
                          long packetsReceived, long packetsSent, long bytesReceived, long bytesSent) {
        this(drops, handshakesInitiated, handshakesCompleted, sessionsConfirmed, staleSessionsEvicted, policyFaults,
                packetsReceived, packetsSent, bytesReceived, bytesSent, 0, 0);
    }

    /** @return the count for one reason */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
