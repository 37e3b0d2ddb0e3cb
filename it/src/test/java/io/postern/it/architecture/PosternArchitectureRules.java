package io.postern.it.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.lang.module.ModuleDescriptor;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Postern's architecture as ArchUnit rules. Each rule is a named constant over the real package root
 * {@code io.postern}; the factories take the root as a parameter so the same rule can be applied to
 * the deliberately broken fixtures under {@code io.postern.it.fixture}, which proves every rule can fail.
 *
 * <p>Packages per module: api = {@code key, net, wire, event, spi}; crypto-provider = {@code crypto};
 * session-policy = {@code policy}; engine = {@code engine}; transport-udp = {@code transport};
 * handler-tun = {@code handler}; gateway-app = {@code gateway}.
 */
public final class PosternArchitectureRules {
    /** The package root of production code. */
    public static final String ROOT = "io.postern";

    /** Packages that java.base exports to everyone (so not java.sql, java.logging, …). */
    private static final Set<String> JAVA_BASE_EXPORTS = ModuleLayer.boot().findModule("java.base").orElseThrow()
            .getDescriptor().exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toUnmodifiableSet());

    private static final DescribedPredicate<JavaClass> IN_JAVA_BASE = DescribedPredicate.describe(
            "are in java.base",
            c -> c.getBaseComponentType().isPrimitive()
                    || JAVA_BASE_EXPORTS.contains(c.getBaseComponentType().getPackageName()));

    /** api depends on nothing outside java.base. */
    public static final ArchRule API_DEPENDS_ONLY_ON_JAVA_BASE = apiDependsOnlyOnJavaBase(ROOT);

    /** crypto-provider, session-policy, engine and transport-udp depend on api and not on each other. */
    public static final ArchRule IMPLEMENTATIONS_DEPEND_ONLY_ON_API = implementationsDependOnlyOnApi(ROOT);

    /** Only gateway-app depends on the implementation modules. */
    public static final ArchRule ONLY_GATEWAY_DEPENDS_ON_IMPLEMENTATIONS = onlyGatewayDependsOnImplementations(ROOT);

    /** Only gateway-app uses Guice or jakarta.inject. */
    public static final ArchRule ONLY_GATEWAY_USES_DEPENDENCY_INJECTION = onlyGatewayUsesDependencyInjection(ROOT);

    /**
     * Only handler-tun, transport-udp-linux and transport-udp (its sticky sockets: recvmsg/sendmsg with
     * IP_PKTINFO) call native code (java.lang.foreign): the modules the launchers grant native access.
     */
    public static final ArchRule ONLY_NATIVE_MODULES_USE_NATIVE_ACCESS = onlyNativeModulesUseNativeAccess(ROOT);

    /** Nothing outside crypto-provider touches Bouncy Castle. */
    public static final ArchRule ONLY_CRYPTO_USES_BOUNCY_CASTLE = onlyCryptoUsesBouncyCastle(ROOT);

    /** No cycles between the top-level package slices {@code io.postern.(*)..}. */
    public static final ArchRule NO_PACKAGE_CYCLES = noPackageCycles(ROOT);

    /** No System.out/err except in the gateway's CLI commands. */
    public static final ArchRule NO_STANDARD_STREAMS_OUTSIDE_CLI = noStandardStreamsOutsideCli(ROOT);

    /** No Throwable, Exception or RuntimeException thrown. */
    public static final ArchRule NO_GENERIC_EXCEPTIONS = GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS
            .because("a caller can only handle what it can name: per-packet failures are reason enums, the rest "
                    + "a small exception tree per boundary");

    /** Loggers are private static final. */
    public static final ArchRule LOGGERS_PRIVATE_STATIC_FINAL = fields().that().haveRawType("org.slf4j.Logger")
            .should().bePrivate().andShould().beStatic().andShould().beFinal()
            .allowEmptyShould(true)
            .because("one logger per class, named for it, never shared or replaced");

    /** No class named *Impl or *Manager. */
    public static final ArchRule NO_IMPL_OR_MANAGER_CLASSES = noClasses()
            .should().haveSimpleNameEndingWith("Impl").orShould().haveSimpleNameEndingWith("Manager")
            .because("names are mechanism + role (UdpTransport, BouncyCastleCryptoProvider): *Impl and *Manager "
                    + "say nothing about either");

    /** No package named util or common. */
    public static final ArchRule NO_UTIL_OR_COMMON_PACKAGES = noClasses()
            .should().resideInAnyPackage("..util..", "..utils..", "..common..")
            .because("a grab-bag package hides what its classes are for: put each one beside the concept it serves");

    /** A peer's session state (keypair slots, handshake state, timers) is private to the class that owns it. */
    public static final ArchRule PEER_SESSION_FIELDS_PRIVATE = peerSessionFieldsPrivate(ROOT);

    private PosternArchitectureRules() {}

    static String[] apiPackages(String root) {
        return Stream.of("key", "net", "wire", "event", "spi").map(p -> root + "." + p + "..").toArray(String[]::new);
    }

    static String crypto(String root) {
        return root + ".crypto..";
    }

    static String policy(String root) {
        return root + ".policy..";
    }

    static String engine(String root) {
        return root + ".engine..";
    }

    static String transport(String root) {
        return root + ".transport..";
    }

    static String handler(String root) {
        return root + ".handler..";
    }

    static String gateway(String root) {
        return root + ".gateway..";
    }

    static ArchRule apiDependsOnlyOnJavaBase(String root) {
        return classes().that().resideInAnyPackage(apiPackages(root))
                .should().onlyDependOnClassesThat(resideInAnyPackage(apiPackages(root)).or(IN_JAVA_BASE))
                .because("api is the contract a third-party plugin compiles against: it carries no implementation "
                        + "and no third-party dependency, so a plugin sees exactly the contract");
    }

    static ArchRule implementationsDependOnlyOnApi(String root) {
        return modules(root)
                .whereLayer("api").mayNotAccessAnyLayer()
                .whereLayer("crypto-provider").mayOnlyAccessLayers("api")
                .whereLayer("session-policy").mayOnlyAccessLayers("api")
                .whereLayer("engine").mayOnlyAccessLayers("api")
                .whereLayer("transport-udp").mayOnlyAccessLayers("api")
                .whereLayer("handler-tun").mayOnlyAccessLayers("api")
                .because("the engine reaches crypto, policies and transports only through the SPIs, so each "
                        + "implementation can be replaced (or tested) without touching the others");
    }

    static ArchRule onlyGatewayDependsOnImplementations(String root) {
        return modules(root)
                .whereLayer("crypto-provider").mayOnlyBeAccessedByLayers("gateway-app")
                .whereLayer("session-policy").mayOnlyBeAccessedByLayers("gateway-app")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("gateway-app")
                .whereLayer("transport-udp").mayOnlyBeAccessedByLayers("gateway-app")
                .whereLayer("handler-tun").mayOnlyBeAccessedByLayers("gateway-app")
                .because("gateway-app is the composition root: the only place that knows which implementations "
                        + "exist and wires them together");
    }

    private static com.tngtech.archunit.library.Architectures.LayeredArchitecture modules(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy(apiPackages(root))
                .layer("crypto-provider").definedBy(crypto(root))
                .layer("session-policy").definedBy(policy(root))
                .layer("engine").definedBy(engine(root))
                .layer("transport-udp").definedBy(transport(root))
                // optional: the fixtures have no handler module
                .optionalLayer("handler-tun").definedBy(handler(root))
                .layer("gateway-app").definedBy(gateway(root))
                // a class of io.postern outside every module's packages would escape all layer rules
                .ensureAllClassesAreContainedInArchitectureIgnoring(not(resideInAPackage(root + "..")));
    }

    static ArchRule onlyGatewayUsesDependencyInjection(String root) {
        return noClasses().that().resideOutsideOfPackage(gateway(root))
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..",
                        "javax.inject..")
                .because("Guice is an application concern: libraries with injection annotations would force a "
                        + "container on every user of the engine or a plugin");
    }

    static ArchRule onlyNativeModulesUseNativeAccess(String root) {
        return noClasses().that().resideOutsideOfPackages(handler(root), root + ".transport.udplinux..",
                        root + ".transport.udp..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .because("native calls bypass the JVM's safety: they stay in the modules the launchers start with "
                        + "--enable-native-access=io.postern.handler.tun,io.postern.transport.udplinux,"
                        + "io.postern.transport.udp, so no other module gains the right by accident");
    }

    static ArchRule onlyCryptoUsesBouncyCastle(String root) {
        return noClasses().that().resideOutsideOfPackage(crypto(root))
                .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
                .because("crypto-provider is the one module that may change crypto libraries; everyone else goes "
                        + "through the CryptoProvider SPI");
    }

    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("a cycle between packages makes them one package in all but name: neither can be "
                        + "understood, tested or moved alone");
    }

    /**
     * The engine's {@code Peer} and {@code PeerTimers} keep every instance field private: keypair
     * slots change only through the peer's transitions, deadlines only through the timer events.
     */
    static ArchRule peerSessionFieldsPrivate(String root) {
        return fields().that().areDeclaredInClassesThat(DescribedPredicate.describe(
                        "are " + root + ".engine.Peer or " + root + ".engine.PeerTimers",
                        c -> c.getName().equals(root + ".engine.Peer")
                                || c.getName().equals(root + ".engine.PeerTimers")))
                .and().areNotStatic()
                .should().bePrivate()
                .because("when other classes write a peer's keypair slots or deadlines, the next person to change "
                        + "a rotation or a timer must find every one of them; the owner's transitions and timer "
                        + "events are the one place");
    }

    static ArchRule noStandardStreamsOutsideCli(String root) {
        return noClasses().that(not(cliCommands(root)))
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .because("everything but the CLI's own output goes through SLF4J, where operators can route and "
                        + "silence it");
    }

    /**
     * The narrow named exception to the standard-streams rule: the gateway's CLI — its entry point
     * {@code io.postern.gateway.Main} (hands System.in/out/err to the commands) and its picocli
     * commands (annotated with {@code @CommandLine.Command}) with the classes nested in them.
     */
    static DescribedPredicate<JavaClass> cliCommands(String root) {
        return DescribedPredicate.describe("are the CLI of " + root + ".gateway (Main, picocli commands)",
                c -> c.getPackageName().startsWith(root + ".gateway")
                        && (c.getName().equals(root + ".gateway.Main") || outermostOrSelfIsCommand(c)));
    }

    private static boolean outermostOrSelfIsCommand(JavaClass c) {
        for (Optional<JavaClass> k = Optional.of(c); k.isPresent(); k = k.get().getEnclosingClass()) {
            if (k.get().isAnnotatedWith("picocli.CommandLine$Command")) {
                return true;
            }
        }
        return false;
    }
}
