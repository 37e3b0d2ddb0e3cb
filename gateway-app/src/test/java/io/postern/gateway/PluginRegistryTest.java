package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.PrivateKey;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

    /** Two different classes claiming one name. */
    static final class FirstDup implements SessionPolicy {
        @Override public String name() { return "dup"; }
        @Override public String description() { return "first"; }
        @Override public PolicyDecision onIdentityChange(IdentityChange change) { return PolicyDecision.REJECT; }
    }

    static final class SecondDup implements SessionPolicy {
        @Override public String name() { return "dup"; }
        @Override public String description() { return "second"; }
        @Override public PolicyDecision onIdentityChange(IdentityChange change) { return PolicyDecision.REJECT; }
    }

    static final class Blank implements SessionPolicy {
        @Override public String name() { return " "; }
        @Override public String description() { return "blank"; }
        @Override public PolicyDecision onIdentityChange(IdentityChange change) { return PolicyDecision.REJECT; }
    }

    static NodeConfig.Builder config() {
        return NodeConfig.builder(PrivateKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32])));
    }

    @Test
    void findsEveryStockPluginOnTheModulePath() {
        PluginRegistry r = PluginRegistry.load();
        assertThat(r.policies().names()).containsExactly("keep-both", "reject-while-bound", "reset-on-identity-change");
        assertThat(r.admissions().names()).containsExactly("allowlist", "open");
        assertThat(r.handlers().names()).contains("echo");
        assertThat(r.transports().names()).contains("udp");
        assertThat(r.crypto().names()).contains("bouncycastle");
        assertThat(r.handshakes().names()).contains("noise-ikpsk2");
        assertThat(r.all()).hasSize(6);
    }

    @Test
    void unknownNameListsTheAvailableOnes() {
        assertThatThrownBy(() -> PluginRegistry.load().select(config().sessionPolicy("foo").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SessionPolicy 'foo' not found; available: keep-both, reject-while-bound, reset-on-identity-change");
        assertThatThrownBy(() -> PluginRegistry.load().select(config().admission("closed").build()))
                .hasMessage("Admission 'closed' not found; available: allowlist, open");
        assertThatThrownBy(() -> PluginRegistry.load().select(config().transport("carrier-pigeon").build()))
                .hasMessageStartingWith("Transport 'carrier-pigeon' not found; available: tcp, udp");
        assertThatThrownBy(() -> PluginRegistry.load().select(config().handler("route").build()))
                .hasMessageStartingWith("Handler 'route' not found; available: ")
                .hasMessageContaining("echo");
        assertThatThrownBy(() -> PluginRegistry.load().select(config().cryptoProvider("rot13").build()))
                .hasMessageStartingWith("CryptoProvider 'rot13' not found; available: ")
                .hasMessageContaining("bouncycastle");
    }

    @Test
    void duplicateNamesNameBothClasses() {
        assertThatThrownBy(() -> NamedPlugins.of("SessionPolicy", List.of(new FirstDup(), new SecondDup()),
                SessionPolicy::name, SessionPolicy::description))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SessionPolicy name 'dup' is provided twice: by " + FirstDup.class.getName()
                        + " and by " + SecondDup.class.getName());
    }

    @Test
    void blankNamesAreRefused() {
        assertThatThrownBy(() -> NamedPlugins.of("SessionPolicy", List.of(new Blank()),
                SessionPolicy::name, SessionPolicy::description))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(Blank.class.getName()).hasMessageContaining("blank name");
    }

    @Test
    void emptyKindSaysSo() {
        NamedPlugins<SessionPolicy> none = NamedPlugins.of("SessionPolicy", List.<SessionPolicy>of(),
                SessionPolicy::name, SessionPolicy::description);
        assertThatThrownBy(() -> none.select("x"))
                .hasMessage("SessionPolicy 'x' not found; available: none (is its module on the module path?)");
    }

    @Test
    void selectionUsesTheNamedPlugins() {
        PluginSelection s = PluginRegistry.load().select(config().sessionPolicy("reject-while-bound")
                .admission("open").cryptoProvider("jca").build());
        assertThat(s.policy().name()).isEqualTo("reject-while-bound");
        assertThat(s.admission().name()).isEqualTo("open");
        assertThat(s.crypto().name()).isEqualTo("jca");
        assertThat(s.handler().name()).isEqualTo("echo");
        assertThat(s.transport().name()).isEqualTo("udp");
        assertThat(s.handshakes().name()).isEqualTo("noise-ikpsk2");
    }

    @Test
    void aHandlerInstanceWinsOverTheName() {
        var mine = new io.postern.gateway.handler.EchoPacketHandler();
        PluginSelection s = PluginRegistry.load().select(config().handler("no-such-handler").handler(mine).build());
        assertThat(s.handler()).isSameAs(mine);
    }
}
