package io.postern.engine;

import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
    private static final long LOG_INTERVAL_NANOS = ProtocolConstants.DROP_LOG_INTERVAL.toNanos();

    private final LongAdder[] counts = new LongAdder[REASONS.length];
    private final AtomicLong[] lastLogged = new AtomicLong[REASONS.length];

    DropCounters() {
        for (int i = 0; i < REASONS.length; i++) {
            counts[i] = new LongAdder();
            lastLogged[i] = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
        }
    }

    /** Counts one drop and maybe logs it. */
    void drop(DropReason reason, Endpoint source) {
        drop(reason, source, null);
    }

    /** Counts one drop and maybe logs it, with {@code cause} (may be null) in the same rate-limited line. */
    void drop(DropReason reason, Endpoint source, Throwable cause) {
        int i = reason.ordinal();
        counts[i].increment();
        if (LOG.isDebugEnabled()) {
            long now = System.nanoTime();
            long last = lastLogged[i].get();
            if (now - last >= LOG_INTERVAL_NANOS && lastLogged[i].compareAndSet(last, now)) {
                LOG.debug("dropped datagram from {}: {} (total {})", source, reason, counts[i].sum(), cause);
            }
        }
    }

    /** @return every reason with its count, zeros included */
    Map<DropReason, Long> snapshot() {
        EnumMap<DropReason, Long> map = new EnumMap<>(DropReason.class);
        for (DropReason r : REASONS) {
            map.put(r, counts[r.ordinal()].sum());
        }
        return map;
    }
}
