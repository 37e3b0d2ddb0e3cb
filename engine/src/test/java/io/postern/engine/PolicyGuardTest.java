package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one guard around every policy call: budget, fault counting, the configured fallback, cool-down. */
class PolicyGuardTest {
    /** For policies that answer: long enough for any machine load (only a stuck policy ever waits it out). */
    private static final Duration AMPLE = Duration.ofSeconds(20);
    /** For stuck policies: long enough for the policy's thread to start even on a loaded machine. */
    private static final Duration BUDGET = Duration.ofMillis(500);
    private static final IdentityChange CHANGE = new IdentityChange(
            Endpoint.of(InetAddress.getLoopbackAddress(), 51820), PublicKey.of(filled(1)), PublicKey.of(filled(7)),
            Instant.EPOCH, false, false, Instant.EPOCH);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final LongAdder faults = new LongAdder();
    private final AtomicInteger calls = new AtomicInteger();
    private PolicyGuard guard;

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (guard != null) {
            guard.close();
        }
    }

    private PolicyGuard guard(Function<IdentityChange, PolicyDecision> decide, List<GatewayEvent> events,
                              OnPolicyFault onFault) {
        return guard(decide, events, onFault, AMPLE);
    }

    private PolicyGuard guard(Function<IdentityChange, PolicyDecision> decide, List<GatewayEvent> events,
                              OnPolicyFault onFault, Duration budget) {
        guard = new PolicyGuard(new SessionPolicy() {
            @Override public String name() { return "test"; }
            @Override public String description() { return "a test policy"; }
            @Override public PolicyDecision onIdentityChange(IdentityChange change) {
                calls.incrementAndGet();
                return decide.apply(change);
            }
            @Override public void onEvent(GatewayEvent event) { events.add(event); }
        }, onFault, budget, clock::get, faults);
        return guard;
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
        PolicyGuard g = guard(c -> c.newcomer().equals(CHANGE.newcomer()) ? PolicyDecision.REJECT : null, List.of(),
                OnPolicyFault.DEFAULT);
        assertThat(g.decide(CHANGE)).isEqualTo(new PolicyGuard.Verdict(PolicyDecision.REJECT, null));
        assertThat(faults.sum()).isZero();
    }

    @ParameterizedTest
    @EnumSource(OnPolicyFault.class)
    void aThrowingOrNullPolicyIsAFaultAndTheConfiguredFallbackDecides(OnPolicyFault onFault) {
        PolicyGuard.Verdict v = guard(c -> { throw new IllegalStateException("broken"); }, List.of(), onFault)
                .decide(CHANGE);
        assertThat(v.decision()).isEqualTo(onFault.decision());
        assertThat(v.fault().error()).contains("broken");
        assertThat(v.fault().fallback()).isEqualTo(onFault.decision());
        guard.close();
        assertThat(guard(c -> null, List.of(), onFault).decide(CHANGE).fault().error()).isEqualTo("returned null");
        assertThat(faults.sum()).isEqualTo(2);
    }

    /** A policy that promises it never blocks: {@code decide} calls it on the caller's thread. */
    private PolicyGuard inlineGuard(Function<IdentityChange, PolicyDecision> decide, OnPolicyFault onFault) {
        guard = new PolicyGuard(new SessionPolicy() {
            @Override public String name() { return "inline"; }
            @Override public String description() { return "a test policy deciding without blocking"; }
            @Override public boolean decidesWithoutBlocking() { return true; }
            @Override public PolicyDecision onIdentityChange(IdentityChange change) {
                calls.incrementAndGet();
                return decide.apply(change);
            }
        }, onFault, AMPLE, clock::get, faults);
        return guard;
    }

    @Test
    void aPolicyThatDecidesWithoutBlockingIsAskedOnTheCallersThreadAndOthersAreNot() {
        List<Thread> askedOn = new CopyOnWriteArrayList<>();
        Function<IdentityChange, PolicyDecision> recording = c -> {
            askedOn.add(Thread.currentThread());
            return PolicyDecision.ACCEPT_AND_KEEP_BOTH;
        };
        assertThat(inlineGuard(recording, OnPolicyFault.DEFAULT).decide(CHANGE))
                .isEqualTo(new PolicyGuard.Verdict(PolicyDecision.ACCEPT_AND_KEEP_BOTH, null));
        guard.close();
        assertThat(guard(recording, List.of(), OnPolicyFault.DEFAULT).decide(CHANGE).decision())
                .isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
        assertThat(askedOn).hasSize(2);
        assertThat(askedOn.get(0)).as("the built-in kind: no hand-off").isSameAs(Thread.currentThread());
        assertThat(askedOn.get(1)).as("a plugin: on the guard's own thread").isNotSameAs(Thread.currentThread());
    }

    @Test
    void aPolicyThatDecidesWithoutBlockingStillFaultsOnAThrowOrNull() {
        PolicyGuard.Verdict v = inlineGuard(c -> { throw new IllegalStateException("broken"); }, OnPolicyFault.REJECT)
                .decide(CHANGE);
        assertThat(v.decision()).isEqualTo(PolicyDecision.REJECT);
        assertThat(v.fault().error()).contains("broken");
        guard.close();
        assertThat(inlineGuard(c -> null, OnPolicyFault.REJECT).decide(CHANGE).fault().error()).isEqualTo("returned null");
        assertThat(faults.sum()).isEqualTo(2);
    }

    @Test
    void theDefaultFallbackKeepsBoth() {
        assertThat(OnPolicyFault.DEFAULT.decision()).isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH);
        assertThat(OnPolicyFault.parse("Reset-On-Identity-Change")).isEqualTo(OnPolicyFault.RESET_ON_IDENTITY_CHANGE);
    }

    @Test
    void aStuckPolicyTimesOutThenIsNotAskedUntilTheCoolDownEnds() {
        PolicyGuard g = guard(c -> stuck(), List.of(), OnPolicyFault.REJECT, BUDGET);
        // returns at all: the policy itself only returns once the test ends
        PolicyGuard.Verdict first = g.decide(CHANGE);
        assertThat(first.decision()).isEqualTo(PolicyDecision.REJECT);
        assertThat(first.fault().error()).isEqualTo("gave no decision within 500 ms");
        assertThat(calls.get()).isEqualTo(1);

        clock.addAndGet(PolicyGuard.COOLDOWN.toMillis() - 1);
        PolicyGuard.Verdict cooling = g.decide(CHANGE);
        assertThat(cooling.fault().error()).startsWith("not asked");
        assertThat(calls.get()).as("the policy is not called while cooling down").isEqualTo(1);

        clock.addAndGet(1);
        g.decide(CHANGE);
        assertThat(calls.get()).as("asked again after the cool-down").isEqualTo(2);
        assertThat(faults.sum()).isEqualTo(3);
    }

    @Test
    void whenEveryPolicyThreadIsStuckFurtherCallsFaultAtOnce() {
        // a policy that ignores interruption: each timed-out call keeps its thread
        CountDownLatch never = new CountDownLatch(1);
        PolicyGuard g = guard(c -> {
            while (release.getCount() > 0) {
                try {
                    never.await(10, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // a badly written policy swallows the interruption
                }
            }
            return PolicyDecision.REJECT;
        }, List.of(), OnPolicyFault.KEEP_BOTH, BUDGET);
        for (int i = 0; i < PolicyGuard.MAX_IN_FLIGHT; i++) {
            clock.addAndGet(PolicyGuard.COOLDOWN.toMillis()); // past each cool-down: the policy is asked
            assertThat(g.decide(CHANGE).fault().error()).contains("gave no decision");
        }
        clock.addAndGet(PolicyGuard.COOLDOWN.toMillis());
        assertThat(g.decide(CHANGE).fault().error())
                .isEqualTo("still busy with " + PolicyGuard.MAX_IN_FLIGHT + " earlier decisions");
    }

    @Test
    void eventsReachThePolicyInOrderOffTheCallersThread() throws InterruptedException {
        List<GatewayEvent> seen = new CopyOnWriteArrayList<>();
        PolicyGuard g = guard(c -> PolicyDecision.REJECT, seen, OnPolicyFault.DEFAULT);
        List<GatewayEvent> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            GatewayEvent e = new GatewayEvent.PolicyFault("p" + i, "e", PolicyDecision.REJECT, Instant.EPOCH);
            sent.add(e);
            g.onEvent(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < sent.size() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(seen).containsExactlyElementsOf(sent);
        assertThat(g.droppedEvents()).isZero();
    }

    /**
     * A policy that keeps the SPI's default {@code onEvent} (it ignores events, as the built-in ones
     * do) gets no event thread: a process running 10,000 client engines had 10,000 such threads, and
     * ReconnectLoad's setup and reconnects were 2–3× slower for it.
     */
    @Test
    void aPolicyThatIgnoresEventsGetsNoEventThread() {
        String name = "ignores-events-" + System.nanoTime();
        guard = new PolicyGuard(new SessionPolicy() {
            @Override public String name() { return name; }
            @Override public String description() { return "a policy without onEvent"; }
            @Override public PolicyDecision onIdentityChange(IdentityChange change) { return PolicyDecision.REJECT; }
            @Override public boolean decidesWithoutBlocking() { return true; }
        }, OnPolicyFault.DEFAULT, AMPLE, clock::get, faults);
        for (int i = 0; i < 10; i++) {
            guard.onEvent(new GatewayEvent.PolicyFault("p" + i, "e", PolicyDecision.REJECT, Instant.EPOCH));
        }
        assertThat(guard.decide(CHANGE).decision()).isEqualTo(PolicyDecision.REJECT);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.contains(name));
        assertThat(guard.droppedEvents()).isZero();
        assertThat(PolicyGuard.listensToEvents(new SessionPolicy() {
            @Override public String name() { return "x"; }
            @Override public String description() { return "x"; }
            @Override public PolicyDecision onIdentityChange(IdentityChange change) { return PolicyDecision.REJECT; }
            @Override public void onEvent(GatewayEvent event) {}
        })).isTrue();
    }
}
