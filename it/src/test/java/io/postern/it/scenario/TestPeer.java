package io.postern.it.scenario;

import static org.awaitility.Awaitility.await;

import io.postern.engine.SessionState;
import io.postern.gateway.PosternNode;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        long[] lastSent = {0};
        await("echo of '" + new String(payload, StandardCharsets.UTF_8) + "' by " + key())
                .atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> {
                    if (received.received(payload)) {
                        return true;
                    }
                    long now = System.nanoTime();
                    if (established() && (lastSent[0] == 0 || now - lastSent[0] > RESEND_EVERY.toNanos())) {
                        lastSent[0] = now;
                        node.engine().send(gatewayKey, payload, 0, payload.length);
                    }
                    return false;
                });
    }

    /**
     * Like {@link #echo} but does not wait for an established session: sends every period, so a
     * peer whose session the far side lost notices (its engine re-handshakes on unanswered data).
     */
    void keepSendingUntilEchoed(byte[] payload, Duration within) {
        long[] lastSent = {0};
        await("echo of '" + new String(payload, StandardCharsets.UTF_8) + "' by " + key())
                .atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> {
                    if (received.received(payload)) {
                        return true;
                    }
                    long now = System.nanoTime();
                    if (lastSent[0] == 0 || now - lastSent[0] > RESEND_EVERY.toNanos()) {
                        lastSent[0] = now;
                        node.engine().send(gatewayKey, payload, 0, payload.length);
                    }
                    return false;
                });
    }
}
