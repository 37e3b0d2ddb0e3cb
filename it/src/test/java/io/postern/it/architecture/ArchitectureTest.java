package io.postern.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks every architecture rule against the main classes of every production module. */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = ModuleOutputs.mainClasses();
    }

    @Test
    void importsTheMainClassesOfEveryModuleAndNoTests() {
        assertThat(main.containPackage("io.postern.key")).as("api classes imported").isTrue();
        assertThat(main.containPackage("io.postern.engine")).as("engine classes imported").isTrue();
        assertThat(main).noneMatch(c -> c.getSimpleName().endsWith("Test") || c.getSimpleName().endsWith("IT"));
    }

    @Test
    void apiDependsOnlyOnJavaBase() {
        check(PosternArchitectureRules.API_DEPENDS_ONLY_ON_JAVA_BASE);
    }

    @Test
    void implementationsDependOnlyOnApi() {
        check(PosternArchitectureRules.IMPLEMENTATIONS_DEPEND_ONLY_ON_API);
    }

    @Test
    void onlyGatewayDependsOnImplementations() {
        check(PosternArchitectureRules.ONLY_GATEWAY_DEPENDS_ON_IMPLEMENTATIONS);
    }

    @Test
    void onlyGatewayUsesDependencyInjection() {
        check(PosternArchitectureRules.ONLY_GATEWAY_USES_DEPENDENCY_INJECTION);
    }

    @Test
    void onlyCryptoUsesBouncyCastle() {
        check(PosternArchitectureRules.ONLY_CRYPTO_USES_BOUNCY_CASTLE);
    }

    @Test
    void onlyNativeModulesUseNativeAccess() {
        check(PosternArchitectureRules.ONLY_NATIVE_MODULES_USE_NATIVE_ACCESS);
    }

    @Test
    void noPackageCycles() {
        check(PosternArchitectureRules.NO_PACKAGE_CYCLES);
    }

    @Test
    void noStandardStreamsOutsideCli() {
        check(PosternArchitectureRules.NO_STANDARD_STREAMS_OUTSIDE_CLI);
    }

    @Test
    void noGenericExceptions() {
        check(PosternArchitectureRules.NO_GENERIC_EXCEPTIONS);
    }

    @Test
    void loggersArePrivateStaticFinal() {
        check(PosternArchitectureRules.LOGGERS_PRIVATE_STATIC_FINAL);
    }

    @Test
    void noImplOrManagerClasses() {
        check(PosternArchitectureRules.NO_IMPL_OR_MANAGER_CLASSES);
    }

    @Test
    void noUtilOrCommonPackages() {
        check(PosternArchitectureRules.NO_UTIL_OR_COMMON_PACKAGES);
    }

    @Test
    void peerSessionFieldsArePrivate() {
        check(PosternArchitectureRules.PEER_SESSION_FIELDS_PRIVATE);
    }

    private static void check(ArchRule rule) {
        rule.check(main);
    }
}
