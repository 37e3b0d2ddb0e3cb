package io.postern.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the real module descriptors (read with a {@link java.lang.module.ModuleFinder} over each
 * module's {@code target/classes}) and proves each check can fail on a hand-built broken descriptor.
 */
class ModuleDescriptorTest {
    private static Map<String, ModuleDescriptor> modules;

    @BeforeAll
    static void readDescriptors() {
        modules = ModuleOutputs.descriptors();
    }

    @Test
    void everyProductionModuleIsNamedAsExpected() {
        assertThat(modules.keySet()).containsExactlyInAnyOrderElementsOf(ModuleOutputs.PRODUCTION_MODULES.values());
        assertThat(modules.values()).allSatisfy(d -> assertThat(d.isAutomatic()).isFalse());
    }

    @Test
    void apiRequiresOnlyJavaBaseAndExportsExactlyTheContract() {
        assertThat(ModuleDescriptorRules.apiIsSelfContained(modules.get(ModuleDescriptorRules.API))).isEmpty();
    }

    @Test
    void serviceOnlyModulesExportNothing() {
        ModuleDescriptorRules.SERVICE_ONLY.forEach(name ->
                assertThat(ModuleDescriptorRules.exportsNothing(modules.get(name))).as(name).isEmpty());
    }

    @Test
    void implementationsRequireApiAndNotEachOther() {
        ModuleDescriptorRules.IMPLEMENTATIONS.forEach(name ->
                assertThat(ModuleDescriptorRules.requiresApiAndNoSibling(modules.get(name))).as(name).isEmpty());
    }

    @Test
    void onlyTheGatewayRequiresInjection() {
        assertThat(ModuleDescriptorRules.onlyGatewayRequiresInjection(modules)).isEmpty();
    }

    @Test
    void apiCheckFailsOnAnApiThatRequiresSlf4jAndHidesAPackage() {
        ModuleDescriptor broken = ModuleDescriptor.newModule(ModuleDescriptorRules.API)
                .requires("org.slf4j")
                .exports("io.postern.key")
                .packages(java.util.Set.of("io.postern.key", "io.postern.key.internal"))
                .build();
        assertThat(ModuleDescriptorRules.apiIsSelfContained(broken))
                .anyMatch(v -> v.contains("org.slf4j"))
                .anyMatch(v -> v.contains("must export exactly"))
                .anyMatch(v -> v.contains("io.postern.key.internal"));
    }

    @Test
    void exportsNothingFailsOnAnExportingProvider() {
        ModuleDescriptor broken = ModuleDescriptor.newModule("io.postern.policy").requires(ModuleDescriptorRules.API)
                .exports("io.postern.policy").build();
        assertThat(ModuleDescriptorRules.exportsNothing(broken)).singleElement()
                .asString().contains("exports io.postern.policy");
    }

    @Test
    void siblingCheckFailsOnAnEngineRequiringCryptoAndNotApi() {
        ModuleDescriptor broken = ModuleDescriptor.newModule("io.postern.engine").requires("io.postern.crypto")
                .build();
        assertThat(ModuleDescriptorRules.requiresApiAndNoSibling(broken))
                .anyMatch(v -> v.contains("does not require io.postern.api"))
                .anyMatch(v -> v.contains("[io.postern.crypto]"));
    }

    @Test
    void injectionCheckFailsOnAPolicyRequiringGuice() {
        ModuleDescriptor broken = ModuleDescriptor.newModule("io.postern.policy").requires("com.google.guice")
                .build();
        ModuleDescriptor gateway = ModuleDescriptor.newModule(ModuleDescriptorRules.GATEWAY)
                .requires("com.google.guice").build();
        assertThat(ModuleDescriptorRules.onlyGatewayRequiresInjection(
                Map.of(broken.name(), broken, gateway.name(), gateway)))
                .singleElement().asString().startsWith("io.postern.policy requires [com.google.guice]");
    }
}
