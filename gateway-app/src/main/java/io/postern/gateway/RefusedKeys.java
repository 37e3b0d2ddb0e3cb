package io.postern.gateway;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes refused handshakes visible: a peer whose key is not configured (mistyped, or a client that
 * regenerated its key) otherwise only moves a counter. Logs each refused key with its endpoint at
 * INFO — at most one line per {@link #LOG_INTERVAL} for the whole gateway, the lines skipped counted
 * in the next — and keeps the {@value #KEPT} most recently refused keys for {@code show}.
 *
 * <p>A refused key is the key the initiation names, decrypted but not proven: admission is asked
 * before the static-static DH (a forged initiation costs the gateway one DH), so a forger can name any
 * key. That is enough to tell a mistyped key, and nothing here grants anything. Bounded against a
 * flood of fresh keys (keys cost nothing to make): a fixed-size table, one log line per interval,
 * constant work per event.
 */
final class RefusedKeys implements GatewayEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedKeys.class);
    /** Keys remembered for show. */
    static final int KEPT = 16;
    /** At most one log line per interval. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(1);

    /**
     * One refused key.
     *
     * @param key      the key
     * @param endpoint where its latest refused initiation came from
     * @param last     when
     * @param count    how many initiations of it were refused
     */
    record Refused(PublicKey key, Endpoint endpoint, Instant last, long count) {}

    private final LongSupplier nanoTime;
    private final java.util.function.Consumer<String> log;
    /** Guarded by this; access order, eldest dropped beyond KEPT. */
    private final LinkedHashMap<PublicKey, Refused> recent = new LinkedHashMap<>(KEPT * 2, 0.75f, true);
    private long lastLog = Long.MIN_VALUE;
    private long skipped;

    RefusedKeys() {
        this(System::nanoTime, LOG::info);
    }

    /** @param log where the INFO lines go (tests capture them) */
    RefusedKeys(LongSupplier nanoTime, java.util.function.Consumer<String> log) {
        this.nanoTime = nanoTime;
        this.log = log;
    }

    @Override
    public void onEvent(GatewayEvent event) {
        if (!(event instanceof GatewayEvent.HandshakeRefused r)) {
            return;
        }
        long logSkipped = -1;
        synchronized (this) {
            Refused before = recent.get(r.peer());
            recent.put(r.peer(), new Refused(r.peer(), r.endpoint(), r.at(), before == null ? 1 : before.count() + 1));
            if (recent.size() > KEPT) {
                Iterator<Map.Entry<PublicKey, Refused>> eldest = recent.entrySet().iterator();
                eldest.next();
                eldest.remove();
            }
            long now = nanoTime.getAsLong();
            if (lastLog == Long.MIN_VALUE || now - lastLog >= LOG_INTERVAL.toNanos()) {
                lastLog = now;
                logSkipped = skipped;
                skipped = 0;
            } else {
                skipped++;
            }
        }
        if (logSkipped >= 0) {
            log.accept("handshake refused reason=" + r.reason().name().toLowerCase(java.util.Locale.ROOT) + " peer="
                    + r.peer().toBase64() + " endpoint=" + r.endpoint()
                    + (logSkipped > 0 ? " (" + logSkipped + " more refused handshakes not logged)" : "")
                    + " (add it as a [Peer], or check the key the client uses)");
        }
    }

    /** Forgets a key that became a peer. */
    synchronized void forget(PublicKey key) {
        recent.remove(key);
    }

    /** @return the most recently refused keys, latest first */
    synchronized List<Refused> recent() {
        List<Refused> out = new ArrayList<>(recent.values());
        java.util.Collections.reverse(out);
        return out;
    }
}
