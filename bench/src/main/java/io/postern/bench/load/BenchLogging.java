package io.postern.bench.load;

/**
 * Logging and Guice settings for load runs: every engine logs its start at INFO, which at 10,000
 * engines would measure the console; runs use {@code bench-logback.xml} (WARN) unless told otherwise.
 */
final class BenchLogging {
    private BenchLogging() {}

    /** Call first in {@code main}, before any logger exists. */
    static void quiet() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        // Guice's bytecode generation cannot read Java 25 classes (as in the ./postern launcher)
        System.setProperty("guice_bytecode_gen_option", "DISABLED");
    }
}
