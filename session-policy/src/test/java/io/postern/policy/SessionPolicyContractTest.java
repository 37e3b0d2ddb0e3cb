package io.postern.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionPolicy} must keep; each implementation subclasses it in a few
 * lines. A third-party policy can copy this test.
 */
abstract class SessionPolicyContractTest {

    /** @return a fresh instance, created the way ServiceLoader does (public no-arg constructor) */
    protected abstract SessionPolicy create();

    /** @return the name configuration files use for it */
    protected abstract String expectedName();

    /** @return what it decides */
    protected abstract PolicyDecision expectedDecision();

    static PublicKey key(int fill) {
        byte[] b = new byte[PublicKey.LENGTH];
        Arrays.fill(b, (byte) fill);
        return PublicKey.of(b);
    }

    static IdentityChange change(boolean incumbentConfigured, boolean newcomerConfigured, Instant lastSeen) {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        return new IdentityChange(Endpoint.parse("198.51.100.7:51820"), key(1), key(2), lastSeen,
                incumbentConfigured, newcomerConfigured, now);
    }

    @Test
    void nameIsNonBlankStableAndConfigFriendly() {
        SessionPolicy policy = create();
        assertThat(policy.name()).isNotBlank().matches("[a-z0-9]+(-[a-z0-9]+)*").isEqualTo(expectedName());
        assertThat(create().name()).isEqualTo(policy.name());
    }

    @Test
    void decidesWithoutBlockingSoTheEngineAsksItOnTheHandshakeThread() {
        assertThat(create().decidesWithoutBlocking()).isTrue();
    }

    @Test
    void itsPluginNameIsItsName() {
        SessionPolicy policy = create();
        assertThat(policy.getClass().getAnnotation(io.postern.spi.PluginName.class).value()).isEqualTo(policy.name());
    }

    @Test
    void descriptionIsNonBlank() {
        assertThat(create().description()).isNotBlank();
    }

    @Test
    void decidesNonNullForEveryKindOfChange() {
        SessionPolicy policy = create();
        Instant recent = Instant.parse("2024-12-31T23:59:59Z");
        for (boolean incumbentConfigured : new boolean[] {false, true}) {
            for (boolean newcomerConfigured : new boolean[] {false, true}) {
                for (Instant lastSeen : new Instant[] {null, recent}) {
                    assertThat(policy.onIdentityChange(change(incumbentConfigured, newcomerConfigured, lastSeen)))
                            .isNotNull()
                            .isEqualTo(expectedDecision());
                }
            }
        }
    }

    @Test
    void isStatelessSoOneSharedInstanceIsThreadSafe() throws Exception {
        SessionPolicy policy = create();
        for (Field f : policy.getClass().getDeclaredFields()) {
            assertThat(Modifier.isStatic(f.getModifiers()))
                    .as("instance field %s makes the policy stateful", f.getName())
                    .isTrue();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<PolicyDecision>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean flag = i % 2 == 0;
                calls.add(() -> policy.onIdentityChange(change(flag, !flag, null)));
            }
            for (Future<PolicyDecision> f : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                assertThat(f.get()).isEqualTo(expectedDecision());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onEventIsHarmless() {
        create().onEvent(new io.postern.spi.GatewayEvent.SessionExpired(key(3), Instant.EPOCH));
    }

    @Test
    void isRegisteredForServiceLoaderWithAPublicNoArgConstructor() throws Exception {
        Class<?> type = create().getClass();
        assertThat(Modifier.isPublic(type.getModifiers())).isTrue();
        assertThat(Modifier.isPublic(type.getConstructor().getModifiers())).isTrue();
        assertThat(services("io.postern.spi.SessionPolicy")).contains(type.getName());
    }

    static List<String> services(String spi) throws IOException {
        try (InputStream in = SessionPolicyContractTest.class.getResourceAsStream("/META-INF/services/" + spi)) {
            assertThat(in).as("META-INF/services/%s", spi).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }
}
