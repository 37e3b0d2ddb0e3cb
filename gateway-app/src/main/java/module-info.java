/**
 * The Postern gateway application: finds the implementations with {@link java.util.ServiceLoader},
 * binds the configured ones with Guice, parses the wg-quick style configuration, and runs the CLI.
 * The only module that knows Guice and the only one that knows every implementation module.
 *
 * <p>The implementation modules (io.postern.crypto, io.postern.policy, io.postern.transport.udp)
 * are not required: the {@code uses} clauses below make the module system resolve every module on
 * the module path that {@code provides} one of these services (service binding), so putting their
 * jars on the module path is enough.
 *
 * <p>Exports {@code io.postern.gateway}: {@link io.postern.gateway.PosternNode} (start a node from
 * a {@link io.postern.gateway.NodeConfig}), the config parser's {@link io.postern.gateway.ConfigException}
 * and {@link io.postern.gateway.Main}. Its unexported {@code admin} package serves the local admin
 * socket ({@code postern show/set/syncconf}); {@code metrics} the loopback Prometheus endpoint.
 */
module io.postern.gateway {
    requires io.postern.api;
    requires io.postern.engine;
    requires org.slf4j;
    // only for io.postern.gateway.logging.LogConfigurator: the logging set up in code, not logback.xml (start time)
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires info.picocli;
    // QR codes of client configs (postern peer add --qr); an automatic module, with a moditect descriptor in the image
    requires com.google.zxing;
    requires com.google.guice;
    requires jakarta.inject;
    // Guice is an automatic module and cannot declare that it needs Guava; Guava is an explicit
    // module, so nothing would resolve it without this line.
    requires com.google.common;
    // Likewise ASM: even with bytecode generation disabled, Guice reads class files with it to put
    // source lines into its error messages (found running ./postern up without it: NoClassDefFoundError).
    requires org.objectweb.asm;
    // the loopback Prometheus endpoint (io.postern.gateway.metrics)
    requires jdk.httpserver;

    exports io.postern.gateway;
    // WireGuard's userspace API server and client, for embedders and for a TUN-only device
    exports io.postern.gateway.uapi;

    // picocli fills the package-private command classes reflectively
    opens io.postern.gateway to info.picocli;
    // Guice calls the modules' @Provides methods reflectively (bytecode generation is disabled)
    opens io.postern.gateway.wiring to com.google.guice;

    uses io.postern.spi.crypto.CryptoProvider;
    uses io.postern.spi.crypto.HandshakeProtocolFactory;
    uses io.postern.spi.SessionPolicy;
    uses io.postern.spi.Admission;
    uses io.postern.spi.PacketHandler;
    uses io.postern.spi.TransportProvider;

    provides ch.qos.logback.classic.spi.Configurator with io.postern.gateway.logging.LogConfigurator;
    provides io.postern.spi.PacketHandler
            with io.postern.gateway.handler.EchoPacketHandler, io.postern.gateway.ip.IpPacketHandler;
}
