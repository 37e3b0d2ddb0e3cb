package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.spi.SessionPolicy;
import io.postern.testkit.PluginJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading third-party jars from the plugins directory, each in its own module layer, and refusing bad ones. */
class PluginDirectoryTest {
    @TempDir
    Path dir;

    private Path good(String fileName, String module, String policyName) {
        String pkg = module.replace('.', '_');
        return PluginJars.build(dir.resolve(fileName), Map.of(
                "module-info.java", PluginJars.moduleInfo(module, pkg),
                pkg + "/Policy.java", PluginJars.policy(pkg, policyName, "")));
    }

    private static String reasonFor(PluginRegistry registry, String fileName) {
        return registry.refused().stream().filter(r -> r.jar().getFileName().toString().equals(fileName))
                .map(RefusedPlugin::reason).findFirst().orElseThrow(() -> new AssertionError(fileName + " was not refused: " + registry.refused()));
    }

    /** @return the message of the ConfigException that selecting policy {@code name} fails with (its code runs then) */
    private static String whySelectingFails(PluginRegistry registry, String name) {
        assertThat(registry.refused()).isEmpty();
        try {
            registry.select(PluginRegistryTest.config().sessionPolicy(name).build());
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("selecting " + name + " succeeded");
    }

    @Test
    void aPluginJarsPolicyIsSelectableByNameAndLivesInALayerOfItsOwn() throws IOException {
        good("strict.jar", "com.example.strict", "strict");
        Files.writeString(dir.resolve("README.txt"), "not a plugin, ignored");

        PluginRegistry registry = PluginRegistry.load(dir);

        assertThat(registry.refused()).isEmpty();
        assertThat(registry.policies().names()).contains("strict", "reset-on-identity-change");
        SessionPolicy strict = registry.policies().select("strict");
        Module module = strict.getClass().getModule();
        assertThat(module.getName()).isEqualTo("com.example.strict");
        assertThat(module.getLayer()).isNotSameAs(ModuleLayer.boot());
        assertThat(module.getLayer().parents()).containsExactly(ModuleLayer.boot());
        assertThat(strict.getClass().getClassLoader()).isNotSameAs(PluginRegistry.class.getClassLoader());
        assertThat(registry.select(PluginRegistryTest.config().sessionPolicy("strict").build()).policy()).isSameAs(strict);
    }

    @Test
    void eachLoadedJarsSha256IsLogged() throws Exception {
        for (String name : new String[] {"ch.qos.logback.classic", "ch.qos.logback.core"}) {
            ModuleLayer.boot().findModule(name).ifPresent(PluginDirectoryTest.class.getModule()::addReads);
        }
        Path jar = good("strict.jar", "com.example.strict", "strict");
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PluginDirectory.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        lines.start();
        logger.addAppender(lines);
        try {
            PluginDirectory.open(dir);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .contains("plugin jar jar=" + jar + " module=com.example.strict sha256=" + sha256);
    }

    @Test
    void aMissingDirectoryMeansNoPlugins() {
        PluginRegistry registry = PluginRegistry.load(dir.resolve("nope"));
        assertThat(registry.refused()).isEmpty();
        assertThat(registry.policies().names()).containsExactly("keep-both", "reject-while-bound", "reset-on-identity-change");
    }

    @Test
    void aFileThatIsNotAJarIsRefused() throws IOException {
        Files.writeString(dir.resolve("garbage.jar"), "this is not a zip file");
        assertThat(reasonFor(PluginRegistry.load(dir), "garbage.jar")).contains("FindException");
    }

    @Test
    void aJarWithoutAProviderIsRefused() {
        PluginJars.build(dir.resolve("empty.jar"), Map.of(
                "module-info.java", "module com.example.empty { requires io.postern.api; exports e; }",
                "e/Nothing.java", "package e; public class Nothing {}"));
        assertThat(reasonFor(PluginRegistry.load(dir), "empty.jar"))
                .isEqualTo("module com.example.empty provides no io.postern.spi.SessionPolicy, io.postern.spi.PacketHandler"
                        + " or io.postern.spi.TransportProvider"
                        + " (add 'provides ... with ...' to its module-info)");
    }

    @Test
    void onlyTheProvidersTheConfigurationSelectsAreCreated(@TempDir Path elsewhere) {
        Path marker = elsewhere.resolve("spy constructed");
        PluginJars.build(dir.resolve("spy.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.spy", "spy"),
                "spy/Policy.java", PluginJars.policy("spy", "spy", "try { java.nio.file.Files.writeString(java.nio.file.Path.of(\""
                        + marker + "\"), \"constructed\"); } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }")));
        PluginJars.build(dir.resolve("boom.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.boom", "boom"),
                "boom/Policy.java", PluginJars.policy("boom", "boom", "throw new IllegalStateException(\"no pin file\");")));

        PluginRegistry registry = PluginRegistry.load(dir);
        PluginSelection selection = registry.select(PluginRegistryTest.config().sessionPolicy("keep-both").build());

        assertThat(selection.policy().name()).isEqualTo("keep-both");
        assertThat(registry.refused()).isEmpty();
        assertThat(registry.policies().names()).contains("spy", "boom");
        assertThat(marker).as("the unselected plugin's constructor ran").doesNotExist();
        // the marker does show a construction: selecting the plugin creates it, once
        SessionPolicy spy = registry.select(PluginRegistryTest.config().sessionPolicy("spy").build()).policy();
        assertThat(marker).hasContent("constructed");
        assertThat(registry.policies().select("spy")).isSameAs(spy);
    }

    @Test
    void aSelectedProviderWhoseConstructorThrowsFailsTheSelectionNamingClassJarAndCause() {
        PluginJars.build(dir.resolve("boom.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.boom", "boom"),
                "boom/Policy.java", PluginJars.policy("boom", "boom", "throw new IllegalStateException(\"no pin file\");")));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(registry.refused()).isEmpty();
        assertThatThrownBy(() -> registry.select(PluginRegistryTest.config().sessionPolicy("boom").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SessionPolicy 'boom' (boom.Policy, plugin boom.jar) cannot be created: ")
                .hasMessageContaining("java.lang.IllegalStateException: no pin file");
    }

    @Test
    void aProviderWithoutPluginNameIsRefused() {
        PluginJars.build(dir.resolve("anonymous.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.anonymous", "anonymous"),
                "anonymous/Policy.java", PluginJars.policy("anonymous", "anonymous", "").replace("@PluginName(\"anonymous\")", "")));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(registry.policies().names()).doesNotContain("anonymous");
        assertThat(reasonFor(registry, "anonymous.jar")).isEqualTo("SessionPolicy anonymous.Policy has no @io.postern.spi.PluginName"
                + " (the gateway reads a provider's name from its class, so that it creates only the providers the configuration selects)");
    }

    @Test
    void aProviderWhoseNameIsNotItsPluginNameCannotBeSelected() {
        PluginJars.build(dir.resolve("twofaced.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.twofaced", "twofaced"),
                "twofaced/Policy.java", PluginJars.policy("twofaced", "twofaced", "")
                        .replace("return \"twofaced\";", "return \"keep-both\";")));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThatThrownBy(() -> registry.policies().select("twofaced"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SessionPolicy 'twofaced' (twofaced.Policy, plugin twofaced.jar) says its name() is 'keep-both',"
                        + " not the 'twofaced' of its @PluginName");
    }

    @Test
    void aNameTakenByABuiltInPolicyIsRefused() {
        good("impostor.jar", "com.example.impostor", "keep-both");
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(reasonFor(registry, "impostor.jar"))
                .isEqualTo("SessionPolicy name 'keep-both' of com_example_impostor.Policy is already taken"
                        + " (built in: io.postern.policy.KeepBothPolicy)");
        assertThat(registry.policies().select("keep-both").getClass().getModule().getName()).isEqualTo("io.postern.policy");
    }

    @Test
    void aNameTakenByAnotherPluginIsRefused() {
        good("a.jar", "com.example.a", "same");
        good("b.jar", "com.example.b", "same");
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(reasonFor(registry, "b.jar")).contains("already taken (plugin a.jar)");
        assertThat(registry.policies().select("same").getClass().getModule().getName()).isEqualTo("com.example.a");
    }

    @Test
    void aJarThatNeedsAModuleThatIsNotThereIsRefused() {
        // compiled against a stand-in module, installed without it
        Path lib = PluginJars.build(dir.resolve("lib.jar"), Map.of(
                "module-info.java", "module com.example.lib { exports lib; }",
                "lib/Lib.java", "package lib; public class Lib {}"));
        PluginJars.build(dir.resolve("needy.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.needy", "needy", "com.example.lib"),
                "needy/Policy.java", PluginJars.policy("needy", "needy", "")), "--module-path",
                lib + java.io.File.pathSeparator + PluginJars.location("io.postern.api"));
        assertThat(lib.toFile().delete()).isTrue();
        assertThat(reasonFor(PluginRegistry.load(dir), "needy.jar"))
                .isEqualTo("java.lang.module.FindException: Module com.example.lib not found, required by com.example.needy");
    }

    @Test
    void aPluginMayNotRequireTheGatewaysInternals() {
        PluginJars.build(dir.resolve("nosy.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.nosy", "nosy", "io.postern.engine"),
                "nosy/Policy.java", PluginJars.policy("nosy", "nosy", "")));
        assertThat(reasonFor(PluginRegistry.load(dir), "nosy.jar"))
                .isEqualTo("module com.example.nosy requires io.postern.engine, which plugins may not read"
                        + " (a plugin sees only io.postern.api, org.slf4j and JDK modules)");
    }

    @Test
    void theModuleSystemKeepsAPluginOutOfModulesItDoesNotRead() {
        // the class links against the engine (compiled with --add-reads), its descriptor reads only the api
        PluginJars.build(dir.resolve("sneaky.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.sneaky", "sneaky"),
                "sneaky/Policy.java", PluginJars.policy("sneaky", "sneaky",
                        "System.out.println(io.postern.engine.SessionEngine.class);")),
                "--add-modules", "io.postern.engine", "--add-reads", "com.example.sneaky=io.postern.engine");
        assertThat(whySelectingFails(PluginRegistry.load(dir), "sneaky"))
                .contains("java.lang.IllegalAccessError")
                .contains("module com.example.sneaky does not read module io.postern.engine");
    }

    @Test
    void theModuleSystemKeepsAPluginOutOfPackagesTheGatewayDoesNotExport() {
        PluginJars.build(dir.resolve("peek.jar"), Map.of(
                "module-info.java", PluginJars.moduleInfo("com.example.peek", "peek"),
                "peek/Policy.java", PluginJars.policy("peek", "peek", """
                        try {
                            Class.forName("io.postern.policy.KeepBothPolicy").getConstructor().newInstance();
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }""")));
        assertThat(whySelectingFails(PluginRegistry.load(dir), "peek"))
                .contains("IllegalAccessException")
                .contains("module io.postern.policy does not export io.postern.policy to module com.example.peek");
    }

    @Test
    void anUnusedBrokenJarOnlyWarnsButAMissingConfiguredPolicyFailsNamingTheRefusedJars() throws IOException {
        good("strict.jar", "com.example.strict", "strict");
        Files.writeString(dir.resolve("garbage.jar"), "not a zip");
        PluginRegistry registry = PluginRegistry.load(dir);

        assertThat(registry.select(PluginRegistryTest.config().sessionPolicy("strict").build()).policy().name()).isEqualTo("strict");
        assertThatThrownBy(() -> registry.select(PluginRegistryTest.config().sessionPolicy("pinned-keys").build()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SessionPolicy 'pinned-keys' not found; available: keep-both, reject-while-bound, "
                        + "reset-on-identity-change, strict; refused plugin jars: garbage.jar: ");
    }

    @Test
    void aGroupOrWorldWritableDirectoryIsRefusedWithPathOwnerAndMode() throws IOException {
        good("strict.jar", "com.example.strict", "strict");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(registry.policies().names()).doesNotContain("strict");
        assertThat(registry.refused()).singleElement().satisfies(r -> assertThat(r.reason())
                .contains(dir.toString()).contains("owner " + System.getProperty("user.name"))
                .contains("mode rwxrwxr-x").contains("full privileges"));
    }

    @Test
    void aWorldWritableJarIsRefused() throws IOException {
        Path jar = good("strict.jar", "com.example.strict", "strict");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--rw-"));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(registry.policies().names()).doesNotContain("strict");
        assertThat(reasonFor(registry, "strict.jar")).contains("mode rw-r--rw-").contains("writable by no one else");
    }

    @Test
    void aJarOwnedBySomeoneElseIsRefused() throws IOException {
        Path jar = good("strict.jar", "com.example.strict", "strict");
        UserPrincipal nobody;
        try {
            nobody = jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(jar, nobody);
        } catch (IOException e) {
            Assumptions.abort("cannot give a file to 'nobody' here (needs root): " + e);
            return;
        }
        assertThat(reasonFor(PluginRegistry.load(dir), "strict.jar")).contains("owner nobody");
    }

    @Test
    void aJarThatRequiresJdkUnsupportedIsRefused() {
        PluginJars.build(dir.resolve("unsafe.jar"), Map.of(
                "module-info.java", "module com.example.unsafe { requires io.postern.api; requires jdk.unsupported;"
                        + " provides io.postern.spi.SessionPolicy with unsafe.Policy; }",
                "unsafe/Policy.java", PluginJars.policy("unsafe", "unsafe", "")));
        PluginRegistry registry = PluginRegistry.load(dir);
        assertThat(registry.policies().names()).doesNotContain("unsafe");
        assertThat(reasonFor(registry, "unsafe.jar")).contains("requires jdk.unsupported");
    }
}
