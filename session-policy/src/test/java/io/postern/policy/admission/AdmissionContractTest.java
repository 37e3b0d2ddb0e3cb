package io.postern.policy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.spi.Admission;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract every {@link Admission} must keep; each implementation subclasses it in a few lines. */
abstract class AdmissionContractTest {

    /** @return a fresh instance, created the way ServiceLoader does */
    protected abstract Admission create();

    /** @return the name configuration files use for it */
    protected abstract String expectedName();

    /** @return whether it admits a key that is not a configured peer (configured peers are always admitted) */
    protected abstract boolean admitsUnconfigured();

    static PublicKey key(int fill) {
        byte[] b = new byte[PublicKey.LENGTH];
        Arrays.fill(b, (byte) fill);
        return PublicKey.of(b);
    }

    @Test
    void nameIsNonBlankStableAndConfigFriendly() {
        Admission admission = create();
        assertThat(admission.name()).isNotBlank().matches("[a-z0-9]+(-[a-z0-9]+)*").isEqualTo(expectedName());
        assertThat(create().name()).isEqualTo(admission.name());
    }

    @Test
    void descriptionIsNonBlank() {
        assertThat(create().description()).isNotBlank();
    }

    @Test
    void admitsConfiguredPeers() {
        assertThat(create().admits(key(1), true)).isTrue();
    }

    @Test
    void decidesUnconfiguredKeysAsDocumented() {
        Admission admission = create();
        for (int fill = 0; fill < 5; fill++) {
            assertThat(admission.admits(key(fill), false)).isEqualTo(admitsUnconfigured());
        }
    }

    @Test
    void isStatelessSoOneSharedInstanceIsThreadSafe() throws Exception {
        Admission admission = create();
        for (Field f : admission.getClass().getDeclaredFields()) {
            assertThat(Modifier.isStatic(f.getModifiers())).as("instance field %s", f.getName()).isTrue();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int fill = i;
                calls.add(() -> admission.admits(key(fill), fill % 2 == 0) == (fill % 2 == 0 || admitsUnconfigured()));
            }
            for (Future<Boolean> f : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void isRegisteredForServiceLoaderWithAPublicNoArgConstructor() throws Exception {
        Class<?> type = create().getClass();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        try (InputStream in = AdmissionContractTest.class.getResourceAsStream("/META-INF/services/io.postern.spi.Admission")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip))
                    .contains(type.getName());
        }
    }
}
