package io.postern.it.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build output ({@code target/classes}) of every production module, found from the reactor root
 * that {@code it/pom.xml} passes as the system property {@code postern.root.dir}. Only main classes
 * are imported, never tests, so a rule judges exactly what ships.
 */
final class ModuleOutputs {
    /** Module directory (as in the root pom's {@code <modules>}) to its JPMS name. */
    static final Map<String, String> PRODUCTION_MODULES;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("api", "io.postern.api");
        m.put("crypto-provider", "io.postern.crypto");
        m.put("session-policy", "io.postern.policy");
        m.put("engine", "io.postern.engine");
        m.put("transport-udp", "io.postern.transport.udp");
        m.put("transport-udp-linux", "io.postern.transport.udplinux");
        m.put("handler-tun", "io.postern.handler.tun");
        m.put("transport-tcp", "io.postern.transport.tcp");
        m.put("gateway-app", "io.postern.gateway");
        PRODUCTION_MODULES = Collections.unmodifiableMap(m);
    }

    private static JavaClasses imported;

    private ModuleOutputs() {}

    /** @return the reactor root directory */
    static Path root() {
        String dir = System.getProperty("postern.root.dir");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property postern.root.dir is not set: run these tests through "
                    + "Maven (it/pom.xml sets it to the reactor root)");
        }
        return Path.of(dir);
    }

    /**
     * @return the {@code target/classes} directory of a production module
     * @throws IllegalStateException naming the module when it has not been compiled
     */
    static Path classesOf(String moduleDir) {
        Path classes = root().resolve(moduleDir).resolve("target").resolve("classes");
        if (!Files.isRegularFile(classes.resolve("module-info.class"))) {
            throw new IllegalStateException("module '" + moduleDir + "' has no compiled classes at " + classes
                    + " (no module-info.class): build it first, e.g. mvn -B verify from the root");
        }
        return classes;
    }

    /** @return every production module's {@code target/classes}, in reactor order */
    static List<Path> allClassDirs() {
        return PRODUCTION_MODULES.keySet().stream().map(ModuleOutputs::classesOf).toList();
    }

    /** @return the main classes of every production module, imported once */
    static synchronized JavaClasses mainClasses() {
        if (imported == null) {
            imported = new ClassFileImporter().importPaths(allClassDirs());
        }
        return imported;
    }

    /**
     * @return the module descriptor of every production module, by JPMS name, as a
     *         {@link ModuleFinder} over the exploded {@code target/classes} directories reads them
     *         (packages included)
     */
    static Map<String, ModuleDescriptor> descriptors() {
        ModuleFinder finder = ModuleFinder.of(allClassDirs().toArray(Path[]::new));
        Map<String, ModuleDescriptor> out = new LinkedHashMap<>();
        PRODUCTION_MODULES.forEach((dir, name) -> out.put(name, finder.find(name)
                .orElseThrow(() -> new IllegalStateException("module " + name + " not found in " + classesOf(dir)))
                .descriptor()));
        return out;
    }
}
