/**
 * The transport-agnostic session engine: receiver-index table, peers and their keypairs, replay
 * window, timers, handshakes in both roles and key confirmation. It reaches crypto, policies,
 * admission, packet handlers and transports only through the SPIs of {@code io.postern.api}.
 */
module io.postern.engine {
    requires transitive io.postern.api;
    requires org.slf4j;

    exports io.postern.engine;
}
