package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TransportPreparationTest {
    /** Records who prepared it, and on which thread; binds nothing. */
    private static final class Recording implements TransportProvider {
        final String name;
        final List<String> calls;
        final boolean fail;
        final String fasterOf;

        Recording(String name, List<String> calls, boolean fail) {
            this(name, calls, fail, null);
        }

        Recording(String name, List<String> calls, boolean fail, String fasterOf) {
            this.name = name;
            this.calls = calls;
            this.fail = fail;
            this.fasterOf = fasterOf;
        }

        @Override
        public String fasterImplementationOf() {
            return fasterOf;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Transport bind(InetSocketAddress local) {
            throw new AssertionError("prepare must not bind");
        }

        @Override
        public void prepare() {
            calls.add(name + "@" + Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? "(daemon)" : ""));
            if (fail) {
                throw new IllegalStateException("cannot link");
            }
        }
    }

    @Test
    void preparesTheConfiguredTransportsOnlyOnOneDaemonThreadAndSurvivesAFailure() throws InterruptedException {
        List<String> calls = new CopyOnWriteArrayList<>();
        NamedPlugins<TransportProvider> registry = NamedPlugins.of("Transport",
                List.of(new Recording("a", calls, true), new Recording("b", calls, false), new Recording("c", calls, false)),
                TransportProvider::name, TransportProvider::description);
        Thread t = TransportPreparation.start(registry, List.of("a", "c", "missing"));
        assertThat(t).isNotNull();
        assertThat(t.getName()).isEqualTo(TransportPreparation.THREAD_NAME);
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(calls).containsExactly("a@postern-prepare(daemon)", "c@postern-prepare(daemon)");
    }

    @Test
    void theFasterBuiltInThatBindsInPlaceOfAConfiguredTransportIsPreparedInsteadOfIt() throws InterruptedException {
        List<String> calls = new CopyOnWriteArrayList<>();
        NamedPlugins<TransportProvider> registry = NamedPlugins.of("Transport",
                List.of(new Recording("udp", calls, false), new Recording("udp-linux", calls, false, "udp"),
                        new Recording("tcp", calls, false)),
                TransportProvider::name, TransportProvider::description);
        Thread t = TransportPreparation.start(registry, List.of("udp", "tcp"));
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        // udp binds only when udp-linux cannot, and then links its calls itself
        assertThat(calls).containsExactly("udp-linux@postern-prepare(daemon)", "tcp@postern-prepare(daemon)");
    }

    @Test
    void whenTheFasterBuiltInsPreparationFailsTheConfiguredTransportIsPrepared() throws InterruptedException {
        List<String> calls = new CopyOnWriteArrayList<>();
        NamedPlugins<TransportProvider> registry = NamedPlugins.of("Transport",
                List.of(new Recording("udp", calls, false), new Recording("udp-linux", calls, true, "udp")),
                TransportProvider::name, TransportProvider::description);
        Thread t = TransportPreparation.start(registry, List.of("udp"));
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(calls).containsExactly("udp-linux@postern-prepare(daemon)", "udp@postern-prepare(daemon)");
    }

    @Test
    void nothingToPrepareStartsNoThread() {
        NamedPlugins<TransportProvider> registry = NamedPlugins.of("Transport", List.<TransportProvider>of(),
                TransportProvider::name, TransportProvider::description);
        assertThat(TransportPreparation.start(registry, List.of("udp"))).isNull();
    }
}
