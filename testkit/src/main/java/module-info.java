/**
 * Test helpers shared by several modules' tests, so that none is copied from module to module:
 * {@link io.postern.testkit.SeedMutations} (bounded, seeded fuzz executions for CI),
 * {@link io.postern.testkit.PluginJars} (plugin jars compiled with the JDK's javac against our
 * modules) and {@link io.postern.testkit.Allocations} (bytes a thread allocates, for bounds on hot
 * paths). Used with test scope only; depends on nothing but the JDK.
 */
module io.postern.testkit {
    requires jdk.management;

    exports io.postern.testkit;
}
