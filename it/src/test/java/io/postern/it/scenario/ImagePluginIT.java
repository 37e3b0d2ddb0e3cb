package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.PeerConfig;
import io.postern.gateway.NodeConfig;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.testkit.PluginJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped gateway: the jlink image ({@code gateway-app/target/image}) started as a separate
 * process through {@code bin/postern up --config FILE --plugins DIR}, with the example plugin
 * ({@code examples/policy-plugin}, policy {@code pinned-keys}) in the plugins directory, and Java
 * peers on loopback. The plugin's decisions are the ones applied: a pinned identity restarting
 * with its approved key gets in and the stale session is evicted; with any other key it is
 * rejected. A bad plugin jar is refused with the reason; the gateway does not start when the
 * configured policy is missing (exit code 1) and only warns about an unused bad jar.
 */
class ImagePluginIT {
    private static final Duration START_BOUND = Duration.ofSeconds(30);
    private static final Duration STEP_BOUND = Duration.ofSeconds(10);
    private static final int FAILED = 1;

    @TempDir
    Path dir;

    private Nodes nodes;
    private Path plugins;

    @BeforeEach
    void setUp() throws IOException {
        nodes = new Nodes();
        plugins = Files.createDirectory(dir.resolve("plugins"));
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    /** @return the example plugin's jar, as its module built it */
    static Path examplePluginJar() throws IOException {
        Path target = Path.of(System.getProperty("postern.root.dir", ".")).resolve("examples/policy-plugin/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("postern-example-policy-plugin-.*\\.jar")
                            && !f.getFileName().toString().endsWith("-sources.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no example plugin jar in " + target));
        }
    }

    private static PublicKey publicKeyOf(PrivateKey key) throws IOException, InterruptedException {
        return PublicKey.fromBase64(ImageProcess.run(key.toBase64(), STEP_BOUND, "pubkey"));
    }

    private static int freeLoopbackPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(Nodes.LOOPBACK, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path config(PrivateKey gatewayKey, int port, String policy) throws IOException {
        return config(gatewayKey, port, policy, "");
    }

    private Path config(PrivateKey gatewayKey, int port, String policy, String more) throws IOException {
        return Files.writeString(dir.resolve("postern.conf"), """
                [Interface]
                PrivateKey = %s
                ListenAddress = 127.0.0.1
                ListenPort = %d
                SessionPolicy = %s
                Admission = open
                Handler = echo
                """.formatted(gatewayKey.toBase64(), port, policy) + more);
    }

    private ImageProcess startGateway(Path config, String logName) {
        return ImageProcess.start(dir.resolve(logName), Map.of("POSTERN_LOG_LEVEL", "DEBUG", "POSTERN_DATA_DIR", dir.toString(),
                        "POSTERN_UAPI_DIR", dir.resolve("run").toString()),
                "up", "--config", config.toString(), "--plugins", plugins.toString());
    }

    /** A Java peer with the given key at 127.0.0.1:port whose only [Peer] is the gateway. */
    private TestPeer peer(PrivateKey key, PublicKey gatewayKey, Endpoint gateway, int port) {
        CapturingHandler handler = new CapturingHandler();
        var node = nodes.start(NodeConfig.builder(key).listenAddress(Nodes.LOOPBACK).listenPort(port)
                .admission("allowlist").peer(PeerConfig.of(gatewayKey, gateway)).handler(handler).build());
        return new TestPeer(node, gatewayKey, handler);
    }

    @Test
    void thePluginsDecisionsAreAppliedByTheImageProcess() throws Exception {
        PrivateKey gatewayKey = Nodes.freshKey();
        PrivateKey pinned = Nodes.freshKey();
        PrivateKey approved = Nodes.freshKey();
        PrivateKey otherPinned = Nodes.freshKey();
        PrivateKey stranger = Nodes.freshKey();
        PublicKey gatewayPublic = publicKeyOf(gatewayKey);
        PublicKey pinnedPublic = publicKeyOf(pinned);
        PublicKey approvedPublic = publicKeyOf(approved);
        PublicKey otherPinnedPublic = publicKeyOf(otherPinned);

        Files.copy(examplePluginJar(), plugins.resolve("pinned-keys.jar"));
        String section = """

                [Plugin.pinned-keys]
                Pin = %s, %s
                Approve = %s -> %s
                """.formatted(pinnedPublic.toBase64(), otherPinnedPublic.toBase64(), pinnedPublic.toBase64(),
                approvedPublic.toBase64());
        Path unused = Files.writeString(plugins.resolve("broken-unused.jar"), "not a jar");
        int port = freeLoopbackPort();
        Endpoint gateway = Endpoint.of(Nodes.LOOPBACK, port);

        try (ImageProcess process = startGateway(config(gatewayKey, port, "pinned-keys", section), "gateway.log")) {
            process.awaitLog("listening on:", START_BOUND);
            String log = process.log();
            assertThat(log).contains("policy: pinned-keys")
                    .contains("plugin loaded jar=" + plugins.resolve("pinned-keys.jar") + " module=org.example.pinnedkeys policies=[pinned-keys]")
                    .contains("plugin refused jar=" + unused + " reason=java.lang.module.FindException");

            // a pinned identity restarts from the same IP:port with its approved key: in at once, stale session evicted
            TestPeer a = peer(pinned, gatewayPublic, gateway, 0);
            int p = a.endpoint().port();
            a.connectAndEcho(TestPeer.uniquePayload("pinned"), STEP_BOUND);
            a.node.close();
            TestPeer b = peer(approved, gatewayPublic, gateway, p);
            b.connectAndEcho(TestPeer.uniquePayload("approved"), STEP_BOUND);
            process.awaitLog("stale session detected, resetting connection old=" + pinnedPublic.shortForm()
                    + " new=" + approvedPublic.shortForm(), STEP_BOUND);

            // another pinned identity restarts with a key nobody approved: rejected, it stays out
            TestPeer d = peer(otherPinned, gatewayPublic, gateway, 0);
            int q = d.endpoint().port();
            d.connectAndEcho(TestPeer.uniquePayload("other pinned"), STEP_BOUND);
            d.node.close();
            TestPeer c = peer(stranger, gatewayPublic, gateway, q);
            c.connect();
            process.awaitLog("dropped datagram from 127.0.0.1:" + q + ": POLICY_REJECTED", STEP_BOUND);
            assertThat(c.established()).isFalse();
            assertThat(process.log()).doesNotContain("new=" + c.key().shortForm());
        }
    }

    /** Starts the image with only {@code jar} in the plugins directory and a config selecting pinned-keys. */
    private void assertRefused(Path jar, String reason) throws Exception {
        try (ImageProcess process = startGateway(config(Nodes.freshKey(), freeLoopbackPort(), "pinned-keys"), "refused.log")) {
            assertThat(process.awaitExit(START_BOUND)).isEqualTo(FAILED);
            assertThat(process.log())
                    .contains("plugin refused jar=" + jar + " reason=")
                    .contains("postern: SessionPolicy 'pinned-keys' not found; available: keep-both, reject-while-bound, "
                            + "reset-on-identity-change; refused plugin jars: " + jar.getFileName() + ": ")
                    .contains(reason)
                    .doesNotContain("listening on:");
        }
    }

    @Test
    void aFileThatIsNotAJarIsRefused() throws Exception {
        Path jar = Files.writeString(plugins.resolve("pinned-keys.jar"), "PK? no, plain text");
        assertRefused(jar, "java.lang.module.FindException");
    }

    @Test
    void aJarWithoutAProviderIsRefused() throws Exception {
        Path jar = PluginJars.build(plugins.resolve("empty.jar"), Map.of(
                "module-info.java", "module com.example.empty { requires io.postern.api; exports e; }",
                "e/Nothing.java", "package e; public class Nothing {}"));
        assertRefused(jar, "module com.example.empty provides no io.postern.spi.SessionPolicy, io.postern.spi.PacketHandler"
                + " or io.postern.spi.TransportProvider");
    }

    @Test
    void pluginSettingErrorsNameFileLineAndKey() throws Exception {
        // the real example plugin, selected without its section, then with a bad key in it
        Files.copy(examplePluginJar(), plugins.resolve("pinned-keys.jar"));
        Path config = config(Nodes.freshKey(), freeLoopbackPort(), "pinned-keys");
        try (ImageProcess process = startGateway(config, "unconfigured.log")) {
            assertThat(process.awaitExit(START_BOUND)).isEqualTo(FAILED);
            assertThat(process.log()).contains(config + ": [Plugin.pinned-keys] Pin: is required").doesNotContain("listening on:");
        }
        config = config(Nodes.freshKey(), freeLoopbackPort(), "pinned-keys", "[Plugin.pinned-keys]\nPin = not-a-key\n");
        try (ImageProcess process = startGateway(config, "misconfigured.log")) {
            assertThat(process.awaitExit(START_BOUND)).isEqualTo(FAILED);
            assertThat(process.log()).contains(config + ":9: [Plugin.pinned-keys] Pin: 'not-a-key': ").doesNotContain("listening on:");
        }
    }

    @Test
    void aNameClashWithABuiltInPolicyIsRefused() throws Exception {
        Path jar = PluginJars.build(plugins.resolve("impostor.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.impostor", "impostor"),
                "impostor/Policy.java", PluginJars.policy("impostor", "reset-on-identity-change", "")));
        assertRefused(jar, "SessionPolicy name 'reset-on-identity-change' of impostor.Policy is already taken"
                + " (built in: io.postern.policy.ResetOnIdentityChangePolicy)");
    }

    @Test
    void aJarThatNeedsAMissingModuleIsRefused() throws Exception {
        Path lib = PluginJars.build(dir.resolve("lib.jar"), Map.of(
                "module-info.java", "module com.example.lib { exports lib; }",
                "lib/Lib.java", "package lib; public class Lib {}"));
        Path jar = PluginJars.build(plugins.resolve("needy.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.needy", "needy", "com.example.lib"),
                "needy/Policy.java", PluginJars.policy("needy", "pinned-keys", "")),
                "--module-path", lib + java.io.File.pathSeparator + PluginJars.location("io.postern.api"));
        assertRefused(jar, "java.lang.module.FindException: Module com.example.lib not found, required by com.example.needy");
    }

    @Test
    void aJarThatRequiresTheGatewaysInternalsIsRefused() throws Exception {
        Path jar = PluginJars.build(plugins.resolve("nosy.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.nosy", "nosy", "io.postern.engine"),
                "nosy/Policy.java", PluginJars.policy("nosy", "pinned-keys", "")),
                "--module-path", PluginJars.location("io.postern.api") + java.io.File.pathSeparator
                        + PluginJars.location("io.postern.engine"));
        assertRefused(jar, "module com.example.nosy requires io.postern.engine, which plugins may not read");
    }
}
