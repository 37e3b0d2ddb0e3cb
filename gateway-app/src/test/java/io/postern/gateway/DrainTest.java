package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.SessionState;
import io.postern.gateway.metrics.MetricsEndpointTest;
import io.postern.gateway.metrics.MetricsServer;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probes of a running gateway and its drain on SIGTERM ({@link RunningGateway#drainAndClose}):
 * not ready at once, still serving an established session during the drain period, then stopped.
 * The drain period is a {@link RunningGateway.Sleeper} the test holds, so no wall-clock time is asserted.
 */
class DrainTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long WAIT_SECONDS = 15;

    @TempDir
    Path dataDir;

    @Test
    void readyUntilDrainingThenServesThroughTheDrainPeriodThenStops() throws Exception {
        NodeConfig config = NodeConfig.builder(OperateTest.key(1)).listenAddress(LOOPBACK)
                .metricsListen(new InetSocketAddress(LOOPBACK, 0)).admission("open").build();
        RunningGateway gw = RunningGateway.start(config, PluginRegistry.load(), dataDir);
        PosternNodeTest.CapturingHandler echoes = new PosternNodeTest.CapturingHandler();
        PublicKey gwKey = gw.node().publicKey();
        try (PosternNode client = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gwKey, Endpoint.of(LOOPBACK, gw.node().localEndpoint().port())))
                .handler(echoes).build())) {
            int port = gw.metrics().orElseThrow().address().getPort();
            assertThat(MetricsEndpointTest.http("GET", port, MetricsServer.HEALTHZ).statusCode()).isEqualTo(200);
            assertThat(MetricsEndpointTest.http("GET", port, MetricsServer.READYZ).statusCode()).isEqualTo(200);
            echo(client, gwKey, echoes, "before");
            assertThat(gw.liveSessions()).isEqualTo(1);

            CountDownLatch drainStarted = new CountDownLatch(1);
            CountDownLatch drainOver = new CountDownLatch(1);
            AtomicReference<Duration> slept = new AtomicReference<>();
            Thread sigterm = Thread.ofPlatform().start(() -> gw.drainAndClose(Duration.ofSeconds(15), period -> {
                slept.set(period);
                drainStarted.countDown();
                drainOver.await();
            }));
            assertThat(drainStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(slept.get()).isEqualTo(Duration.ofSeconds(15));

            MetricsEndpointTest.Response ready = MetricsEndpointTest.http("GET", port, MetricsServer.READYZ);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("draining\n");
            assertThat(MetricsEndpointTest.http("GET", port, MetricsServer.HEALTHZ).statusCode())
                    .as("draining is not dead: liveness stays ok").isEqualTo(200);
            for (int i = 0; i < 20; i++) {
                echo(client, gwKey, echoes, "during drain " + i);
            }
            assertThat(gw.node().engine().peer(client.publicKey()).orElseThrow().state()).isEqualTo(SessionState.ESTABLISHED);

            drainOver.countDown();
            sigterm.join(Duration.ofSeconds(WAIT_SECONDS));
            assertThat(sigterm.isAlive()).isFalse();
            assertThat(gw.node().alive()).as("stopped after the drain period").isFalse();
            assertThat(gw.health().ok()).isFalse();
        } finally {
            gw.close();
        }
    }

    @Test
    void healthAndReadinessFollowTheNode() throws Exception {
        NodeConfig config = NodeConfig.builder(OperateTest.key(1)).listenAddress(LOOPBACK).build();
        RunningGateway gw = RunningGateway.start(config, PluginRegistry.load(), dataDir);
        assertThat(gw.health().ok()).isTrue();
        assertThat(gw.readiness().ok()).isTrue();
        gw.drainAndClose(Duration.ZERO, period -> {
            throw new AssertionError("no drain period: no sleep");
        });
        assertThat(gw.health()).isEqualTo(MetricsServer.ProbeStatus.failing("packet threads not running"));
        assertThat(gw.readiness()).isEqualTo(MetricsServer.ProbeStatus.failing("draining"));
    }

    /** The echo comes back with the sender's padding (zeros to a multiple of 16). */
    private static String unpadded(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8).replace("\0", "");
    }

    private static void echo(PosternNode client, PublicKey gateway, PosternNodeTest.CapturingHandler handler, String text)
            throws Exception {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (client.engine().peer(gateway).map(s -> s.state() != SessionState.ESTABLISHED).orElse(true)) {
            client.engine().send(gateway, p, 0, p.length); // the first send starts the handshake
            assertThat(System.nanoTime()).as("session established within %d s", WAIT_SECONDS).isLessThan(deadline);
            PosternNodeTest.Packet got = handler.packets.poll(100, TimeUnit.MILLISECONDS);
            if (got != null && unpadded(got.payload()).equals(text)) {
                return;
            }
        }
        assertThat(client.engine().send(gateway, p, 0, p.length)).isTrue();
        while (true) {
            PosternNodeTest.Packet got = handler.packets.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(got).as("echo of %s", text).isNotNull();
            if (unpadded(got.payload()).equals(text)) {
                return;
            }
        }
    }
}
