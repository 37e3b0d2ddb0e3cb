package io.postern.it.architecture;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Rules over the JPMS module descriptors, each a function from descriptors to a list of violations
 * (empty when the rule holds) so they can be run against the real modules and against hand-built
 * broken descriptors alike.
 */
final class ModuleDescriptorRules {
    /** The api module's name. */
    static final String API = "io.postern.api";
    /** The gateway application's module name. */
    static final String GATEWAY = "io.postern.gateway";
    /** The implementation modules (everything between api and the gateway). */
    static final Set<String> IMPLEMENTATIONS = Set.of("io.postern.crypto", "io.postern.policy", "io.postern.engine",
            "io.postern.transport.udp", "io.postern.handler.tun",
            "io.postern.transport.udplinux", "io.postern.transport.tcp");
    /** Implementation modules that are reached only as services and so export nothing. */
    static final Set<String> SERVICE_ONLY = Set.of("io.postern.crypto", "io.postern.policy",
            "io.postern.transport.udp", "io.postern.handler.tun",
            "io.postern.transport.udplinux", "io.postern.transport.tcp");
    /** The packages of the contract. */
    static final Set<String> API_PACKAGES = Set.of("io.postern.key", "io.postern.net", "io.postern.wire",
            "io.postern.event", "io.postern.spi", "io.postern.spi.crypto");
    /** Modules of dependency-injection libraries. */
    static final Set<String> INJECTION_MODULES = Set.of("com.google.guice", "jakarta.inject", "javax.inject");

    private ModuleDescriptorRules() {}

    /** api requires only java.base, and exports exactly the contract packages, to everyone. */
    static List<String> apiIsSelfContained(ModuleDescriptor api) {
        List<String> out = new ArrayList<>();
        Set<String> requires = requiredNames(api);
        requires.remove("java.base");
        if (!requires.isEmpty()) {
            out.add(api.name() + " requires " + requires + " but may require only java.base");
        }
        Set<String> exported = api.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!exported.equals(new TreeSet<>(API_PACKAGES))) {
            out.add(api.name() + " exports " + exported + " but must export exactly " + new TreeSet<>(API_PACKAGES));
        }
        api.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .forEach(e -> out.add(api.name() + " exports " + e.source() + " only to " + e.targets()));
        Set<String> hidden = new TreeSet<>(api.packages());
        hidden.removeAll(API_PACKAGES);
        if (!hidden.isEmpty()) {
            out.add(api.name() + " has packages " + hidden + " outside the contract");
        }
        return out;
    }

    /** A service-only implementation module exports and opens nothing. */
    static List<String> exportsNothing(ModuleDescriptor d) {
        List<String> out = new ArrayList<>();
        d.exports().forEach(e -> out.add(d.name() + " exports " + e.source() + " but is reached only as a service"));
        d.opens().forEach(o -> out.add(d.name() + " opens " + o.source() + " but is reached only as a service"));
        return out;
    }

    /** An implementation module requires api and no other implementation module. */
    static List<String> requiresApiAndNoSibling(ModuleDescriptor d) {
        List<String> out = new ArrayList<>();
        Set<String> requires = requiredNames(d);
        if (!requires.contains(API)) {
            out.add(d.name() + " does not require " + API);
        }
        Set<String> siblings = new TreeSet<>(requires);
        siblings.retainAll(IMPLEMENTATIONS);
        siblings.remove(d.name());
        if (!siblings.isEmpty()) {
            out.add(d.name() + " requires implementation modules " + siblings + ": it may reach them only via SPIs");
        }
        if (requires.contains(GATEWAY)) {
            out.add(d.name() + " requires " + GATEWAY);
        }
        return out;
    }

    /** No module but the gateway requires a dependency-injection library. */
    static List<String> onlyGatewayRequiresInjection(Map<String, ModuleDescriptor> modules) {
        List<String> out = new ArrayList<>();
        modules.values().stream().filter(d -> !d.name().equals(GATEWAY)).forEach(d -> {
            Set<String> injection = requiredNames(d);
            injection.retainAll(INJECTION_MODULES);
            if (!injection.isEmpty()) {
                out.add(d.name() + " requires " + injection + " but only " + GATEWAY + " may use injection");
            }
        });
        return out;
    }

    private static Set<String> requiredNames(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
