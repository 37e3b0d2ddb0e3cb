/**
 * Postern's integration and architecture tests. The module itself holds no code: it exists so the
 * tests (patched into it by surefire and failsafe) run on the module path, against the real named
 * modules, exactly as the gateway runs. It reads the gateway's programmatic API, the engine's
 * facade and the contract, plus SLF4J and Logback to capture the engine's log lines.
 */
module io.postern.it {
    requires io.postern.gateway;
    requires io.postern.engine;
    requires io.postern.api;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
}
