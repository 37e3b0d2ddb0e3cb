package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.postern.engine.PeerConfig;
import io.postern.gateway.PosternNodeTest.CapturingHandler;
import io.postern.gateway.PosternNodeTest.Packet;
import io.postern.key.PrivateKey;
import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.PluginConfig;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import io.postern.spi.crypto.X25519;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Transport = udp} (the default) binds the batched {@code udp-linux} where it binds and the
 * portable {@code udp} elsewhere or when {@code [Plugin.udp] Batched = false}; traffic is the same either way.
 */
class UdpTransportChoiceTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final X25519 X25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();
    /** A key only udp-linux's counters have: how the tests tell which implementation a node bound. */
    private static final String BATCHED_COUNTER = "udp_gso_segmented";

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

    private static boolean udpLinuxBindsHere() {
        try (Transport t = PluginRegistry.load().transports().select("udp-linux").bind(new InetSocketAddress(LOOPBACK, 0))) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static NodeConfig config(PrivateKey key, String... extra) {
        List<String> lines = new java.util.ArrayList<>(List.of("[Interface]", "PrivateKey = " + key.toBase64(),
                "ListenAddress = 127.0.0.1", "Admission = open"));
        lines.addAll(List.of(extra));
        return WgQuickConfigParser.parse("postern.conf", lines);
    }

    @Test
    void theDefaultUdpIsTheBatchedImplementationWhereItBindsAndCarriesAnEcho() throws Exception {
        assumeTrue(udpLinuxBindsHere(), "udp-linux does not bind here (not Linux x86_64/aarch64)");
        PosternNode gateway = start(config(newKey()));
        assertThat(gateway.transportCounters()).containsKey(BATCHED_COUNTER);
        assertThat(gateway.localEndpoint().transport()).isEqualTo("udp");

        CapturingHandler captured = new CapturingHandler();
        PosternNode peer = start(NodeConfig.builder(newKey()).listenAddress(LOOPBACK).handler(captured)
                .peer(PeerConfig.of(gateway.publicKey(), Endpoint.of(LOOPBACK, gateway.localEndpoint().port()))).build());
        byte[] payload = "through udp-linux".getBytes(StandardCharsets.UTF_8);
        assertThat(peer.engine().send(gateway.publicKey(), payload, 0, payload.length)).isTrue();
        Packet echo = captured.packets.poll(15, TimeUnit.SECONDS);
        assertThat(echo).isNotNull();
        assertThat(Arrays.copyOf(echo.payload(), payload.length)).isEqualTo(payload);
    }

    @Test
    void batchedFalseKeepsThePortableImplementationAndAMistakeNamesTheLine() throws Exception {
        PosternNode gateway = start(config(newKey(), "[Plugin.udp]", "Batched = false"));
        assertThat(gateway.transportCounters()).doesNotContainKey(BATCHED_COUNTER);
        assertThat(gateway.localEndpoint().transport()).isEqualTo("udp");

        assertThatThrownBy(() -> start(config(newKey(), "[Plugin.udp]", "Batched = maybe")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("postern.conf:6: [Plugin.udp] Batched: ");
        assertThatThrownBy(() -> start(config(newKey(), "[Plugin.udp]", "Bached = false")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("postern.conf:6: [Plugin.udp] Bached: ");
    }

    @Test
    void namingUdpLinuxBesideUdpDoesNotBindItTwice() {
        TransportProvider udp = PluginRegistry.load().select(config(newKey(), "Transport = udp, udp-linux")).transports().getFirst();
        assertThat(udp).isNotInstanceOf(PreferredTransport.class);
        TransportProvider preferred = PluginRegistry.load().select(config(newKey())).transports().getFirst();
        assertThat(preferred).isInstanceOf(PreferredTransport.class);
        assertThat(((PreferredTransport) preferred).faster().name()).isEqualTo("udp-linux");
    }

    /** A transport that only records that it was bound. */
    private record Bound(Endpoint localEndpoint) implements Transport {
        @Override
        public void start(DatagramReceiver receiver) {}

        @Override
        public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
            return false;
        }

        @Override
        public void close() {}
    }

    private record Provider(String name, IOException failure) implements TransportProvider {
        @Override
        public String description() {
            return name;
        }

        @Override
        public Transport bind(InetSocketAddress local) throws IOException {
            if (failure != null) {
                throw failure;
            }
            return new Bound(Endpoint.of(local.getAddress(), 1234));
        }
    }

    @Test
    void whereTheFasterOneCannotBindThePortableOneIsBound() throws Exception {
        InetSocketAddress local = new InetSocketAddress(LOOPBACK, 0);
        PreferredTransport p = new PreferredTransport(new Provider("udp", null),
                new Provider("udp-linux", new IOException("udp-linux is not available here: not Linux")));
        p.configure(PluginConfig.empty("udp", "test"));
        assertThat(p.name()).isEqualTo("udp");
        assertThat(p.bind(local)).isInstanceOf(Bound.class);

        PreferredTransport bothFail = new PreferredTransport(new Provider("udp", new IOException("EADDRINUSE")),
                new Provider("udp-linux", new IOException("EADDRINUSE too")));
        bothFail.configure(PluginConfig.empty("udp", "test"));
        assertThatThrownBy(() -> bothFail.bind(local)).hasMessage("EADDRINUSE")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("EADDRINUSE too"));
    }
}
