package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.spi.GatewayEvent;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeBoundSessionPolicyTest {
    private static final Duration BUDGET = Duration.ofMillis(50);
    private static final IdentityChange CHANGE = new IdentityChange(
            Endpoint.of(InetAddress.getLoopbackAddress(), 51820), PublicKey.of(filled(1)), PublicKey.of(filled(7)), Instant.EPOCH, false, false, Instant.EPOCH);

    private final CountDownLatch release = new CountDownLatch(1);
    private TimeBoundSessionPolicy wrapped;

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (wrapped != null) {
            wrapped.close();
        }
    }

    private TimeBoundSessionPolicy wrap(Function<IdentityChange, PolicyDecision> decide, List<GatewayEvent> events) {
        wrapped = new TimeBoundSessionPolicy(new SessionPolicy() {
            @Override public String name() { return "test"; }
            @Override public String description() { return "a test policy"; }
            @Override public PolicyDecision onIdentityChange(IdentityChange change) { return decide.apply(change); }
            @Override public void onEvent(GatewayEvent event) { events.add(event); }
        }, BUDGET);
        return wrapped;
    }

    private PolicyDecision stuck() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return PolicyDecision.REJECT;
    }

    @Test
    void aPromptDecisionPassesThrough() {
        TimeBoundSessionPolicy p = wrap(c -> c.newcomer().equals(CHANGE.newcomer()) ? PolicyDecision.ACCEPT_AND_KEEP_BOTH : null, List.of());
        assertThat(p.onIdentityChange(CHANGE)).isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
        assertThat(p.name()).isEqualTo("test");
        assertThat(p.description()).isEqualTo("a test policy");
    }

    @Test
    void aNullOrAThrowingPolicyPassesThroughForTheEngineToHandle() {
        assertThat(wrap(c -> null, List.of()).onIdentityChange(CHANGE)).isNull();
        wrapped.close();
        assertThatThrownBy(() -> wrap(c -> { throw new IllegalStateException("broken"); }, List.of()).onIdentityChange(CHANGE))
                .isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }

    @Test
    void aStuckPolicyTimesOutInsteadOfStallingTheCaller() {
        TimeBoundSessionPolicy p = wrap(c -> stuck(), List.of());
        // returns at all: the policy itself only returns once the test ends
        assertThatThrownBy(() -> p.onIdentityChange(CHANGE))
                .isInstanceOf(PolicyTimeoutException.class).hasMessage("test gave no decision within 50 ms");
    }

    @Test
    void whenEveryPolicyThreadIsStuckFurtherCallsFaultAtOnce() {
        // a policy that ignores interruption: each timed-out call keeps its thread
        CountDownLatch never = new CountDownLatch(1);
        TimeBoundSessionPolicy p = wrap(c -> {
            while (release.getCount() > 0) {
                try {
                    never.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // a badly written policy swallows the interruption
                }
            }
            return PolicyDecision.REJECT;
        }, List.of());
        for (int i = 0; i < TimeBoundSessionPolicy.MAX_IN_FLIGHT; i++) {
            assertThatThrownBy(() -> p.onIdentityChange(CHANGE)).hasMessageContaining("gave no decision");
        }
        assertThatThrownBy(() -> p.onIdentityChange(CHANGE))
                .isInstanceOf(PolicyTimeoutException.class)
                .hasMessage("test is still busy with " + TimeBoundSessionPolicy.MAX_IN_FLIGHT + " earlier decisions");
    }

    @Test
    void eventsReachThePolicyInOrderOffTheCallersThread() throws InterruptedException {
        List<GatewayEvent> seen = new CopyOnWriteArrayList<>();
        TimeBoundSessionPolicy p = wrap(c -> PolicyDecision.REJECT, seen);
        List<GatewayEvent> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            GatewayEvent e = new GatewayEvent.PolicyFault("p" + i, "e", PolicyDecision.REJECT, Instant.EPOCH);
            sent.add(e);
            p.onEvent(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < sent.size() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen).containsExactlyElementsOf(sent);
        assertThat(p.droppedEvents()).isZero();
    }
}
