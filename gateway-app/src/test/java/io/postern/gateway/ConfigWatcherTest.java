package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionState;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --watch-config} on a Kubernetes ConfigMap volume: the file is
 * {@code postern.conf -> ..data/postern.conf} and {@code ..data -> ..2026_…}, and an update swaps
 * {@code ..data} to a new directory with one rename, as the kubelet's atomic writer does. Each
 * version is applied like {@code syncconf}: the untouched peer's session goes on (same handshake,
 * still echoing), added peers appear, removed ones go, and a version that does not parse changes nothing.
 */
class ConfigWatcherTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path volume;
    @TempDir
    Path dataDir;

    private int version;

    /** Writes {@code content} as a new version directory and swaps {@code ..data} to it atomically. */
    private void publish(String content) throws Exception {
        Path dir = Files.createDirectory(volume.resolve("..2026_11_30_20_00_0" + version + "." + (1000 + version)));
        version++;
        Files.writeString(dir.resolve("postern.conf"), content);
        Path tmp = volume.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, dir.getFileName());
        Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path link = volume.resolve("postern.conf");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, Path.of("..data/postern.conf"));
        }
    }

    private static String config(int... peerSeeds) {
        StringBuilder s = new StringBuilder("""
                [Interface]
                ListenAddress = 127.0.0.1
                """);
        for (int seed : peerSeeds) {
            s.append("[Peer]\nPublicKey = ").append(OperateTest.pub(seed).toBase64()).append("\nAllowedIPs = 10.0.0.")
                    .append(seed).append("/32\n");
        }
        return s.toString();
    }

    @Test
    void appliesEachSwappedVersionLikeSyncconfWithoutDisturbingUnchangedSessions() throws Exception {
        Path keyFile = dataDir.resolve("private.key");
        Files.writeString(keyFile, OperateTest.key(1).toBase64() + "\n");
        publish(config(2));
        Path file = volume.resolve("postern.conf");
        ConfigWatcher.Reader reader = f -> WgQuickConfigParser.parse(f, UpCommand.readPrivateKey(keyFile));
        try (RunningGateway gw = RunningGateway.start(reader.read(file), PluginRegistry.load(), dataDir)) {
            gw.watchConfig(file, reader, Duration.ofMillis(100));
            PublicKey gwKey = gw.node().publicKey();
            PosternNodeTest.CapturingHandler echoes = new PosternNodeTest.CapturingHandler();
            try (PosternNode client = PosternNode.start(NodeConfig.builder(OperateTest.key(2)).listenAddress(LOOPBACK)
                    .peer(PeerConfig.of(gwKey, Endpoint.of(LOOPBACK, gw.node().localEndpoint().port())))
                    .handler(echoes).build())) {
                client.engine().initiateHandshake(gwKey);
                await("session of peer 2", () -> state(gw, OperateTest.pub(2)) == SessionState.ESTABLISHED);
                Instant handshake = gw.node().engine().peer(OperateTest.pub(2)).orElseThrow().lastHandshake();

                publish(config(2, 3)); // peer 3 added
                await("peer 3 added", () -> gw.node().engine().peer(OperateTest.pub(3)).isPresent());

                publish("[Interface]\nListenAddress = 127.0.0.1\n[Peer]\nPublicKey = not-a-key\n");
                await("bad version refused", () -> gw.configWatcher().orElseThrow().refused() == 1);
                publish(config(2, 3, 4)); // the next good version still applies
                await("peer 4 added", () -> gw.node().engine().peer(OperateTest.pub(4)).isPresent());

                publish(config(2, 4)); // peer 3 removed
                await("peer 3 removed", () -> gw.node().engine().peer(OperateTest.pub(3)).isEmpty());

                PeerStatus two = gw.node().engine().peer(OperateTest.pub(2)).orElseThrow();
                assertThat(two.state()).as("unaffected session goes on").isEqualTo(SessionState.ESTABLISHED);
                assertThat(two.lastHandshake()).as("no new handshake").isEqualTo(handshake);
                byte[] p = "still here".getBytes(StandardCharsets.UTF_8);
                assertThat(client.engine().send(gwKey, p, 0, p.length)).isTrue();
                assertThat(echoes.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("echo").isNotNull();
            }
        }
    }

    @Test
    void aBadVersionChangesNothing() throws Exception {
        Path keyFile = dataDir.resolve("private.key");
        Files.writeString(keyFile, OperateTest.key(1).toBase64() + "\n");
        publish(config(2, 3));
        Path file = volume.resolve("postern.conf");
        ConfigWatcher.Reader reader = f -> WgQuickConfigParser.parse(f, UpCommand.readPrivateKey(keyFile));
        try (RunningGateway gw = RunningGateway.start(reader.read(file), PluginRegistry.load(), dataDir)) {
            gw.watchConfig(file, reader, Duration.ofMillis(100));
            // a version with fewer peers but a bad line: must not remove peer 3
            publish(config(2) + "[Peer]\nPublicKey = " + OperateTest.pub(5).toBase64() + "\nAllowedIPs = 10.0.0.300/32\n");
            await("bad version refused", () -> gw.configWatcher().orElseThrow().refused() == 1);
            assertThat(gw.node().engine().peer(OperateTest.pub(5))).isEmpty();
            assertThat(gw.node().engine().peer(OperateTest.pub(3))).as("not removed by a bad version").isPresent();
            assertThat(gw.configWatcher().orElseThrow().applied()).isZero();
            publish(config(2, 3, 6));
            await("peer 6 added", () -> gw.node().engine().peer(OperateTest.pub(6)).isPresent());
        }
    }

    private static SessionState state(RunningGateway gw, PublicKey peer) {
        return gw.node().engine().peer(peer).map(PeerStatus::state).orElse(SessionState.NONE);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", WAIT, what).isNegative();
            Thread.sleep(20);
        }
    }
}
