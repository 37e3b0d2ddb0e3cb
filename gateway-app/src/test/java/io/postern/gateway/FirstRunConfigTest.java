package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.spi.crypto.X25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstRunConfigTest {

    @Test
    void writesAnOwnerOnlyConfigThatParsesToTheDocumentedDefaults(@TempDir Path dir) throws Exception {
        X25519 x25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();
        Path file = dir.resolve("data/postern.conf");

        String publicKey = FirstRunConfig.createIfMissing(file, x25519);

        assertThat(publicKey).isNotNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(FirstRunConfig.readableByOthers(file)).isFalse();
        NodeConfig config = NodeConfig.load(file);
        assertThat(x25519.publicKey(config.privateKey())).isEqualTo(PublicKey.fromBase64(publicKey));
        assertThat(config.listenPort()).isEqualTo(51820);
        assertThat(config.listenAddress()).isNull();
        assertThat(config.admission()).isEqualTo("open");
        assertThat(config.handler()).isEqualTo("echo");
        assertThat(config.sessionPolicy()).isEqualTo("reset-on-identity-change");
        assertThat(config.peers()).isEmpty();
    }

    @Test
    void leavesAnExistingFileAlone(@TempDir Path dir) throws Exception {
        X25519 x25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();
        Path file = dir.resolve("postern.conf");
        Files.writeString(file, "mine");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(FirstRunConfig.createIfMissing(file, x25519)).isNull();
        assertThat(Files.readString(file)).isEqualTo("mine");
        assertThat(FirstRunConfig.readableByOthers(file)).isTrue();
    }

    @Test
    void policiesMarksEveryPluginTheFirstRunConfigNames(@TempDir Path dir) throws Exception {
        X25519 x25519 = PluginRegistry.load().crypto().select("bouncycastle").x25519();
        Path file = dir.resolve("postern.conf");
        FirstRunConfig.createIfMissing(file, x25519);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThat(Main.run(new String[] {"policies"}, new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8),
                java.util.Map.of(UpCommand.DATA_DIR_ENV, dir.toString()))).isZero();
        String policies = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.split("=", 2);
            String kind = kv[0].strip();
            if (kv.length < 2 || kind.startsWith("#") || !List.of("Admission", "Handler", "SessionPolicy", "CryptoProvider").contains(kind)) {
                continue;
            }
            String section = policies.substring(policies.indexOf(kind + ":\n"));
            section = section.substring(0, section.contains("\n\n") ? section.indexOf("\n\n") : section.length());
            String plugin = kv[1].strip();
            assertThat(section.lines().filter(l -> l.strip().startsWith(plugin + " ")))
                    .as("%s = %s, as the first-run config says, is marked in 'policies':\n%s", kind, plugin, section)
                    .singleElement().satisfies(l -> assertThat(l).containsAnyOf("(default", "(the first-run config's choice)"));
            checked++;
        }
        assertThat(checked).isEqualTo(4);
    }
}
