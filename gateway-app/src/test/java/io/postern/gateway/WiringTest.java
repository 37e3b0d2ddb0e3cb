package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.postern.engine.EngineServices;
import io.postern.engine.OnPolicyFault;
import io.postern.engine.SessionEngine;
import io.postern.gateway.wiring.EngineModule;
import io.postern.gateway.wiring.PluginModule;
import io.postern.key.StaticKeyPair;
import io.postern.spi.TransportProvider;
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
                new PluginModule(s.crypto(), s.handshakes(), s.policy(), s.admission(), s.handler(), s.transport()),
                new EngineModule(identity, Clock.systemUTC(), OnPolicyFault.REJECT));

        EngineServices services = injector.getInstance(EngineServices.class);
        assertThat(services.crypto()).isSameAs(s.crypto());
        assertThat(services.handshakes()).isSameAs(s.handshakes());
        assertThat(services.policy()).isSameAs(s.policy());
        assertThat(services.onPolicyFault()).isEqualTo(OnPolicyFault.REJECT);
        assertThat(services.admission()).isSameAs(s.admission());
        assertThat(services.handler()).isSameAs(s.handler());
        assertThat(injector.getInstance(EngineServices.class)).isSameAs(services);
        assertThat(injector.getInstance(TransportProvider.class)).isSameAs(s.transport());
        assertThat(injector.getInstance(SessionEngine.class).publicKey()).isEqualTo(identity.publicKey());
        assertThat(injector.getInstance(SessionEngine.class)).isSameAs(injector.getInstance(SessionEngine.class));
    }
}
