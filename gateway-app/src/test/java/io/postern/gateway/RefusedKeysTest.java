package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Refused keys are kept for show in a bounded table, latest first, and logged at most once a second. */
class RefusedKeysTest {
    private static GatewayEvent.HandshakeRefused refused(int seed, int port) {
        return new GatewayEvent.HandshakeRefused(OperateTest.pub(seed), Endpoint.parse("198.18.0.2:" + port),
                DropReason.NOT_ADMITTED, Instant.ofEpochSecond(1000 + port));
    }

    @Test
    void keepsTheLatestSixteenKeysLatestFirstWithTheirCounts() {
        RefusedKeys keys = new RefusedKeys(() -> 0, line -> { });
        for (int i = 1; i <= 20; i++) {
            keys.onEvent(refused(i, i));
        }
        keys.onEvent(refused(20, 99));
        assertThat(keys.recent()).hasSize(RefusedKeys.KEPT);
        assertThat(keys.recent().getFirst()).isEqualTo(new RefusedKeys.Refused(OperateTest.pub(20),
                Endpoint.parse("198.18.0.2:99"), Instant.ofEpochSecond(1099), 2));
        assertThat(keys.recent()).extracting(RefusedKeys.Refused::key).doesNotContain(OperateTest.pub(1), OperateTest.pub(4))
                .contains(OperateTest.pub(5));
        keys.forget(OperateTest.pub(20));
        assertThat(keys.recent()).extracting(RefusedKeys.Refused::key).doesNotContain(OperateTest.pub(20));
    }

    @Test
    void logsAtMostOneLineAPerSecondCountingTheOthers() {
        AtomicLong now = new AtomicLong();
        java.util.List<String> lines = new java.util.ArrayList<>();
        RefusedKeys keys = new RefusedKeys(now::get, lines::add);
        {
            for (int i = 1; i <= 50; i++) {
                keys.onEvent(refused(i % 30 + 1, 40000 + i));
            }
            now.addAndGet(RefusedKeys.LOG_INTERVAL.toNanos());
            keys.onEvent(refused(2, 50000));
            assertThat(lines).hasSize(2);
            assertThat(lines.getFirst()).startsWith("handshake refused reason=not_admitted peer="
                    + OperateTest.pub(2).toBase64() + " endpoint=198.18.0.2:40001");
            assertThat(lines.get(1)).contains("(49 more refused handshakes not logged)");
        }
    }
}
