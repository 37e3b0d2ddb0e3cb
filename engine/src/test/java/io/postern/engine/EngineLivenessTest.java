package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.spi.PolicyDecision;
import io.postern.wire.WireMessage;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link SessionEngine#alive()}, what a liveness probe reads: started, not closed, its threads running. */
class EngineLivenessTest {
    @Test
    void aliveOnlyBetweenStartAndClose() {
        try (EngineHarness h = new EngineHarness()) {
            FixedPolicy keep = new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
            SessionEngine engine = new SessionEngine(EngineHarness.newKeys(), new EngineServices(RealCrypto.provider(),
                    RealCrypto.handshakes(), keep, OnPolicyFault.KEEP_BOTH, TestAdmission.OPEN, new CapturingHandler(true)), h.clock,
                    EngineSettings.defaults());
            assertThat(engine.alive()).as("before start").isFalse();
            engine.start(h.net.bind(EngineHarness.endpoint(40_123)));
            assertThat(engine.alive()).as("started, workers and timer running").isTrue();
            engine.close();
            assertThat(engine.alive()).as("closed").isFalse();
        }
    }

    @Test
    void aHandshakeWorkerThatDiedMakesTheQueueNotAlive() throws Exception {
        CountDownLatch died = new CountDownLatch(1);
        HandshakeQueue queue = new HandshakeQueue(EngineSettings.defaults(), () -> 0L, (source, message) -> {
            died.countDown();
            throw new StackOverflowError("a worker killed by an Error the loop does not catch");
        });
        try {
            assertThat(queue.workersAlive()).as("not started").isFalse();
            queue.start();
            assertThat(queue.workersAlive()).isTrue();
            assertThat(queue.submit(EngineHarness.endpoint(40_000), (WireMessage) null)).isTrue();
            assertThat(died.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (queue.workersAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(queue.workersAlive()).as("one worker is dead").isFalse();
        } finally {
            queue.close();
        }
    }
}
