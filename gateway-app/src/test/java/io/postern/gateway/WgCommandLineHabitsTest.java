package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.gateway.uapi.UapiServer;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern show/set/syncconf/showconf} take wg's command-line habits: an interface name or
 * nothing, {@code peer KEY}, {@code show all}, {@code syncconf NAME -} with only {@code [Peer]}
 * sections, {@code showconf}; they speak WireGuard's userspace API to the gateway.
 */
class WgCommandLineHabitsTest {
    @TempDir
    Path dir;

    private RunningGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    record Result(int code, String out, String err) {}

    private Result cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(UpCommand.DATA_DIR_ENV, dir.resolve("data").toString(), UpCommand.UAPI_DIR_ENV, dir.resolve("run").toString()));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void start() throws Exception {
        gateway = RunningGateway.start(NodeConfig.builder(OperateTest.key(1)).listenAddress(InetAddress.getLoopbackAddress())
                .peer(new PeerConfig(OperateTest.pub(2), PresharedKey.NONE, List.of(IpPrefix.parse("10.0.0.2/32")),
                        Endpoint.parse("127.0.0.1:9"), Duration.ofSeconds(25)))
                .build(), PluginRegistry.load(), dir.resolve("data"), UapiServer.socketFor(dir.resolve("run"), "wg9"));
    }

    @Test
    void setTakesAnInterfaceNameAndThePeerWordAsWgDoes() throws Exception {
        start();
        Result r = cli("", "set", "wg9", "peer", OperateTest.pub(3).toBase64(), "allowed-ips", "10.0.0.3/32");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(gateway.node().engine().peer(OperateTest.pub(3)).orElseThrow().allowedIps())
                .containsExactly(IpPrefix.parse("10.0.0.3/32"));
        // and without a name: the gateway of the data directory, the same one here
        assertThat(cli("", "set", "peer", OperateTest.pub(3).toBase64(), "remove").code()).isZero();
        assertThat(gateway.node().engine().peer(OperateTest.pub(3))).isEmpty();
        assertThat(cli("", "set", "wg9", "peer", OperateTest.pub(1).toBase64(), "endpoint", "127.0.0.1:5").err())
                .contains("is this gateway's own key");
    }

    @Test
    void showAllListsEveryInterfaceAndShowNameOnlyThatOne() throws Exception {
        start();
        Result all = cli("", "show", "all");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).startsWith("interface: wg9\n").contains("peer: " + OperateTest.pub(2).toBase64());
        assertThat(cli("", "show", "wg9", OperateTest.pub(2).toBase64()).out()).startsWith("peer: " + OperateTest.pub(2).toBase64());
        assertThat(cli("", "show", "wg8").err()).startsWith("postern: no running gateway: ");
    }

    @Test
    void syncconfReadsStandardInputWithOnlyPeerSections() throws Exception {
        start();
        String peersOnly = """
                # what 'wg-quick strip' or a script pipes in
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                Endpoint = 127.0.0.1:9
                PersistentKeepalive = 25

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.4/32
                Endpoint = localhost:4444
                """.formatted(OperateTest.pub(2).toBase64(), OperateTest.pub(4).toBase64());
        Result r = cli(peersOnly, "syncconf", "wg9", "-");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("peers: 1 added, 0 removed, 0 updated, 1 unchanged" + System.lineSeparator());
        assertThat(gateway.node().engine().peer(OperateTest.pub(4)).orElseThrow().endpoint().ip().isLoopbackAddress()).isTrue();
    }

    @Test
    void showListsTheKeysWhoseHandshakesWereRefused() throws Exception {
        start();
        PublicKey gw = gateway.node().publicKey();
        // a client with a key the gateway does not know (allowlist): before, only a counter moved
        try (PosternNode stranger = PosternNode.start(NodeConfig.builder(OperateTest.key(7))
                .listenAddress(InetAddress.getLoopbackAddress())
                .peer(PeerConfig.of(gw, Endpoint.of(InetAddress.getLoopbackAddress(), gateway.node().localEndpoint().port())))
                .build())) {
            stranger.engine().initiateHandshake(gw);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            String out = "";
            while (!out.contains("recently refused keys")) {
                assertThat(System.nanoTime()).as("refused key shown within 15 s").isLessThan(deadline);
                Thread.sleep(50);
                out = cli("", "show").out();
            }
            assertThat(out).contains("  " + OperateTest.pub(7).toBase64() + " from 127.0.0.1:" + stranger.localEndpoint().port());
            // once it is a peer, it is no longer listed as refused
            assertThat(cli("", "set", OperateTest.pub(7).toBase64(), "allowed-ips", "10.0.0.7/32").code()).isZero();
            assertThat(cli("", "show").out()).doesNotContain("recently refused keys");
        }
    }

    @Test
    void showDisplaysThePeersNamesFromTheFilesComments() throws Exception {
        gateway = RunningGateway.start(NodeConfig.builder(OperateTest.key(1)).listenAddress(InetAddress.getLoopbackAddress())
                .peer(PeerConfig.of(OperateTest.pub(2), null)).build(), PluginRegistry.load(), dir.resolve("data"),
                UapiServer.socketFor(dir.resolve("run"), "wg9"), Map.of(OperateTest.pub(2), "laptop"));
        assertThat(cli("", "show").out()).contains("peer: " + OperateTest.pub(2).toBase64() + "\n  name: laptop\n");
    }

    @Test
    void showconfPrintsWhatWgShowconfPrints() throws Exception {
        start();
        int port = gateway.node().localEndpoint().port();
        assertThat(cli("", "showconf", "wg9").out()).isEqualTo("""
                [Interface]
                ListenPort = %d
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                Endpoint = 127.0.0.1:9
                PersistentKeepalive = 25
                """.formatted(port, OperateTest.key(1).toBase64(), OperateTest.pub(2).toBase64()));
    }
}
