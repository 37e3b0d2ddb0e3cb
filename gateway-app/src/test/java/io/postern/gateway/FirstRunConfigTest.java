package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.spi.crypto.X25519;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
}
