package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A faulty, slow or stuck policy through the whole engine: the configured {@link OnPolicyFault}
 * applies (a rejecting policy is not bypassed), no peer monitor is held while the policy runs, and
 * a stuck policy does not stop other handshakes.
 */
class PolicyFaultTest {
    private static final io.postern.net.Endpoint E = EngineHarness.CLIENT_A;
    /** Only a hang detector (the old engine waited for a stuck policy forever), not a timing assertion. */
    private static final Duration HANG = Duration.ofSeconds(60);

    private final EngineHarness h = new EngineHarness();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        h.close();
    }

    /** A rejects-everything policy that never answers in time (a pinned-keys plugin stuck on its file). */
    private final class StuckRejecting extends FixedPolicy {
        StuckRejecting() {
            super(PolicyDecision.REJECT);
        }

        @Override
        public PolicyDecision onIdentityChange(IdentityChange change) {
            questions.add(change);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return PolicyDecision.REJECT;
        }
    }

    private EngineHarness.Node[] restartWithNewKey(EngineHarness.Node gw) {
        EngineHarness.Node a = h.client(E, gw);
        h.establish(a, gw);
        a.stop();
        return new EngineHarness.Node[] {a, h.client(E, gw)};
    }

    @Test
    void aThrowingPolicyWithRejectOnFaultFailsClosed() {
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy.Throwing(), OnPolicyFault.REJECT,
                true);
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        ab[1].send(gw, "let me in");
        h.deliver();

        assertThat(gw.engine.counters().policyFaults()).isEqualTo(1);
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
        assertThat(gw.engine.peerAt(E)).contains(ab[0].key());
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
    }

    @Test
    void aStuckRejectingPolicyIsNotBypassedAndDoesNotStopOtherHandshakes() {
        EngineHarness.Node gw = h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY, new StuckRejecting(),
                OnPolicyFault.REJECT, TestAdmission.OPEN, EngineHarness.DETERMINISTIC.withPolicyBudget(Duration.ofMillis(500)));
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        assertTimeoutPreemptively(HANG, () -> {
            ab[1].send(gw, "let me in");
            h.deliver();
        });
        assertThat(gw.engine.counters().policyFaults()).isEqualTo(1);
        assertThat(gw.events(GatewayEvent.PolicyFault.class)).singleElement()
                .satisfies(f -> assertThat(f.error()).contains("gave no decision"));
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
        assertThat(gw.engine.peerAt(E)).contains(ab[0].key());

        // other peers still get in while the policy is stuck (its threads are still blocked)
        EngineHarness.Node c = h.client(EngineHarness.endpoint(43000), gw);
        assertTimeoutPreemptively(HANG, () -> h.establish(c, gw));
        // and a second identity change while cooling down is decided at once, without the policy
        EngineHarness.Node d = h.client(EngineHarness.endpoint(43000), gw);
        assertTimeoutPreemptively(HANG, () -> {
            d.send(gw, "me too");
            h.deliver();
        });
        assertThat(gw.engine.counters().policyFaults()).isEqualTo(2);
        assertThat(gw.engine.peerAt(EngineHarness.endpoint(43000))).contains(c.key());
    }

    @Test
    void thePolicyIsAskedHoldingNoPeerMonitor() {
        AtomicReference<EngineHarness.Node> gateway = new AtomicReference<>();
        // reading the newcomer's state needs its monitor while it has no session yet: if the
        // handshake held that monitor during the call, this would wait out the budget (a fault)
        FixedPolicy readsNewcomer = new FixedPolicy(PolicyDecision.REJECT) {
            @Override
            public PolicyDecision onIdentityChange(IdentityChange change) {
                gateway.get().engine.peer(change.newcomer());
                return super.onIdentityChange(change);
            }
        };
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), readsNewcomer, OnPolicyFault.KEEP_BOTH, true);
        gateway.set(gw);
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        assertTimeoutPreemptively(HANG, () -> {
            ab[1].send(gw, "let me in");
            h.deliver();
        });
        assertThat(readsNewcomer.questions).hasSize(1);
        assertThat(gw.engine.counters().policyFaults()).isZero();
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
    }
}
