package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
import io.postern.spi.PolicyDecision;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 11, item 1: an admitted key holder with a confirmed session at its own endpoint F sends
 * initiations from F, each with a fresh static key. The engine's tables are bounded (half-open and
 * dynamic-peer limits); this drives what every one of those initiations produces for the gateway's
 * own bookkeeping — a handshake answered, a policy decision, for some a confirmed session — 200,000
 * times, and checks that the heap (after GC) grows by less than {@link #HEAP_BOUND} between 100,000
 * and 200,000 newcomers, and that the log holds a bounded number of lines.
 */
class IdentityChurnTest {
    static {
        // the tests run patched into io.postern.gateway, which does not read logback: grant it here
        for (String name : new String[] {"ch.qos.logback.classic", "ch.qos.logback.core"}) {
            ModuleLayer.boot().findModule(name).ifPresent(IdentityChurnTest.class.getModule()::addReads);
        }
    }

    /** What 100,000 more newcomers may add to the heap: well under one entry each (~0.4 KB today). */
    static final long HEAP_BOUND = 8L << 20;
    private static final int NEWCOMERS = 200_000;

    private static PublicKey key(long n) {
        byte[] b = new byte[32];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        b[31] = 0x55;
        return PublicKey.of(b);
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) { // the lowest of three: a collection may be partial
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    @Test
    void freshKeysFromOneConfirmedEndpointDoNotGrowTheHeapOrTheLog() {
        AtomicLong nanos = new AtomicLong(); // no time passes: the log budget is never renewed
        EventLog events = new EventLog(new LineBudget(LineBudget.DEFAULT_LINES, LineBudget.DEFAULT_INTERVAL, nanos::get));
        PolicyDecisionLog decisions = new PolicyDecisionLog();
        Logger logger = (Logger) LoggerFactory.getLogger(EventLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            Endpoint f = Endpoint.of(InetAddress.getLoopbackAddress(), 40_000);
            PublicKey attacker = key(-1);
            Instant at = Instant.EPOCH;
            long heapAt100k = 0;
            for (int i = 0; i < NEWCOMERS; i++) {
                PublicKey newcomer = key(i);
                for (GatewayEvent e : new GatewayEvent[] {
                        new GatewayEvent.IdentityChangedAtEndpoint(f, attacker, newcomer, "keep-both",
                                PolicyDecision.ACCEPT_AND_KEEP_BOTH, at),
                        new GatewayEvent.HandshakeCompleted(newcomer, f, GatewayEvent.Role.RESPONDER, at),
                        new GatewayEvent.SessionConfirmed(newcomer, f, at)}) {
                    events.onEvent(e);
                    decisions.onEvent(e);
                }
                if (i == NEWCOMERS / 2 - 1) {
                    heapAt100k = usedHeapAfterGc();
                }
            }
            long heapAt200k = usedHeapAfterGc();
            assertThat(heapAt200k - heapAt100k).as("heap growth from 100k to 200k newcomers (bytes)")
                    .isLessThan(HEAP_BOUND);
            assertThat(decisions.size()).isLessThanOrEqualTo(PolicyDecisionLog.MAX_PEERS);
            assertThat(lines.list).as("log lines").hasSizeLessThanOrEqualTo(3 * LineBudget.DEFAULT_LINES);

            // a legitimate peer's decision is still recorded and logged once time moves on
            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            PublicKey legit = key(NEWCOMERS + 1);
            decisions.onEvent(new GatewayEvent.SessionEvicted(attacker, legit, f, "stale", at));
            events.onEvent(new GatewayEvent.SessionConfirmed(legit, f, at));
            assertThat(decisions.about(legit)).isPresent();
            assertThat(lines.list.getLast().getFormattedMessage()).startsWith("session established peer="
                    + legit.shortForm()).contains("suppressed=");
        } finally {
            logger.detachAppender(lines);
        }
    }
}
