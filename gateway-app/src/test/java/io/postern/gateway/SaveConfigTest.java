package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.IpPrefix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wg-quick's {@code SaveConfig = true}: what {@code set} changes in a running gateway is written back to
 * its configuration file at once (0600, atomic), keeping the [Interface] section and the peers' names;
 * with {@code SaveConfig = false}, or a refused change, the file stays as it was.
 */
class SaveConfigTest {
    @TempDir
    Path dir;

    private RunningGateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private int cli(String... args) {
        return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Map.of(UpCommand.DATA_DIR_ENV, dir.resolve("data").toString()));
    }

    private Path start(String saveConfig) throws Exception {
        Path file = dir.resolve("wg0.conf");
        Files.writeString(file, """
                # the gateway, kept by hand
                [Interface]
                PrivateKey = %s
                ListenAddress = 127.0.0.1
                Address = 10.0.0.1/24
                Handler = echo
                SaveConfig = %s

                [Peer]
                # laptop
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32
                """.formatted(OperateTest.key(1).toBase64(), saveConfig, OperateTest.pub(2).toBase64()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        WgQuickConfigParser.Parsed parsed = WgQuickConfigParser.load(file);
        gateway = RunningGateway.start(parsed.config(), PluginRegistry.load(), dir.resolve("data"), null, parsed.names(), null,
                parsed.saveConfig() ? file : null);
        return file;
    }

    @Test
    void setChangesAreWrittenBackAtOnceKeepingTheInterfaceAndTheNames() throws Exception {
        Path file = start("true");
        String interfaceSection = Files.readString(file).substring(0, Files.readString(file).indexOf("\n\n[Peer]"));

        assertThat(cli("set", OperateTest.pub(3).toBase64(), "allowed-ips", "10.0.0.3/32", "persistent-keepalive", "25")).isZero();
        String saved = Files.readString(file);
        assertThat(saved).startsWith(interfaceSection + "\n\n[Peer]\n# laptop\nPublicKey = " + OperateTest.pub(2).toBase64() + "\n")
                .contains("\n[Peer]\nPublicKey = " + OperateTest.pub(3).toBase64() + "\nAllowedIPs = 10.0.0.3/32\nPersistentKeepalive = 25\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        WgQuickConfigParser.Parsed reloaded = WgQuickConfigParser.load(file);
        assertThat(reloaded.saveConfig()).isTrue();
        assertThat(reloaded.names().values()).containsExactly("laptop");
        assertThat(reloaded.config().peers()).hasSize(2);

        assertThat(cli("set", OperateTest.pub(2).toBase64(), "allowed-ips", "10.0.0.2/32,10.0.9.0/24")).isZero();
        assertThat(WgQuickConfigParser.load(file).config().peers().getFirst().allowedIps())
                .containsExactly(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("10.0.9.0/24"));
        assertThat(cli("set", OperateTest.pub(3).toBase64(), "remove")).isZero();
        assertThat(Files.readString(file)).doesNotContain(OperateTest.pub(3).toBase64()).contains("# laptop\n");

        // refused (a peer with the gateway's own key): nothing changes, the file neither
        String before = Files.readString(file);
        assertThat(cli("set", OperateTest.pub(1).toBase64(), "endpoint", "127.0.0.1:5")).isNotZero();
        assertThat(Files.readString(file)).isEqualTo(before);
        try (var tmp = Files.list(dir)) {
            assertThat(tmp.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactlyInAnyOrder("wg0.conf", "data");
        }
    }

    @Test
    void withoutSaveConfigTheFileIsLeftAlone() throws Exception {
        Path file = start("false");
        String before = Files.readString(file);
        assertThat(cli("set", OperateTest.pub(3).toBase64(), "allowed-ips", "10.0.0.3/32")).isZero();
        assertThat(gateway.node().engine().peers()).hasSize(2);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void peerAddOnASaveConfigGatewayWritesThePeerOnce() throws Exception {
        Path file = start("true");
        assertThat(cli("peer", "add", "phone", "--config", file.toString(), "--endpoint", "127.0.0.1:1")).isZero();
        WgQuickConfigParser.Parsed reloaded = WgQuickConfigParser.load(file);
        assertThat(reloaded.config().peers()).hasSize(2);
        assertThat(reloaded.names().values()).containsExactly("laptop", "phone");
    }
}
