package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.event.ThrottledCounts;
import io.postern.net.Endpoint;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts dropped datagrams per {@link DropReason} and logs them at DEBUG, at most one line per
 * reason per {@link ProtocolConstants#DROP_LOG_INTERVAL} (the traffic is the sender's, not ours to
 * flood the log with). Dropping changes nothing else.
 */
final class DropCounters {
    private static final Logger LOG = LoggerFactory.getLogger(DropCounters.class);
    private static final DropReason[] REASONS = DropReason.values();

    private final ThrottledCounts counts = new ThrottledCounts(REASONS.length, ProtocolConstants.DROP_LOG_INTERVAL);

    /** Counts one drop and maybe logs it. */
    void drop(DropReason reason, Endpoint source) {
        drop(reason, source, null);
    }

    /** Counts one drop and maybe logs it, with {@code cause} (may be null) in the same rate-limited line. */
    void drop(DropReason reason, Endpoint source, Throwable cause) {
        int i = reason.ordinal();
        counts.count(i);
        if (LOG.isDebugEnabled() && counts.mayLog(i)) {
            LOG.debug("dropped datagram from {}: {} (total {})", source, reason, counts.total(i), cause);
        }
    }

    /** @return every reason with its count, zeros included */
    Map<DropReason, Long> snapshot() {
        EnumMap<DropReason, Long> map = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            map.put(r, counts.total(r.ordinal()));
        }
        return map;
    }
}
