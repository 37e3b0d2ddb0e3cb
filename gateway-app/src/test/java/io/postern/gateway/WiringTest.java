package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import io.postern.engine.EngineServices;
import io.postern.gateway.wiring.AdmissionModule;
import io.postern.gateway.wiring.CryptoModule;
import io.postern.gateway.wiring.EngineModule;
import io.postern.gateway.wiring.Fallback;
import io.postern.gateway.wiring.HandlerModule;
import io.postern.gateway.wiring.IdentityModule;
import io.postern.gateway.wiring.PolicyModule;
import io.postern.gateway.wiring.TransportModule;
import io.postern.key.StaticKeyPair;
import io.postern.spi.SessionPolicy;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The Guice modules bind exactly the selected instances (with bytecode generation disabled, as in production). */
class WiringTest {

    @Test
    void modulesBindTheSelectedInstancesIntoEngineServices() {
        assertThat(System.getProperty(Main.GUICE_BYTECODE_GEN)).isEqualTo("DISABLED");
        PluginSelection s = PluginRegistry.load().select(PluginRegistryTest.config()
                .sessionPolicy("keep-both").admission("open").build());
        StaticKeyPair identity = s.crypto().x25519().generateKeyPair();
        Injector injector = Guice.createInjector(
                new IdentityModule(identity, Clock.systemUTC()),
                new CryptoModule(s.crypto(), s.handshakes()),
                new PolicyModule(s.policy(), s.fallbackPolicy()),
                new AdmissionModule(s.admission()),
                new HandlerModule(s.handler()),
                new TransportModule(s.transport()),
                new EngineModule());

        EngineServices services = injector.getInstance(EngineServices.class);
        assertThat(services.crypto()).isSameAs(s.crypto());
        assertThat(services.handshakes()).isSameAs(s.handshakes());
        assertThat(services.policy()).isSameAs(s.policy());
        assertThat(services.fallbackPolicy()).isSameAs(s.fallbackPolicy());
        assertThat(services.admission()).isSameAs(s.admission());
        assertThat(services.handler()).isSameAs(s.handler());
        assertThat(injector.getInstance(EngineServices.class)).isSameAs(services);
        assertThat(injector.getInstance(Key.get(SessionPolicy.class, Fallback.class)).name())
                .isEqualTo("reset-on-identity-change");
        assertThat(injector.getInstance(StaticKeyPair.class)).isSameAs(identity);
    }
}
