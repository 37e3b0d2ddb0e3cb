package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.StaticKeyPair;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HandshakeWarmupTest {
    private final PluginRegistry registry = PluginRegistry.load();
    private final CryptoProvider crypto = registry.crypto().select(NodeConfig.DEFAULT_CRYPTO_PROVIDER);
    private final HandshakeProtocolFactory handshakes = registry.handshakes().select(NodeConfig.DEFAULT_HANDSHAKE);

    @Test
    void runsCompleteHandshakesAndDataThroughTheConfiguredProviders() {
        assertThat(HandshakeWarmup.run(crypto, handshakes, 3, () -> 0L, 1L)).isEqualTo(3);
    }

    @Test
    void stopsAtTheDeadlineWhateverTheCount() {
        AtomicLong now = new AtomicLong();
        // the clock passes the deadline after two checks: two handshakes, not 1,000
        int done = HandshakeWarmup.run(crypto, handshakes, 1_000, () -> now.getAndIncrement() < 2 ? 0L : 10L, 5L);
        assertThat(done).isEqualTo(2);
    }

    @Test
    void aProviderThatDoesNotCheckOutStopsTheWarmupWithAReason() {
        HandshakeProtocolFactory failing = new HandshakeProtocolFactory() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public HandshakeProtocol create(CryptoProvider primitives, StaticKeyPair localStatic) {
                HandshakeProtocol real = handshakes.create(primitives, localStatic);
                return (HandshakeProtocol) Proxy.newProxyInstance(HandshakeProtocol.class.getClassLoader(),
                        new Class<?>[] {HandshakeProtocol.class}, (proxy, method, args) ->
                                method.getName().equals("verifyMac1") ? Boolean.FALSE : method.invoke(real, args));
            }
        };
        assertThatThrownBy(() -> HandshakeWarmup.run(crypto, failing, 3, () -> 0L, 1L))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("mac1");
    }

    @Test
    void theEnvironmentGivesTheCountZeroTurnsItOffAndGarbageIsRefused() {
        assertThat(HandshakeWarmup.handshakes(Map.of())).isEqualTo(HandshakeWarmup.DEFAULT_HANDSHAKES);
        assertThat(HandshakeWarmup.handshakes(Map.of(HandshakeWarmup.ENV, "0"))).isZero();
        assertThat(HandshakeWarmup.handshakes(Map.of(HandshakeWarmup.ENV, " 50 "))).isEqualTo(50);
        assertThat(HandshakeWarmup.handshakes(Map.of(HandshakeWarmup.ENV, "lots"))).isEqualTo(-1);
        assertThat(HandshakeWarmup.handshakes(Map.of(HandshakeWarmup.ENV, "-3"))).isEqualTo(-1);
        assertThat(HandshakeWarmup.start(crypto, handshakes, 0)).isNull();
    }
}
