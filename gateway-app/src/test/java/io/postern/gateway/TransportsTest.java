package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.gateway.PosternNodeTest.CapturingHandler;
import io.postern.gateway.PosternNodeTest.Packet;
import io.postern.key.PrivateKey;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.X25519;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several transports in one node ({@code Transport = udp, tcp}) and plugin settings: a session roams
 * from UDP to TCP and back on authenticated packets without a new handshake; a peer reaches the
 * gateway over TCP only (Postern dialling as the client); {@code [Plugin.NAME]} sections reach their
 * plugin, and every mistake in them names file, line and key.
 */
class TransportsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final X25519 X25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();

    private final List<PosternNode> nodes = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(PosternNode::close);
    }

    private PosternNode start(NodeConfig config) throws Exception {
        PosternNode node = PosternNode.start(config);
        nodes.add(node);
        return node;
    }

    private static PrivateKey newKey() {
        return X25519.generateKeyPair().privateKey();
    }

    private static Endpoint loopback(PosternNode node, String transport) {
        return Endpoint.of(transport, LOOPBACK, node.localEndpoint(transport).port());
    }

    private static void assertEcho(PosternNode peer, PosternNode gateway, CapturingHandler captured, String text)
            throws InterruptedException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        assertThat(peer.engine().send(gateway.publicKey(), payload, 0, payload.length)).isTrue();
        Packet echo = captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(echo).as("echo of '%s' within %s", text, WAIT).isNotNull();
        assertThat(Arrays.copyOf(echo.payload(), payload.length)).isEqualTo(payload);
    }

    @Test
    void aSessionRoamsFromUdpToTcpAndBackWithoutANewHandshake() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).admission("open")
                .transport("udp, tcp").build());
        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).transport("udp, tcp")
                .peer(PeerConfig.of(gateway.publicKey(), loopback(gateway, "udp"))).handler(captured).build());

        assertEcho(peer, gateway, captured, "over udp");
        assertThat(gateway.engine().peer(peer.publicKey()).orElseThrow().endpoint().transport()).isEqualTo("udp");
        long handshakes = gateway.engine().counters().handshakesCompleted();

        // UDP is blocked from now on: the peer's gateway endpoint becomes the TCP one
        peer.engine().addOrUpdatePeer(PeerConfig.of(gateway.publicKey(), loopback(gateway, "tcp")));
        assertEcho(peer, gateway, captured, "over tcp");
        Endpoint seen = gateway.engine().peer(peer.publicKey()).orElseThrow().endpoint();
        assertThat(seen.transport()).isEqualTo("tcp");
        assertThat(seen.toString()).startsWith("tcp://127.0.0.1:");
        assertThat(gateway.engine().counters().handshakesCompleted()).as("the session was kept").isEqualTo(handshakes);
        assertThat(gateway.transportCounters()).containsEntry("tcp_accepted", 1L);
        assertThat(peer.transportCounters()).containsEntry("tcp_dialled", 1L);

        peer.engine().addOrUpdatePeer(PeerConfig.of(gateway.publicKey(), loopback(gateway, "udp")));
        assertEcho(peer, gateway, captured, "udp again");
        assertThat(gateway.engine().peer(peer.publicKey()).orElseThrow().endpoint().transport()).isEqualTo("udp");
        assertThat(gateway.engine().counters().handshakesCompleted()).isEqualTo(handshakes);
    }

    @Test
    void aPeerReachesAGatewayOverTcpOnly() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).admission("open")
                .transport("tcp").build());
        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).transport("tcp")
                .peer(PeerConfig.of(gateway.publicKey(), Endpoint.parse("tcp://127.0.0.1:" + gateway.localEndpoint().port())))
                .handler(captured).build());
        assertEcho(peer, gateway, captured, "tcp only");
        assertThat(gateway.localEndpoint().transport()).isEqualTo("tcp");
    }

    @Test
    void aTransportListensWhereItsSectionSays() throws Exception {
        NodeConfig config = WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]",
                "PrivateKey = " + newKey().toBase64(),
                "ListenAddress = 127.0.0.1",
                "Transport = udp, tcp",
                "[Plugin.tcp]",
                "Listen = 127.0.0.2:0",
                "MaxConnectionsPerIp = 2"));
        PosternNode gateway = start(config);
        assertThat(gateway.localEndpoint("tcp").ip().getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(gateway.localEndpoint("udp").ip().getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> gateway.localEndpoint("quic")).hasMessageContaining("no transport 'quic'");
    }

    @Test
    void hostileTcpConnectionsLeaveEstablishedUdpAndTcpSessionsAlone() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).admission("open")
                .transport("udp, tcp").pluginSettings(io.postern.spi.PluginConfig.of("tcp", "test", List.of(
                        new io.postern.spi.PluginConfig.Setting("MaxConnectionsPerIp", "8", 1),
                        new io.postern.spi.PluginConfig.Setting("FrameTimeout", "300ms", 2)))).build());
        CapturingHandler overUdp = new CapturingHandler();
        PosternNode udpPeer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gateway.publicKey(), loopback(gateway, "udp"))).handler(overUdp).build());
        CapturingHandler overTcp = new CapturingHandler();
        PosternNode tcpPeer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).transport("tcp")
                .peer(PeerConfig.of(gateway.publicKey(), loopback(gateway, "tcp"))).handler(overTcp).build());
        assertEcho(udpPeer, gateway, overUdp, "udp before");
        assertEcho(tcpPeer, gateway, overTcp, "tcp before");
        long handshakes = gateway.engine().counters().handshakesCompleted();

        int port = gateway.localEndpoint("tcp").port();
        List<java.net.Socket> hostile = new java.util.ArrayList<>();
        try {
            // a flood from many ports: the tcp peer holds one connection from 127.0.0.1, so 7 more fit
            for (int i = 0; i < 40; i++) {
                hostile.add(new java.net.Socket(LOOPBACK, port));
            }
            hostile.get(0).getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff}); // oversize
            hostile.get(1).getOutputStream().write(new byte[] {0, 0});                     // zero length
            hostile.get(2).getOutputStream().write(new byte[] {0, 120, 1});                // slowloris
            hostile.get(3).getOutputStream().write(new byte[] {0, 4, 1, 2, 3, 4});         // garbage datagram
            long deadline = System.nanoTime() + WAIT.toNanos();
            // first every connection of the flood accepted or refused (before that, few are open yet)
            while (gateway.transportCounters().get("tcp_accepted")
                    + gateway.transportCounters().get("tcp_refused_max_per_ip") < 41) {
                assertThat(System.nanoTime()).as("the flood accepted or refused within %s", WAIT).isLessThan(deadline);
                Thread.sleep(20);
            }
            // left open: the tcp peer's, and the one whose garbage was a whole frame (the engine dropped it)
            while (gateway.transportCounters().get("tcp_connections_open") > 2) {
                assertThat(System.nanoTime()).as("hostile connections closed within %s", WAIT).isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            for (java.net.Socket h : hostile) {
                h.close();
            }
        }
        // the tcp peer's connection and 7 hostile ones fit under MaxConnectionsPerIp = 8; a silent one closed
        // by its FrameTimeout while the flood is still being accepted frees a slot, so count by relations
        Map<String, Long> c = gateway.transportCounters();
        long accepted = c.get("tcp_accepted");
        assertThat(accepted + c.get("tcp_refused_max_per_ip")).isEqualTo(41L);
        assertThat(c.get("tcp_refused_max_per_ip")).isGreaterThanOrEqualTo(25L);
        assertThat(c).containsEntry("tcp_closed_oversize", 1L).containsEntry("tcp_closed_zero_length", 1L)
                .containsEntry("tcp_closed_idle", 0L);
        // every other hostile connection (slowloris, and those that never sent a frame) hit the frame deadline;
        // left open: the tcp peer's and the one whose garbage was a whole frame
        assertThat(c.get("tcp_closed_frame_timeout")).isEqualTo(accepted - 4);
        assertEcho(udpPeer, gateway, overUdp, "udp after");
        assertEcho(tcpPeer, gateway, overTcp, "tcp after");
        assertThat(gateway.engine().counters().handshakesCompleted()).as("no session was lost").isEqualTo(handshakes);
    }

    @Test
    void pluginSettingMistakesNameFileLineAndKey() {
        String key = newKey().toBase64();
        assertThatThrownBy(() -> start(WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key, "Transport = udp, tcp",
                "[Plugin.tcp]", "MaxFrame = 70000"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("postern.conf:5: [Plugin.tcp] MaxFrame: '70000' is outside 148-65535");
        assertThatThrownBy(() -> start(WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key, "Transport = tcp",
                "[Plugin.tcp]", "IdleTimeout = soon"))))
                .hasMessage("postern.conf:5: [Plugin.tcp] IdleTimeout: 'soon' is not a duration (e.g. 250ms, 30s, 5m, 1h, or seconds)");
        assertThatThrownBy(() -> start(WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key,
                "[Plugin.tcp]", "MaxFrame = 2000"))))
                .hasMessageStartingWith("postern.conf:3: [Plugin.tcp] is for no plugin in use; the configuration selects ");
        assertThatThrownBy(() -> start(WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key,
                "[Plugin.echo]", "Loud = yes"))))
                .hasMessage("postern.conf:3: [Plugin.echo]: plugin echo takes no settings (it is not io.postern.spi.Configurable)");
        assertThatThrownBy(() -> start(WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key, "Transport = udp, tcp",
                "[Plugin.tcp]", "Listen = somewhere"))))
                .hasMessageStartingWith("postern.conf:5: [Plugin.tcp] Listen: ");
        assertThatThrownBy(() -> WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key, "Transport = udp, udp")))
                .hasMessage("postern.conf:3: Transport: names transport 'udp' twice");
        assertThatThrownBy(() -> WgQuickConfigParser.parse("postern.conf", List.of(
                "[Interface]", "PrivateKey = " + key, "[Plugin.tcp]", "A = 1", "[Plugin.tcp]")))
                .hasMessage("postern.conf:5: second [Plugin.tcp] section (the first is on line 3)");
    }
}
