package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.gateway.metrics.MetricsEndpointTest;
import io.postern.gateway.metrics.MetricsServer;
import io.postern.key.PresharedKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes {@code /metrics} of a running gateway and checks the counters follow the test's traffic. */
class MetricsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*\\})?) (\\S+)$");

    @TempDir
    Path dataDir;

    /** Parses the text format into sample (name with labels) → value; checks every family has HELP and TYPE. */
    static Map<String, Double> parse(String body) {
        Map<String, Double> samples = new HashMap<>();
        String typed = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                typed = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("# HELP ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line '%s'", line).isTrue();
            assertThat(m.group(1)).as("sample of its family").startsWith(typed);
            samples.put(m.group(1), m.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    private static Map<String, Double> scrape(RunningGateway g) throws Exception {
        MetricsServer server = g.metrics().orElseThrow();
        MetricsEndpointTest.Response r = MetricsEndpointTest.http("GET", server.address().getPort());
        assertThat(r.statusCode()).isEqualTo(200);
        return parse(r.body());
    }

    @Test
    void countersFollowTheTraffic() throws Exception {
        NodeConfig config = NodeConfig.builder(OperateTest.key(1)).listenAddress(LOOPBACK)
                .metricsListen(new InetSocketAddress(LOOPBACK, 0))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null,
                        Duration.ZERO))
                .build();
        try (RunningGateway gw = RunningGateway.start(config, PluginRegistry.load(), dataDir)) {
            Map<String, Double> before = scrape(gw);
            assertThat(before).containsEntry("postern_handshakes_completed_total", 0.0)
                    .containsEntry("postern_transport_packets_received_total", 0.0)
                    .containsEntry("postern_sessions{state=\"none\"}", 1.0)
                    .containsEntry("postern_peers{kind=\"configured\"}", 1.0)
                    .containsEntry("postern_dropped_packets_total{reason=\"wire_unknown_type\"}", 0.0)
                    .containsEntry("postern_policy_decisions_total{policy=\"reset-on-identity-change\","
                            + "decision=\"accept_and_reset_after_confirmation\"}", 0.0)
                    .containsEntry("postern_handshake_latency_seconds_bucket{role=\"initiator\",le=\"+Inf\"}", 0.0)
                    .containsEntry("postern_handshake_latency_seconds_count{role=\"initiator\"}", 0.0)
                    .containsEntry("postern_handshake_latency_seconds_count{role=\"responder\"}", 0.0)
                    .containsKeys("postern_handshakes_failed_total{reason=\"mac1_invalid\"}",
                            "postern_stale_sessions_evicted_total", "postern_cookie_replies_sent_total",
                            "postern_cookies_received_total",
                            "postern_handshakes_abandoned_total", "postern_half_open_evicted_total",
                            "postern_handshakes_initiated_total", "postern_transport_sent_bytes_total");

            var got = new PosternNodeTest.CapturingHandler();
            try (PosternNode peer = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                    .peer(PeerConfig.of(gw.node().publicKey(), Endpoint.of(LOOPBACK, gw.node().localEndpoint().port())))
                    .handler(got).build());
                 DatagramSocket junk = new DatagramSocket(0, LOOPBACK)) {
                int n = 5;
                for (int i = 0; i < n; i++) {
                    byte[] p = ("packet " + i).getBytes(StandardCharsets.UTF_8);
                    peer.engine().send(gw.node().publicKey(), p, 0, p.length);
                }
                for (int i = 0; i < n; i++) {
                    assertThat(got.packets.poll(15, TimeUnit.SECONDS)).as("echo %d", i).isNotNull();
                }
                byte[] garbage = {9, 0, 0, 0, 1, 2, 3};
                junk.send(new DatagramPacket(garbage, garbage.length, LOOPBACK, gw.node().localEndpoint().port()));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                Map<String, Double> after = scrape(gw);
                while (after.get("postern_dropped_packets_total{reason=\"wire_unknown_type\"}") < 1) {
                    assertThat(System.nanoTime()).as("garbage counted in time").isLessThan(deadline);
                    Thread.sleep(10);
                    after = scrape(gw);
                }
                long rx = gw.node().engine().peer(OperateTest.pub(2)).orElseThrow().rxBytes();
                assertThat(after).containsEntry("postern_handshakes_completed_total", 1.0)
                        .containsEntry("postern_sessions_confirmed_total", 1.0)
                        .containsEntry("postern_transport_packets_received_total", (double) n)
                        .containsEntry("postern_transport_packets_sent_total", (double) n)
                        .containsEntry("postern_transport_received_bytes_total", (double) rx)
                        .containsEntry("postern_sessions{state=\"established\"}", 1.0)
                        .containsEntry("postern_sessions{state=\"none\"}", 0.0)
                        .containsEntry("postern_dropped_packets_total{reason=\"wire_unknown_type\"}", 1.0)
                        // the gateway answered (one confirmation), it did not initiate
                        .containsEntry("postern_handshake_latency_seconds_count{role=\"initiator\"}", 0.0)
                        .containsEntry("postern_handshake_latency_seconds_count{role=\"responder\"}", 1.0)
                        .containsEntry("postern_handshake_latency_seconds_bucket{role=\"responder\",le=\"+Inf\"}", 1.0);
                assertThat(rx).isEqualTo(n * (16 + 16 + 16L)); // header, one padded block, tag
            }
        }
    }

    @Test
    void theIpHandlersDropsAreExported() throws Exception {
        NodeConfig config = NodeConfig.builder(OperateTest.key(1)).listenAddress(LOOPBACK).handler("ip")
                .metricsListen(new InetSocketAddress(LOOPBACK, 0))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("198.18.0.2/32")), null,
                        Duration.ZERO))
                .build();
        try (RunningGateway gw = RunningGateway.start(config, PluginRegistry.load(), dataDir);
             PosternNode peer = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                     .peer(PeerConfig.of(gw.node().publicKey(), Endpoint.of(LOOPBACK, gw.node().localEndpoint().port())))
                     .handler(new PosternNodeTest.CapturingHandler()).build())) {
            assertThat(scrape(gw)).containsEntry("postern_ip_dropped_packets_total{reason=\"bad_version\"}", 0.0)
                    .containsEntry("postern_ip_echo_replies_total", 0.0)
                    .containsEntry("postern_ip_forwarded_packets_total", 0.0)
                    .containsEntry("postern_transport_errors_total", 0.0);
            int n = 3;
            for (int i = 0; i < n; i++) {
                byte[] notIp = ("packet " + i).getBytes(StandardCharsets.UTF_8); // version nibble 7
                peer.engine().send(gw.node().publicKey(), notIp, 0, notIp.length);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Map<String, Double> after = scrape(gw);
            while (after.get("postern_ip_dropped_packets_total{reason=\"bad_version\"}") < n) {
                assertThat(System.nanoTime()).as("drops counted in time").isLessThan(deadline);
                Thread.sleep(10);
                after = scrape(gw);
            }
            assertThat(after).containsEntry("postern_ip_dropped_packets_total{reason=\"bad_version\"}", (double) n)
                    .containsEntry("postern_ip_dropped_packets_total{reason=\"too_short\"}", 0.0);
        }
    }

    @Test
    void theEchoHandlerHasNoIpCounters() throws Exception {
        NodeConfig config = NodeConfig.builder(OperateTest.key(1)).listenAddress(LOOPBACK)
                .metricsListen(new InetSocketAddress(LOOPBACK, 0)).build();
        try (RunningGateway gw = RunningGateway.start(config, PluginRegistry.load(), dataDir)) {
            assertThat(scrape(gw)).containsEntry("postern_transport_errors_total", 0.0)
                    .doesNotContainKey("postern_ip_echo_replies_total");
        }
    }

    @Test
    void metricsListenMustBeLoopback() {
        assertThatThrownBy(() -> WgQuickConfigParser.parse("p.conf", List.of("[Interface]",
                "PrivateKey = " + OperateTest.key(1).toBase64(), "MetricsListen = 0.0.0.0:9586")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("p.conf:3: MetricsListen: '0.0.0.0:9586' is not a loopback address; metrics are served on "
                        + "loopback only (e.g. 127.0.0.1:9586 or [::1]:9586)");
        NodeConfig ok = WgQuickConfigParser.parse("p.conf", List.of("[Interface]",
                "PrivateKey = " + OperateTest.key(1).toBase64(), "MetricsListen = [::1]:9586"));
        assertThat(ok.metricsListen().getPort()).isEqualTo(9586);
        assertThat(ok.metricsListen().getAddress().isLoopbackAddress()).isTrue();
        assertThat(WgQuickConfigParser.parse("p.conf", List.of("[Interface]", "PrivateKey = " + OperateTest.key(1).toBase64()))
                .metricsListen()).as("off by default").isNull();
    }
}
