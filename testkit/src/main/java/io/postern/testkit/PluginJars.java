package io.postern.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;

/** Builds plugin jars for tests: compiles Java sources with the JDK's javac against our modules, then jars them. */
public final class PluginJars {
    private PluginJars() {}

    /** @return where the module {@code name} of the boot layer was loaded from (a jar or a classes directory) */
    public static Path location(String name) {
        ModuleReference ref = ModuleLayer.boot().configuration().findModule(name).orElseThrow().reference();
        return Path.of(ref.location().orElseThrow());
    }

    /**
     * Compiles {@code sources} (file name to text, e.g. {@code module-info.java}, {@code p/Policy.java})
     * with io.postern.api (and io.postern.engine, when the test's boot layer has it) on the module path,
     * and jars the classes to {@code jar}.
     *
     * @param extraJavacOptions e.g. {@code --add-reads m=io.postern.engine}
     */
    public static Path build(Path jar, Map<String, String> sources, String... extraJavacOptions) {
        try {
            Path work = Files.createTempDirectory(jar.getParent(), "plugin-src");
            Path src = work.resolve("src");
            Path out = work.resolve("out");
            List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "25", "-proc:none",
                    "--module-path", modulePath()));
            args.addAll(List.of(extraJavacOptions));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            run("javac", args);
            run("jar", List.of("--create", "--file", jar.toString(), "-C", out.toString(), "."));
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the source of a SessionPolicy class {@code pkg.Policy} named {@code name} (in its
     *         {@code @PluginName} and {@code name()}), whose constructor runs {@code ctorBody}
     */
    public static String policy(String pkg, String name, String ctorBody) {
        return """
                package %s;
                import io.postern.spi.*;
                @PluginName("%3$s")
                public final class Policy implements SessionPolicy {
                    public Policy() { %s }
                    @Override public String name() { return "%3$s"; }
                    @Override public String description() { return "test plugin"; }
                    @Override public PolicyDecision onIdentityChange(IdentityChange c) { return PolicyDecision.REJECT; }
                }
                """.formatted(pkg, ctorBody, name);
    }

    /** @return a module-info.java for module {@code module} requiring {@code requires} and providing {@code pkg.Policy} */
    public static String moduleInfo(String module, String pkg, String... requires) {
        StringBuilder b = new StringBuilder("module ").append(module).append(" {\n    requires io.postern.api;\n");
        for (String r : requires) {
            b.append("    requires ").append(r).append(";\n");
        }
        return b.append("    provides io.postern.spi.SessionPolicy with ").append(pkg).append(".Policy;\n}\n").toString();
    }

    private static String modulePath() {
        StringBuilder path = new StringBuilder(location("io.postern.api").toString());
        if (ModuleLayer.boot().findModule("io.postern.engine").isPresent()) {
            path.append(java.io.File.pathSeparator).append(location("io.postern.engine"));
        }
        return path.toString();
    }

    private static void run(String tool, List<String> args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(output, true, StandardCharsets.UTF_8);
        int code = ToolProvider.findFirst(tool).orElseThrow(() -> new IllegalStateException("no " + tool + " in this JDK"))
                .run(stream, stream, args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException(tool + " failed (" + code + "): " + output.toString(StandardCharsets.UTF_8));
        }
    }
}
