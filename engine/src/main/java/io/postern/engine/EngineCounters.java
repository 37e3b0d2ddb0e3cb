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
 * @param handshakesAbandoned   initiations given up after REKEY_ATTEMPT_TIME without a response
 */
public record EngineCounters(Map<DropReason, Long> drops, long handshakesInitiated, long handshakesCompleted,
                             long sessionsConfirmed, long staleSessionsEvicted, long policyFaults,
                             long packetsReceived, long packetsSent, long bytesReceived, long bytesSent,
                             long cookieRepliesSent, long halfOpenEvicted, long handshakesAbandoned) {


    /** @return the count for one reason */
    public long drops(DropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
