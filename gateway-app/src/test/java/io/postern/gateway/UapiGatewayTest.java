package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.gateway.uapi.HexKey;
import io.postern.gateway.uapi.UapiServer;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireGuard's userspace API on a running gateway, byte for byte: what wireguard-go's
 * {@code device/uapi.go} answers and accepts, checked over the raw socket (the netns test in
 * {@code it} checks it with the real {@code wg}).
 */
class UapiGatewayTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private RunningGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private Path start(NodeConfig.Builder config) throws IOException {
        Path socket = UapiServer.socketFor(dir.resolve("run/wireguard"), "wg7");
        gateway = RunningGateway.start(config.listenAddress(LOOPBACK).build(), PluginRegistry.load(), dir.resolve("data"), socket);
        return socket;
    }

    private static String hex(PublicKey k) {
        return HexKey.encode(k.toBytes());
    }

    /** Sends raw bytes, reads until the connection is closed by us after {@code answers} blank-line-ended answers. */
    private static String exchange(Path socket, String request, int answers) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(c);
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = Channels.newInputStream(c);
            StringBuilder s = new StringBuilder();
            int seen = 0;
            int b;
            while (seen < answers && (b = in.read()) >= 0) {
                s.append((char) b);
                if (s.length() >= 2 && s.charAt(s.length() - 1) == '\n' && s.charAt(s.length() - 2) == '\n') {
                    seen++;
                }
            }
            return s.toString();
        }
    }

    private PeerConfig configured(PublicKey k) {
        PeerStatus s = gateway.node().engine().peer(k).orElseThrow();
        return new PeerConfig(k, PresharedKey.NONE, s.allowedIps(), s.endpoint(), Duration.ZERO);
    }

    @Test
    void getAnswersAsWireguardGoWithPosternsKeysAfterTheStandardOnes() throws Exception {
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 0xab);
        Path socket = start(NodeConfig.builder(OperateTest.key(1))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.of(psk),
                        List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("fd00::2/128")),
                        Endpoint.parse("127.0.0.1:9"), Duration.ofSeconds(25))));
        int port = gateway.node().localEndpoint().port();

        String answer = exchange(socket, "get=1\n\n", 1);

        assertThat(answer).isEqualTo("private_key=" + "01".repeat(32) + "\n"
                + "listen_port=" + port + "\n"
                + "postern_public_key=" + gateway.node().publicKey().toBase64() + "\n"
                + "postern_listen_endpoint=127.0.0.1:" + port + "\n"
                + "postern_policy=reset-on-identity-change\n"
                + answer.lines().filter(l -> l.startsWith("postern_time_ms=")).findFirst().orElseThrow() + "\n"
                + "public_key=" + hex(OperateTest.pub(2)) + "\n"
                + "preshared_key=" + "ab".repeat(32) + "\n"
                + "protocol_version=1\n"
                + "endpoint=127.0.0.1:9\n"
                + "last_handshake_time_sec=0\n"
                + "last_handshake_time_nsec=0\n"
                + "tx_bytes=0\n"
                + "rx_bytes=0\n"
                + "persistent_keepalive_interval=25\n"
                + "allowed_ip=10.0.0.2/32\n"
                + "allowed_ip=fd00::2/128\n"
                + "postern_configured=true\n"
                + "postern_configured_endpoint=127.0.0.1:9\n"
                + "postern_state=NONE\n"
                + "errno=0\n\n");
    }

    @Test
    void socketIsOwnerOnlyInADirectoryCreatedOwnerOnly() throws Exception {
        Path socket = start(NodeConfig.builder(OperateTest.key(1)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
        assertThat(gateway.uapiSocket()).contains(socket);
        gateway.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void setAddsChangesAndRemovesPeersAsWgSetDoes() throws Exception {
        Path socket = start(NodeConfig.builder(OperateTest.key(1))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null,
                        Duration.ZERO)));
        PublicKey two = OperateTest.pub(2);
        PublicKey three = OperateTest.pub(3);

        // a new peer that takes 10.0.0.2/32 from peer 2 (an allowed IP belongs to one peer), several operations on one connection
        String answers = exchange(socket, "set=1\npublic_key=" + hex(three) + "\nendpoint=127.0.0.1:7\n"
                + "persistent_keepalive_interval=30\nreplace_allowed_ips=true\nallowed_ip=10.0.0.3/32\n"
                + "allowed_ip=10.0.0.2/32\n\nget=1\n\n", 2);
        assertThat(answers).startsWith("errno=0\n\nprivate_key=");
        assertThat(configured(three).allowedIps()).containsExactly(IpPrefix.parse("10.0.0.3/32"), IpPrefix.parse("10.0.0.2/32"));
        assertThat(configured(three).endpoint()).isEqualTo(Endpoint.parse("127.0.0.1:7"));
        assertThat(configured(two).allowedIps()).isEmpty();

        // allowed_ip=-CIDR removes one; update_only leaves an absent peer absent; removing an absent peer succeeds
        assertThat(exchange(socket, "set=1\npublic_key=" + hex(three) + "\nallowed_ip=-10.0.0.2/32\n"
                + "public_key=" + hex(OperateTest.pub(4)) + "\nupdate_only=true\nallowed_ip=10.0.0.4/32\n"
                + "public_key=" + hex(OperateTest.pub(5)) + "\nremove=true\n\n", 1)).isEqualTo("errno=0\n\n");
        assertThat(configured(three).allowedIps()).containsExactly(IpPrefix.parse("10.0.0.3/32"));
        assertThat(gateway.node().engine().peer(OperateTest.pub(4))).isEmpty();

        // replace_peers: only the listed peers remain
        assertThat(exchange(socket, "set=1\nreplace_peers=true\npublic_key=" + hex(two) + "\nallowed_ip=10.0.0.2/32\n\n", 1))
                .isEqualTo("errno=0\n\n");
        assertThat(gateway.node().engine().peer(three)).isEmpty();
        assertThat(configured(two).allowedIps()).containsExactly(IpPrefix.parse("10.0.0.2/32"));

        assertThat(exchange(socket, "set=1\npublic_key=" + hex(two) + "\nremove=true\n\n", 1)).isEqualTo("errno=0\n\n");
        assertThat(gateway.node().engine().peers()).isEmpty();
    }

    @Test
    void aRefusedSetChangesNothingAndAnswersWireguardGosErrno() throws Exception {
        Path socket = start(NodeConfig.builder(OperateTest.key(1))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null,
                        Duration.ZERO)));
        String three = hex(OperateTest.pub(3));
        int port = gateway.node().localEndpoint().port();
        // a good first peer, then a bad line: nothing of it applies
        assertThat(exchange(socket, "set=1\npublic_key=" + three + "\nallowed_ip=10.0.0.3/32\nallowed_ip=10.0.0.300/32\n\n", 1))
                .isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "set=1\npublic_key=" + three + "\nbogus_key=1\n\n", 1)).isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "set=1\npublic_key=" + three + "\nremove=yes\n\n", 1)).isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "set=1\npublic_key=abcd\n\n", 1)).isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "set=1\npublic_key=" + three + "\nno equals sign\n\n", 1)).isEqualTo("errno=-71\n\n");
        assertThat(exchange(socket, "set=1\nprivate_key=" + "02".repeat(32) + "\n\n", 1)).isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "set=1\nlisten_port=" + (port == 65535 ? 1 : port + 1) + "\n\n", 1)).isEqualTo("errno=-22\n\n");
        assertThat(exchange(socket, "get=1\nX", 1)).isEqualTo("errno=-22\n\n");
        assertThat(gateway.node().engine().peer(OperateTest.pub(3))).isEmpty();
        assertThat(configured(OperateTest.pub(2)).allowedIps()).containsExactly(IpPrefix.parse("10.0.0.2/32"));

        // what wg syncconf sends from a stripped file: the same private key and port are accepted
        assertThat(exchange(socket, "set=1\nprivate_key=" + "01".repeat(32) + "\nlisten_port=" + port + "\n\n", 1))
                .isEqualTo("errno=0\n\n");
        // and from a file without ListenPort wg sends listen_port=0 (any port): the current one stays
        assertThat(exchange(socket, "set=1\nprivate_key=" + "01".repeat(32) + "\nlisten_port=0\nfwmark=0\n\n", 1))
                .isEqualTo("errno=0\n\n");
        assertThat(gateway.node().localEndpoint().port()).isEqualTo(port);
        // an unknown operation closes the connection without an answer, as in wireguard-go
        assertThat(exchange(socket, "frobnicate=1\n\n", 1)).isEmpty();
    }

    @Test
    void anUnchangedPeerKeepsItsSessionThroughASet() throws Exception {
        PosternNodeTest.CapturingHandler handler = new PosternNodeTest.CapturingHandler();
        Path socket = start(NodeConfig.builder(OperateTest.key(1))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null,
                        Duration.ZERO)));
        PublicKey gw = gateway.node().publicKey();
        try (PosternNode client = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gw, Endpoint.of(LOOPBACK, gateway.node().localEndpoint().port())))
                .handler(handler).build())) {
            byte[] p = "hello".getBytes(StandardCharsets.UTF_8);
            client.engine().initiateHandshake(gw);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!client.engine().send(gw, p, 0, p.length) || handler.packets.poll(100, TimeUnit.MILLISECONDS) == null) {
                assertThat(System.nanoTime()).as("echo within 15 s").isLessThan(deadline);
            }
            String before = exchange(socket, "get=1\n\n", 1);
            assertThat(before).contains("last_handshake_time_sec=" + gateway.node().engine().peer(OperateTest.pub(2))
                    .orElseThrow().lastHandshake().getEpochSecond() + "\n").contains("postern_state=ESTABLISHED\n")
                    .containsPattern("rx_bytes=[1-9]");

            // what wg syncconf sends for an unchanged peer
            assertThat(exchange(socket, "set=1\npublic_key=" + hex(OperateTest.pub(2))
                    + "\nreplace_allowed_ips=true\nallowed_ip=10.0.0.2/32\n\n", 1)).isEqualTo("errno=0\n\n");
            assertThat(gateway.node().engine().peer(OperateTest.pub(2)).orElseThrow().state().name()).isEqualTo("ESTABLISHED");
            assertThat(client.engine().send(gw, p, 0, p.length)).isTrue();
            assertThat(handler.packets.poll(15, TimeUnit.SECONDS)).as("echo after the set, same session").isNotNull();
        }
    }

    @Test
    void whatTheIpHandlerDropsIsCountedInGetAndShow() throws Exception {
        Path socket = start(NodeConfig.builder(OperateTest.key(1)).handler("ip").address(IpPrefix.parse("10.0.0.1/24"))
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")), null,
                        Duration.ZERO)));
        PublicKey gw = gateway.node().publicKey();
        try (PosternNode client = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                .peer(PeerConfig.of(gw, Endpoint.of(LOOPBACK, gateway.node().localEndpoint().port()))).build())) {
            client.engine().initiateHandshake(gw);
            byte[] notIp = {0x45, 0, 0};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String get = "";
            while (!get.contains("postern_ip_dropped=too_short ")) {
                assertThat(System.nanoTime()).as("the drop counted within 15 s").isLessThan(deadline);
                client.engine().send(gw, notIp, 0, notIp.length);
                Thread.sleep(50);
                get = exchange(socket, "get=1\n\n", 1);
            }
            String text = StatusText.format(io.postern.gateway.admin.GatewayStatus.fromUapi(
                    get.lines().filter(l -> !l.isEmpty() && !l.startsWith("errno=")).toList()), "wg7");
            assertThat(text).containsPattern("ip handler dropped: \\d+ too short\n");
        }
    }

    @Test
    void aSecondGatewayWithTheSameNameIsRefusedAndAStaleSocketTakenOver() throws Exception {
        Path stale = UapiServer.socketFor(dir.resolve("run/wireguard"), "wg7");
        Files.createDirectories(stale.getParent());
        try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale)); // a process that died: its socket file stays, nothing answers
        }
        assertThat(stale).exists();
        Path socket = start(NodeConfig.builder(OperateTest.key(1)));
        assertThat(socket).isEqualTo(stale);
        try {
            RunningGateway.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK).build(), PluginRegistry.load(),
                    dir.resolve("data2"), socket).close();
            throw new AssertionError("a second gateway bound the same UAPI socket");
        } catch (IOException expected) {
            assertThat(expected).hasMessageContaining(socket.toString());
        }
        assertThat(exchange(socket, "get=1\n\n", 1)).startsWith("private_key=" + "01".repeat(32));
    }
}
