package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --private-key FILE}: the key apart from the configuration (a Kubernetes Secret beside a
 * ConfigMap). The file's {@code [Interface]} then has no PrivateKey; both at once is an error.
 */
class PrivateKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void theKeyFileSuppliesTheMissingPrivateKey() throws Exception {
        Path key = dir.resolve("private.key");
        Files.writeString(key, "  " + WgQuickConfigParserTest.PRIV + "\n"); // as `postern genkey > FILE` writes it
        Path conf = dir.resolve("postern.conf");
        Files.writeString(conf, "[Interface]\nListenPort = 51820\n[Peer]\nPublicKey = " + WgQuickConfigParserTest.PEER1
                + "\nAllowedIPs = 10.0.0.2/32\n");
        NodeConfig c = WgQuickConfigParser.parse(conf, UpCommand.readPrivateKey(key));
        assertThat(c.privateKey()).isEqualTo(PrivateKey.fromBase64(WgQuickConfigParserTest.PRIV));
        assertThat(c.peers()).hasSize(1);
        assertThatThrownBy(() -> NodeConfig.load(conf)).isInstanceOf(ConfigException.class).hasMessageContaining("no PrivateKey");
    }

    @Test
    void aKeyInBothPlacesOrABadKeyFileIsRefused() throws Exception {
        Path key = dir.resolve("private.key");
        Files.writeString(key, WgQuickConfigParserTest.PRIV + "\n");
        Path conf = dir.resolve("postern.conf");
        Files.writeString(conf, "[Interface]\nPrivateKey = " + WgQuickConfigParserTest.PRIV + "\n");
        assertThatThrownBy(() -> WgQuickConfigParser.parse(conf, UpCommand.readPrivateKey(key)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("both here and by --private-key");

        Files.writeString(key, "not a key\n");
        assertThatThrownBy(() -> UpCommand.readPrivateKey(key)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not a base64 private key").hasMessageNotContaining("not a key");
        assertThatThrownBy(() -> UpCommand.readPrivateKey(dir.resolve("missing"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no such file");
    }
}
