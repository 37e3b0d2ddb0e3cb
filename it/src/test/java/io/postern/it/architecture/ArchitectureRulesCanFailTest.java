package io.postern.it.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.postern.it.fixture.common.FixtureShared;
import io.postern.it.fixture.engine.EngineImpl;
import io.postern.it.fixture.engine.EngineReachingCrypto;
import io.postern.it.fixture.engine.EngineThrowingGenericException;
import io.postern.it.fixture.engine.EngineWithPublicLogger;
import io.postern.it.fixture.engine.Peer;
import io.postern.it.fixture.engine.SessionManager;
import io.postern.it.fixture.gateway.FixtureCliCommand;
import io.postern.it.fixture.gateway.FixtureGateway;
import io.postern.it.fixture.gateway.GatewayPrintingToStdout;
import io.postern.it.fixture.gateway.Main;
import io.postern.it.fixture.key.KeyLoggingThroughSlf4j;
import io.postern.it.fixture.net.NetSide;
import io.postern.it.fixture.policy.PolicyInjectedByGuice;
import io.postern.it.fixture.stray.StrayReachingPolicy;
import io.postern.it.fixture.transport.TransportCallingNativeCode;
import io.postern.it.fixture.transport.TransportHashingWithBouncyCastle;
import io.postern.it.fixture.util.FixtureHelpers;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves every architecture rule can fail: each rule, built for the fixture root, must report the
 * fixture class made to break it — and must not report the fixtures made to pass it.
 */
class ArchitectureRulesCanFailTest {
    private static final String ROOT = "io.postern.it.fixture";
    private static JavaClasses fixtures;

    @BeforeAll
    static void importFixtures() {
        fixtures = new ClassFileImporter().importPackages(ROOT);
        assertThat(fixtures.containPackage(ROOT + ".engine")).as("fixtures imported").isTrue();
    }

    @Test
    void apiRuleReportsAnApiClassUsingSlf4j() {
        assertReports(PosternArchitectureRules.apiDependsOnlyOnJavaBase(ROOT), KeyLoggingThroughSlf4j.class);
    }

    @Test
    void layerRuleReportsTheEngineCallingCryptoDirectly() {
        assertReports(PosternArchitectureRules.implementationsDependOnlyOnApi(ROOT), EngineReachingCrypto.class);
    }

    @Test
    void gatewayOnlyRuleReportsAStrayClassUsingAPolicyButNotTheGateway() {
        EvaluationResult result = assertReports(PosternArchitectureRules.onlyGatewayDependsOnImplementations(ROOT),
                StrayReachingPolicy.class);
        assertThat(details(result)).noneMatch(d -> d.contains("<" + FixtureGateway.class.getName() + "."));
    }

    @Test
    void injectionRuleReportsAPolicyWithAnInjectAnnotation() {
        assertReports(PosternArchitectureRules.onlyGatewayUsesDependencyInjection(ROOT), PolicyInjectedByGuice.class);
    }

    @Test
    void bouncyCastleRuleReportsATransportHashingWithIt() {
        assertReports(PosternArchitectureRules.onlyCryptoUsesBouncyCastle(ROOT),
                TransportHashingWithBouncyCastle.class);
    }

    @Test
    void nativeAccessRuleReportsATransportCallingNativeCode() {
        assertReports(PosternArchitectureRules.onlyNativeModulesUseNativeAccess(ROOT), TransportCallingNativeCode.class);
    }

    @Test
    void cycleRuleReportsTheNetWireCycle() {
        assertReports(PosternArchitectureRules.noPackageCycles(ROOT), NetSide.class);
    }

    @Test
    void standardStreamsRuleReportsAPrintingGatewayClassButNotACliCommand() {
        EvaluationResult result = assertReports(PosternArchitectureRules.noStandardStreamsOutsideCli(ROOT),
                GatewayPrintingToStdout.class);
        assertThat(details(result)).noneMatch(d -> d.contains(FixtureCliCommand.class.getName())
                || d.contains("<" + Main.class.getName() + "."));
    }

    @Test
    void genericExceptionRuleReportsARuntimeExceptionThrown() {
        assertReports(PosternArchitectureRules.NO_GENERIC_EXCEPTIONS, EngineThrowingGenericException.class);
    }

    @Test
    void loggerRuleReportsAPublicMutableLogger() {
        assertReports(PosternArchitectureRules.LOGGERS_PRIVATE_STATIC_FINAL, EngineWithPublicLogger.class);
    }

    @Test
    void namingRuleReportsManagerAndImplClasses() {
        EvaluationResult result = assertReports(PosternArchitectureRules.NO_IMPL_OR_MANAGER_CLASSES,
                SessionManager.class);
        assertThat(details(result)).anyMatch(d -> d.contains(EngineImpl.class.getName()));
    }

    @Test
    void packageNamingRuleReportsUtilAndCommon() {
        EvaluationResult result = assertReports(PosternArchitectureRules.NO_UTIL_OR_COMMON_PACKAGES,
                FixtureHelpers.class);
        assertThat(details(result)).anyMatch(d -> d.contains(FixtureShared.class.getName()));
    }

    @Test
    void peerFieldsRuleReportsASlotOthersCanWriteButNotAPrivateOne() {
        EvaluationResult result = assertReports(PosternArchitectureRules.peerSessionFieldsPrivate(ROOT), Peer.class);
        assertThat(details(result)).anyMatch(d -> d.contains(Peer.class.getName() + ".current"))
                .noneMatch(d -> d.contains(Peer.class.getName() + ".key"))
                .noneMatch(d -> d.contains(Peer.class.getName() + ".NEVER"));
    }

    private static EvaluationResult assertReports(ArchRule rule, Class<?> culprit) {
        EvaluationResult result = rule.evaluate(fixtures);
        assertThat(result.hasViolation()).as("rule '%s' reports a violation", rule.getDescription()).isTrue();
        assertThat(details(result)).as("violations of '%s'", rule.getDescription())
                .anyMatch(d -> d.contains(culprit.getName()));
        return result;
    }

    private static List<String> details(EvaluationResult result) {
        return result.getFailureReport().getDetails();
    }
}
