/**
 * Test helpers shared by several modules' tests, so that none is copied from module to module:
 * {@link io.postern.testkit.SeedMutations} (bounded, seeded fuzz executions for CI) and
 * {@link io.postern.testkit.PluginJars} (plugin jars compiled with the JDK's javac against our
 * modules). Used with test scope only; depends on nothing but the JDK.
 */
module io.postern.testkit {
    exports io.postern.testkit;
}
