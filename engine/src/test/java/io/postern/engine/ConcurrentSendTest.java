package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.spi.PolicyDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several threads sending over one session: every packet arrives, none is counted as a drop. */
class ConcurrentSendTest {

    @Test
    void concurrentSendersShareOneSessionSafely() throws Exception {
        try (EngineHarness h = new EngineHarness()) {
            EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH), OnPolicyFault.KEEP_BOTH, false);
            EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
            h.establish(a, gw);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 250; i++) {
                            assertThat(a.send(gw, "t" + thread + "-" + i)).isTrue();
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            h.deliver();
            assertThat(gw.handler.received).hasSize(1 + 1000);
            assertThat(gw.engine.counters().drops().values()).allMatch(n -> n == 0);
            assertThat(gw.engine.counters().packetsReceived()).isEqualTo(1001);
        }
    }
}
