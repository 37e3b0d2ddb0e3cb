package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.engine.PeerConfig;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.key.StaticKeyPair;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.crypto.X25519;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes on loopback: a gateway (echo handler) and a Java peer (a capturing handler). */
class PosternNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final X25519 X25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();

    private final List<PosternNode> nodes = new CopyOnWriteArrayList<>();

    record Packet(PublicKey from, byte[] payload) {}

    /** Keeps what arrives; the same engine as the gateway's, just another handler. */
    static final class CapturingHandler implements PacketHandler {
        final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public String description() {
            return "keeps every payload for the test";
        }

        @Override
        public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
            packets.add(new Packet(peer, Arrays.copyOfRange(buffer, offset, offset + length)));
        }
    }

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

    private static Endpoint loopback(PosternNode node) {
        return Endpoint.of(LOOPBACK, node.localEndpoint().port());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void peerHandshakesWithTheGatewayAndGetsItsPayloadEchoed() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).admission("open").build());
        CapturingHandler captured = new CapturingHandler();
        List<GatewayEvent> peerEvents = new CopyOnWriteArrayList<>();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gateway.publicKey(), gateway.localEndpoint()))
                .handler(captured).listener(peerEvents::add).build());

        byte[] payload = "hello postern".getBytes(StandardCharsets.UTF_8);
        assertThat(peer.engine().send(gateway.publicKey(), payload, 0, payload.length)).isTrue();

        Packet echo = captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(echo).as("echo within %s", WAIT).isNotNull();
        assertThat(echo.from()).isEqualTo(gateway.publicKey());
        // WireGuard pads payloads to a multiple of 16 with zeros; the echo carries the padding back
        assertThat(Arrays.copyOf(echo.payload(), payload.length)).isEqualTo(payload);
        assertThat(echo.payload().length % 16).isZero();

        assertThat(peerEvents).anySatisfy(e -> assertThat(e).isInstanceOf(GatewayEvent.HandshakeCompleted.class));
        assertThat(peer.engine().peer(gateway.publicKey())).get()
                .extracting(s -> s.state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gateway.engine().peer(peer.publicKey())).get()
                .satisfies(s -> assertThat(s.configured()).isFalse())
                .satisfies(s -> assertThat(s.endpoint()).isEqualTo(peer.localEndpoint()));
    }

    @Test
    void onTheUdpLinuxTransportAPeerHandshakesAndABurstIsEchoedWhole() throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux")
                && PluginRegistry.load().transports().names().contains("udp-linux"), "udp-linux runs on Linux only");
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).admission("open")
                .transport("udp-linux").build());
        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).transport("udp-linux")
                .peer(PeerConfig.of(gateway.publicKey(), gateway.localEndpoint())).handler(captured).build());
        byte[] first = new byte[64];
        assertThat(peer.engine().send(gateway.publicKey(), first, 0, first.length)).isTrue();
        assertThat(captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("first echo").isNotNull();
        // a burst: the gateway answers it from its receive thread, in sendmmsg batches (GSO where the kernel has it)
        for (int i = 0; i < 40; i++) {
            byte[] payload = new byte[1200];
            Arrays.fill(payload, (byte) i);
            assertThat(peer.engine().send(gateway.publicKey(), payload, 0, payload.length)).isTrue();
        }
        java.util.Set<Byte> seen = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            Packet echo = captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(echo).as("echo %d of the burst", i).isNotNull();
            assertThat(echo.payload()).hasSize(1200);
            seen.add(echo.payload()[0]);
        }
        assertThat(seen).hasSize(40);
        assertThat(gateway.engine().peer(peer.publicKey())).get()
                .satisfies(s -> assertThat(s.endpoint()).isEqualTo(peer.localEndpoint()));
    }

    @Test
    void theDefaultWildcardBindServesIpv4PeersAndEchoes() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).admission("open").build());
        assertThat(gateway.localEndpoint().ip().isAnyLocalAddress()).isTrue();
        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gateway.publicKey(), loopback(gateway))).handler(captured).build());

        byte[] payload = new byte[] {1, 2, 3};
        peer.engine().send(gateway.publicKey(), payload, 0, payload.length);
        assertThat(captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("echo").isNotNull();
        // the gateway's dual-stack socket saw the peer as a plain IPv4 endpoint
        assertThat(gateway.engine().peer(peer.publicKey())).get()
                .satisfies(s -> assertThat(s.endpoint()).isEqualTo(peer.localEndpoint()));
    }

    @Test
    void anAllowlistGatewayDoesNotAdmitAnUnconfiguredPeer() throws Exception {
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).build());
        CapturingHandler captured = new CapturingHandler();
        PosternNode stranger = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gateway.publicKey(), gateway.localEndpoint())).handler(captured).build());

        stranger.engine().send(gateway.publicKey(), new byte[] {9}, 0, 1);
        await("the gateway to refuse the stranger", () -> gateway.engine().counters().drops(DropReason.NOT_ADMITTED) > 0);
        assertThat(gateway.engine().peer(stranger.publicKey())).isEmpty();
        assertThat(captured.packets).isEmpty();
    }

    @Test
    void anAllowlistGatewayAdmitsItsConfiguredPeer() throws Exception {
        StaticKeyPair peerIdentity = X25519.generateKeyPair();
        PosternNode gateway = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(peerIdentity.publicKey(), null)).build());
        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(peerIdentity.privateKey()).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gateway.publicKey(), gateway.localEndpoint())).handler(captured).build());
        assertThat(peer.publicKey()).isEqualTo(peerIdentity.publicKey());

        peer.engine().send(gateway.publicKey(), new byte[] {7, 7}, 0, 2);
        assertThat(captured.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("echo").isNotNull();
        assertThat(gateway.engine().peer(peer.publicKey())).get().satisfies(s -> assertThat(s.configured()).isTrue());
    }

    @Test
    void aNodeStartsFromAConfigFileWithOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("postern.conf");
        Files.writeString(file, """
                [Interface]
                PrivateKey = %s
                ListenPort = 51820
                SessionPolicy = keep-both
                Admission = open
                """.formatted(newKey().toBase64()));
        PosternNode node = start(NodeConfig.load(file).toBuilder().listenAddress(LOOPBACK).listenPort(0).build());
        assertThat(node.sessionPolicy()).isEqualTo("keep-both");
        assertThat(node.localEndpoint().port()).isNotEqualTo(51820).isPositive();
        assertThat(node.publicKey()).isEqualTo(X25519.publicKey(NodeConfig.load(file).privateKey()));
    }

    @Test
    void anUnknownPluginFailsBeforeAnythingIsBound() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        NodeConfig bad = NodeConfig.builder(newKey()).listenAddress(LOOPBACK).listenPort(port).sessionPolicy("foo").build();
        assertThatThrownBy(() -> start(bad)).isInstanceOf(ConfigException.class)
                .hasMessage("SessionPolicy 'foo' not found; available: keep-both, reject-while-bound, reset-on-identity-change");
        // the port is still free
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aBusyPortFailsWithTheAddressAndLeavesNothingRunning() throws Exception {
        try (DatagramSocket busy = new DatagramSocket(0, LOOPBACK)) {
            NodeConfig config = NodeConfig.builder(newKey()).listenAddress(LOOPBACK).listenPort(busy.getLocalPort()).build();
            assertThatThrownBy(() -> start(config)).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("127.0.0.1:" + busy.getLocalPort());
        }
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() throws Exception {
        PosternNode node = PosternNode.start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).build());
        int port = node.localEndpoint().port();
        node.close();
        node.close();
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
