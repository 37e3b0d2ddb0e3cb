package io.postern.it.scenario;

import static org.awaitility.Awaitility.await;

import io.postern.engine.SessionState;
import io.postern.gateway.PosternNode;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A Java peer of the gateway: a real node plus what it received. */
final class TestPeer {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** How often an unanswered payload is sent again while waiting for its echo. */
    private static final Duration RESEND_EVERY = Duration.ofMillis(250);

    final PosternNode node;
    final PublicKey gatewayKey;
    final CapturingHandler received;

    TestPeer(PosternNode node, PublicKey gatewayKey, CapturingHandler received) {
        this.node = node;
        this.gatewayKey = gatewayKey;
        this.received = received;
    }

    /** @return the peer's identity */
    PublicKey key() {
        return node.publicKey();
    }

    /** @return the endpoint the gateway sees this peer at */
    Endpoint endpoint() {
        return Nodes.loopbackEndpointOf(node);
    }

    /** @return a payload no other call returns */
    static byte[] uniquePayload(String label) {
        return (label + " #" + SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
    }

    /** Sends a handshake initiation to the gateway. */
    void connect() {
        node.engine().initiateHandshake(gatewayKey);
    }

    /** @return whether this peer holds an established session with the gateway */
    boolean established() {
        return node.engine().peer(gatewayKey).map(s -> s.state() == SessionState.ESTABLISHED).orElse(false);
    }

    /**
     * Connects, waits for the session, then sends {@code payload} (again every 250 ms while
     * unanswered) until its echo comes back, all within {@code within}.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when the echo does not come back in time
     */
    void connectAndEcho(byte[] payload, Duration within) {
        connect();
        echo(payload, within);
    }

    /** Sends {@code payload} once a session exists (resending while unanswered) until it is echoed. */
    void echo(byte[] payload, Duration within) {
        awaitEchoes(List.of(new Pending(this, payload)), true, within);
    }

    /**
     * Like {@link #echo} but does not wait for an established session: sends every period, so a
     * peer whose session the far side lost notices (its engine re-handshakes on unanswered data).
     */
    void keepSendingUntilEchoed(byte[] payload, Duration within) {
        awaitEchoes(List.of(new Pending(this, payload)), false, within);
    }

    /**
     * Has every peer send a payload of its own (labelled {@code label}) once it has a session —
     * again every 250 ms while unanswered — and waits until every one is echoed, within {@code within}.
     */
    static void echoAll(List<TestPeer> peers, String label, Duration within) {
        awaitEchoes(peers.stream().map(p -> new Pending(p, uniquePayload(label))).toList(), true, within);
    }

    private static void awaitEchoes(List<Pending> all, boolean onlyWhenEstablished, Duration within) {
        List<Pending> pending = new ArrayList<>(all);
        Pending first = all.getFirst();
        await("echo for " + all.size() + " payload(s), e.g. '" + new String(first.payload, StandardCharsets.UTF_8)
                + "' by " + first.peer.key())
                .atMost(within).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    pending.removeIf(x -> x.step(onlyWhenEstablished));
                    return pending.isEmpty();
                });
    }

    /** One payload waiting for its echo. */
    private static final class Pending {
        private final TestPeer peer;
        private final byte[] payload;
        private long lastSent;

        Pending(TestPeer peer, byte[] payload) {
            this.peer = peer;
            this.payload = payload;
        }

        /** Sends when due; @return whether the echo arrived */
        boolean step(boolean onlyWhenEstablished) {
            if (peer.received.received(payload)) {
                return true;
            }
            long now = System.nanoTime();
            boolean due = lastSent == 0 || now - lastSent > RESEND_EVERY.toNanos();
            if (due && (!onlyWhenEstablished || peer.established())) {
                lastSent = now;
                peer.node.engine().send(peer.gatewayKey, payload, 0, payload.length);
            }
            return false;
        }
    }
}
